import { Router, type Request, type Response } from 'express'
import type { WebModule } from '../platform/http/app.ts'
import { CASEWORK_READERS } from './plan-service.ts'
import { formExtras, saveOrShow, type FormState } from './plan-web.ts'
import { DECISION_LABELS, type ReviewService } from './review-service.ts'

const VIEWS = 'casework/views'

const actorOf = (req: Request) => req.actor!

export function reviewWeb(reviews: ReviewService): WebModule {
  const router = Router()

  router.get('/casework/reviews', async (req, res) => {
    res.render(`${VIEWS}/reviews.njk`, { pageTitle: 'Annual reviews due', ...(await reviews.reviewsDue(actorOf(req))) })
  })

  router.get('/casework/phase-transfers', async (req, res) => {
    const view = await reviews.phaseTransfers(actorOf(req), req.query.year)
    res.render(`${VIEWS}/phase-transfers.njk`, { pageTitle: `Phase transfers in September ${view.year}`, ...view })
  })

  // Opening resumes an open review of the same kind, so a second press never makes a second review.
  router.post('/casework/plans/:planId/reviews', async (req, res) => {
    const { id } = await reviews.openReview(actorOf(req), req.params.planId, req.body)
    res.redirect(303, `/casework/reviews/${id}`)
  })

  const showReview = async (req: Request, res: Response, state: FormState) => {
    const view = await reviews.getReview(actorOf(req), String(req.params.reviewId))
    const r = view.review
    const saved = {
      version: String(r.version),
      meetingOn: r.meeting_on ?? '',
      invitationsSentOn: r.invitations_sent_on ?? '',
      reportReceivedOn: r.report_received_on ?? '',
      decision: r.decision ?? '',
      decisionOn: r.decision_on ?? '',
      proposalsSentOn: '',
      summary: '',
    }
    res.status(state.status).render(`${VIEWS}/review.njk`, {
      pageTitle: `${r.kind === 'phase_transfer' ? 'Phase transfer review' : 'Annual review'}: ${view.child.name}`,
      ...view,
      form: { ...saved, ...(state.form ?? {}) },
      decisionLabels: DECISION_LABELS,
      ...formExtras(state),
    })
  }

  router.get('/casework/reviews/:reviewId', async (req, res) => {
    await showReview(req, res, { status: 200 })
  })

  router.post('/casework/reviews/:reviewId', async (req, res) => {
    const { reviewId } = req.params
    await saveOrShow(
      req,
      async () => {
        await reviews.saveReview(actorOf(req), reviewId, req.body)
        return `/casework/reviews/${reviewId}`
      },
      state => showReview(req, res, state),
      res,
    )
  })

  router.post('/casework/reviews/:reviewId/amendments', async (req, res) => {
    await saveOrShow(
      req,
      async () =>
        `/casework/amendments/${(await reviews.startAmendment(actorOf(req), req.params.reviewId, req.body)).id}`,
      state => showReview(req, res, state),
      res,
    )
  })

  return {
    router,
    nav: [
      { text: 'Annual reviews', href: '/casework/reviews', section: 'Casework', roles: CASEWORK_READERS },
      { text: 'Phase transfers', href: '/casework/phase-transfers', section: 'Casework', roles: CASEWORK_READERS },
    ],
  }
}

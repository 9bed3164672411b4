import { Router, type Request, type Response } from 'express'
import { ConflictError, ValidationError, type FieldError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { SOURCE_LABELS, VIA_LABELS, type CaseworkRequestService } from './request-service.ts'

const VIEWS = 'casework/views'
const READERS = ['la_admin', 'send_manager', 'case_officer'] as const
const MAX_NEEDS = 4

const actorOf = (req: Request) => req.actor!

type Body = Record<string, string | undefined>

/** What the page shows back when a form could not be saved: which form, and what was typed into it. */
type Posted = { form: string; values: Body; rowId?: string }

export function requestWeb(requests: CaseworkRequestService): WebModule {
  const router = Router()

  const renderRequest = async (
    req: Request,
    res: Response,
    status: number,
    extra: { posted?: Posted; errors?: FieldError[]; conflict?: string } = {},
  ) => {
    const view = await requests.getRequest(actorOf(req), String(req.params.requestId))
    res.status(status).render(`${VIEWS}/request.njk`, {
      pageTitle: `EHC needs assessment request for ${view.child.first_name} ${view.child.last_name}`,
      ...view,
      posted: extra.posted ?? null,
      conflict: extra.conflict ?? null,
      maxNeeds: MAX_NEEDS,
      ...(extra.errors?.length ? errorSummary(extra.errors) : {}),
    })
  }

  /**
   * Runs one of the request page's forms: back to the page when saved; the page again with the errors
   * and what was typed (400), or with the latest record and nothing saved (409).
   */
  const form =
    (name: string, act: (req: Request, body: Body) => Promise<unknown>, rowParam?: string) =>
    async (req: Request, res: Response) => {
      const body = req.body as Body
      const rowId = rowParam ? String(req.params[rowParam]) : undefined
      try {
        await act(req, body)
        res.redirect(303, `/casework/requests/${req.params.requestId}#timeline`)
      } catch (error) {
        if (error instanceof ValidationError) {
          // Rows repeat a form: their fields carry the row's id so each error points at its own field.
          const errors = rowId ? error.errors.map(e => ({ ...e, field: `${e.field}-${rowId}` })) : error.errors
          return renderRequest(req, res, 400, { posted: { form: name, values: body, rowId }, errors })
        }
        if (error instanceof ConflictError) return renderRequest(req, res, 409, { conflict: error.message })
        throw error
      }
    }

  // Adds the Casework section to the child record page, which the people area renders.
  router.get('/children/:childId', async (req, res, next) => {
    res.locals.casework = await requests.forChildRecord(actorOf(req), req.params.childId)
    next()
  })

  const renderLog = async (req: Request, res: Response, status: number, values: Body, errors: FieldError[] = []) => {
    const data = await requests.logForm(actorOf(req), String(req.params.childId))
    res.status(status).render(`${VIEWS}/request-new.njk`, {
      pageTitle: 'Log a request for an EHC needs assessment',
      ...data,
      values,
      sourceLabels: SOURCE_LABELS,
      viaLabels: VIA_LABELS,
      ...(errors.length ? errorSummary(errors) : {}),
    })
  }

  router.get('/children/:childId/ehc-requests/new', async (req, res) => {
    await renderLog(req, res, 200, { officerId: actorOf(req).userId })
  })

  router.post('/children/:childId/ehc-requests', async (req, res) => {
    const body = req.body as Body
    try {
      const { id } = await requests.logRequest(actorOf(req), req.params.childId, body)
      res.redirect(303, `/casework/requests/${id}`)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      await renderLog(req, res, 400, body, error.errors)
    }
  })

  router.get('/casework/requests', async (req, res) => {
    const list = await requests.listOpen(actorOf(req), req.query)
    res.render(`${VIEWS}/requests.njk`, { pageTitle: 'Requests for EHC needs assessments', ...list })
  })

  router.get('/casework/requests/:requestId', async (req, res) => {
    await renderRequest(req, res, 200)
  })

  router.post(
    '/casework/requests/:requestId/officer',
    form('officer', (req, body) => requests.assignOfficer(actorOf(req), String(req.params.requestId), body)),
  )
  router.post(
    '/casework/requests/:requestId/decision',
    form('decision', (req, body) => requests.recordDecision(actorOf(req), String(req.params.requestId), body)),
  )
  router.post(
    '/casework/requests/:requestId/advice',
    form('advice', (req, body) => requests.addAdvice(actorOf(req), String(req.params.requestId), body)),
  )
  router.post(
    '/casework/requests/:requestId/advice/:adviceId/receipt',
    form(
      'receipt',
      (req, body) =>
        requests.recordAdviceReceipt(actorOf(req), String(req.params.requestId), String(req.params.adviceId), body),
      'adviceId',
    ),
  )
  router.post(
    '/casework/requests/:requestId/outcome',
    form('outcome', (req, body) => requests.recordOutcome(actorOf(req), String(req.params.requestId), body)),
  )
  router.post(
    '/casework/requests/:requestId/draft',
    form('draft', (req, body) => requests.recordDraft(actorOf(req), String(req.params.requestId), body)),
  )
  router.post(
    '/casework/requests/:requestId/consultations',
    form('consultation', (req, body) => requests.addConsultation(actorOf(req), String(req.params.requestId), body)),
  )
  router.post(
    '/casework/requests/:requestId/consultations/:consultationId/response',
    form(
      'response',
      (req, body) =>
        requests.recordConsultationResponse(
          actorOf(req),
          String(req.params.requestId),
          String(req.params.consultationId),
          body,
        ),
      'consultationId',
    ),
  )
  router.post(
    '/casework/requests/:requestId/final',
    form('final', (req, body) => {
      const needs = Array.from({ length: MAX_NEEDS }, (_, i) => body[`need${i + 1}`] ?? '')
      return requests.issueFinalPlan(actorOf(req), String(req.params.requestId), { ...body, needs })
    }),
  )
  router.post(
    '/casework/requests/:requestId/withdraw',
    form('withdraw', (req, body) => requests.withdraw(actorOf(req), String(req.params.requestId), body)),
  )
  router.post(
    '/casework/requests/:requestId/exceptions',
    form('exception', (req, body) => requests.addException(actorOf(req), String(req.params.requestId), body)),
  )

  router.get('/casework/requests/:requestId/letters/:letterKind', async (req, res) => {
    const letter = await requests.letter(actorOf(req), req.params.requestId, req.params.letterKind)
    res.render(`${VIEWS}/letter-${letter.kind}.njk`, {
      pageTitle: `Decision letter for ${letter.child.first_name} ${letter.child.last_name}`,
      ...letter,
    })
  })

  const renderDays = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const days = await requests.nonWorkingDays(actorOf(req))
    res.status(status).render(`${VIEWS}/request-non-working-days.njk`, {
      pageTitle: 'Non-working days',
      ...days,
      ...extra,
    })
  }

  router.get('/casework/non-working-days', async (req, res) => {
    await renderDays(req, res, 200)
  })

  router.post('/casework/non-working-days', async (req, res) => {
    const body = req.body as Body
    try {
      await requests.addNonWorkingDay(actorOf(req), body)
      res.redirect(303, '/casework/non-working-days')
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      await renderDays(req, res, 400, { values: body, ...errorSummary(error.errors) })
    }
  })

  return {
    router,
    nav: [{ text: 'EHC requests', href: '/casework/requests', section: 'Casework', roles: READERS }],
  }
}

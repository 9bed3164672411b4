import { Router, type Request, type Response } from 'express'
import type { WebModule } from '../platform/http/app.ts'
import {
  APPEAL_OUTCOME_LABELS,
  APPEAL_REASON_LABELS,
  APPEAL_REASONS,
  COMPLAINT_OUTCOME_LABELS,
  DECISION_KIND_LABELS,
  DISPUTE_READERS,
  FAMILY_CHOICE_LABELS,
  MEDIATION_OUTCOME_LABELS,
  ORDER_KIND_LABELS,
  type DisputeService,
} from './dispute-service.ts'
import { formExtras, saveOrShow, type FormState } from './plan-web.ts'

const VIEWS = 'casework/views'

const actorOf = (req: Request) => req.actor!

type Body = Record<string, string | string[] | undefined>

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, text]) => ({ value, text }))

/** Checkbox values arrive as one string or several: always a list for the page. */
const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : [])

const LABELS = {
  decisionKinds: options(DECISION_KIND_LABELS),
  familyChoices: options(FAMILY_CHOICE_LABELS),
  mediationOutcomes: options(MEDIATION_OUTCOME_LABELS),
  appealReasons: APPEAL_REASONS.map(value => ({ value, text: APPEAL_REASON_LABELS[value] })),
  appealOutcomes: options(APPEAL_OUTCOME_LABELS),
  orderKinds: options(ORDER_KIND_LABELS),
  complaintOutcomes: options(COMPLAINT_OUTCOME_LABELS),
  decisionKindLabels: DECISION_KIND_LABELS,
  familyChoiceLabels: FAMILY_CHOICE_LABELS,
  mediationOutcomeLabels: MEDIATION_OUTCOME_LABELS,
  appealReasonLabels: APPEAL_REASON_LABELS,
  appealOutcomeLabels: APPEAL_OUTCOME_LABELS,
  orderKindLabels: ORDER_KIND_LABELS,
  complaintOutcomeLabels: COMPLAINT_OUTCOME_LABELS,
}

export function disputeWeb(disputes: DisputeService): WebModule {
  const router = Router()

  // Adds the Disagreements and appeals section to the child record page, which the people area renders.
  router.get('/children/:childId', async (req, res, next) => {
    res.locals.disputes = await disputes.forChildRecord(actorOf(req), req.params.childId)
    next()
  })

  router.get('/casework/disputes', async (req, res) => {
    res.render(`${VIEWS}/disputes.njk`, {
      pageTitle: 'Disagreements and appeals',
      ...(await disputes.listOpen(actorOf(req))),
    })
  })

  // Mediation (R13)

  const showNewMediation = async (req: Request, res: Response, state: FormState) => {
    const view = await disputes.newMediationForm(actorOf(req), String(req.params.childId))
    res.status(state.status).render(`${VIEWS}/dispute-mediation.njk`, {
      pageTitle: `Record a mediation case: ${view.child.name}`,
      ...view,
      mediation: null,
      form: state.form ?? {},
      ...LABELS,
      ...formExtras(state),
    })
  }

  router.get('/children/:childId/mediation/new', async (req, res) => {
    await showNewMediation(req, res, { status: 200 })
  })

  router.post('/children/:childId/mediation', async (req, res) => {
    await saveOrShow(
      req,
      async () =>
        `/casework/mediation/${(await disputes.createMediation(actorOf(req), req.params.childId, req.body)).id}`,
      state => showNewMediation(req, res, state),
      res,
    )
  })

  const showMediation = async (req: Request, res: Response, state: FormState) => {
    const view = await disputes.getMediation(actorOf(req), String(req.params.mediationId))
    const m = view.mediation
    const saved = {
      version: String(m.version),
      decisionKind: m.decision_kind,
      decisionOn: m.decision_on,
      adviserContactedOn: m.adviser_contacted_on,
      familyChoice: m.family_choice ?? '',
      certificateIssuedOn: m.certificate_issued_on ?? '',
      mediationHeldOn: m.mediation_held_on ?? '',
      outcome: m.outcome ?? '',
      planId: m.plan_id ?? '',
      requestId: m.request_id ?? '',
    }
    res.status(state.status).render(`${VIEWS}/dispute-mediation.njk`, {
      pageTitle: `Mediation case: ${view.child.name}`,
      ...view,
      // A refused form keeps the version it was read at, so a stale one is still refused next time.
      form: { ...saved, ...(state.form ?? {}) },
      ...LABELS,
      ...formExtras(state),
    })
  }

  router.get('/casework/mediation/:mediationId', async (req, res) => {
    await showMediation(req, res, { status: 200 })
  })

  router.post('/casework/mediation/:mediationId', async (req, res) => {
    const { mediationId } = req.params
    await saveOrShow(
      req,
      async () => {
        await disputes.saveMediation(actorOf(req), mediationId, req.body)
        return `/casework/mediation/${mediationId}`
      },
      state => showMediation(req, res, state),
      res,
    )
  })

  // Appeals (R14–R16)

  const showNewAppeal = async (req: Request, res: Response, state: FormState) => {
    const view = await disputes.newAppealForm(actorOf(req), String(req.params.childId))
    const form = (state.form ?? {}) as Body
    res.status(state.status).render(`${VIEWS}/dispute-appeal.njk`, {
      pageTitle: `Record a tribunal appeal: ${view.child.name}`,
      ...view,
      appeal: null,
      form: { ...form, reasons: listOf(form.reasons) },
      ...LABELS,
      ...formExtras(state),
    })
  }

  router.get('/children/:childId/appeals/new', async (req, res) => {
    await showNewAppeal(req, res, { status: 200 })
  })

  router.post('/children/:childId/appeals', async (req, res) => {
    await saveOrShow(
      req,
      async () => `/casework/appeals/${(await disputes.createAppeal(actorOf(req), req.params.childId, req.body)).id}`,
      state => showNewAppeal(req, res, state),
      res,
    )
  })

  const showAppeal = async (req: Request, res: Response, state: FormState) => {
    const view = await disputes.getAppeal(actorOf(req), String(req.params.appealId))
    const a = view.appeal
    const saved = {
      version: String(a.version),
      reasons: a.appeal_reasons,
      hearingOn: a.hearing_on ?? '',
      outcome: a.outcome ?? '',
      outcomeOn: a.outcome_on ?? '',
      orderKind: a.order_kind ?? '',
      complianceDoneOn: a.compliance_done_on ?? '',
    }
    const posted = (state.form ?? {}) as Body
    res.status(state.status).render(`${VIEWS}/dispute-appeal.njk`, {
      pageTitle: `Tribunal appeal: ${view.child.name}`,
      ...view,
      form: { ...saved, ...posted, reasons: state.form ? listOf(posted.reasons) : saved.reasons },
      ...LABELS,
      ...formExtras(state),
    })
  }

  router.get('/casework/appeals/:appealId', async (req, res) => {
    await showAppeal(req, res, { status: 200 })
  })

  router.post('/casework/appeals/:appealId', async (req, res) => {
    const { appealId } = req.params
    await saveOrShow(
      req,
      async () => {
        await disputes.saveAppeal(actorOf(req), appealId, req.body)
        return `/casework/appeals/${appealId}`
      },
      state => showAppeal(req, res, state),
      res,
    )
  })

  // Complaints and compliments

  const showComplaints = async (req: Request, res: Response, state: FormState) => {
    res.status(state.status).render(`${VIEWS}/complaints.njk`, {
      pageTitle: 'Complaints and compliments',
      ...(await disputes.listComplaints(actorOf(req))),
      form: state.form ?? {},
      ...LABELS,
      ...formExtras(state),
    })
  }

  router.get('/casework/complaints', async (req, res) => {
    await showComplaints(req, res, { status: 200 })
  })

  router.post('/casework/complaints', async (req, res) => {
    await saveOrShow(
      req,
      async () => `/casework/complaints/${(await disputes.logComplaint(actorOf(req), req.body)).id}`,
      state => showComplaints(req, res, state),
      res,
    )
  })

  router.post('/casework/compliments', async (req, res) => {
    await saveOrShow(
      req,
      async () => {
        await disputes.logCompliment(actorOf(req), req.body)
        return '/casework/complaints#compliments'
      },
      state => showComplaints(req, res, state),
      res,
    )
  })

  const showComplaint = async (req: Request, res: Response, state: FormState) => {
    const view = await disputes.getComplaint(actorOf(req), String(req.params.complaintId))
    res.status(state.status).render(`${VIEWS}/complaint.njk`, {
      pageTitle: `Complaint: ${view.complaint.stageName}`,
      ...view,
      form: { version: String(view.complaint.version), ...(state.form ?? {}) },
      ...LABELS,
      ...formExtras(state),
    })
  }

  router.get('/casework/complaints/:complaintId', async (req, res) => {
    await showComplaint(req, res, { status: 200 })
  })

  router.post('/casework/complaints/:complaintId/response', async (req, res) => {
    const { complaintId } = req.params
    await saveOrShow(
      req,
      async () => {
        await disputes.respondComplaint(actorOf(req), complaintId, req.body)
        return `/casework/complaints/${complaintId}`
      },
      state => showComplaint(req, res, state),
      res,
    )
  })

  router.post('/casework/complaints/:complaintId/escalation', async (req, res) => {
    const { complaintId } = req.params
    await saveOrShow(
      req,
      async () => `/casework/complaints/${(await disputes.escalateComplaint(actorOf(req), complaintId, req.body)).id}`,
      state => showComplaint(req, res, state),
      res,
    )
  })

  return {
    router,
    nav: [
      { text: 'Disagreements and appeals', href: '/casework/disputes', section: 'Casework', roles: DISPUTE_READERS },
      { text: 'Complaints and compliments', href: '/casework/complaints', section: 'Casework', roles: DISPUTE_READERS },
    ],
  }
}

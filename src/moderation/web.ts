import { Router, type Request, type Response } from 'express'
import { AWARD_STATUS_TAGS } from '../funding/award-web.ts'
import { SETTING_TYPE_LABELS } from '../funding/web.ts'
import { ConflictError, ValidationError, type FieldError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary, refusal } from '../platform/http/validation.ts'
import { OUTCOME_LABELS, OUTCOMES } from './rules/panel.ts'
import { CASE_STATUS_TAGS, type ModerationService } from './service.ts'

const VIEWS = 'moderation/views'
const actorOf = (req: Request) => req.actor!
type Body = Record<string, string | string[] | undefined>

/** A checkbox list as sent: absent, one value, or several. */
const listOf = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).filter(v => typeof v === 'string')

const problemsOf = (error: unknown, errors?: FieldError[]) => {
  if (error instanceof ValidationError) return errorSummary(errors ?? error.errors)
  throw error
}

export function moderationWeb(moderation: ModerationService): WebModule {
  const router = Router()

  const renderPanels = async (req: Request, res: Response, status: number, extra: object = {}) => {
    res.status(status).render(`${VIEWS}/panels.njk`, {
      pageTitle: 'Moderation panels',
      ...(await moderation.listPanels(actorOf(req))),
      ...extra,
    })
  }

  const renderPanel = async (
    req: Request,
    res: Response,
    status: number,
    extra: object = {},
    panelId = String(req.params.panelId),
  ) => {
    const view = await moderation.getPanel(actorOf(req), panelId)
    res.status(status).render(`${VIEWS}/panel.njk`, { pageTitle: view.panel.name, ...view, ...extra })
  }

  const renderSession = async (req: Request, res: Response, status: number, extra: object = {}) => {
    const view = await moderation.getSession(actorOf(req), String(req.params.sessionId))
    res.status(status).render(`${VIEWS}/session.njk`, {
      pageTitle: `Panel session, ${view.session.session_date}`,
      ...view,
      caseTags: CASE_STATUS_TAGS,
      ...extra,
    })
  }

  const renderCase = async (req: Request, res: Response, status: number, caseId: string, extra: object = {}) => {
    const view = await moderation.getCase(actorOf(req), caseId)
    res.status(status).render(`${VIEWS}/case.njk`, {
      pageTitle: 'Panel case',
      ...view,
      caseTags: CASE_STATUS_TAGS,
      awardTags: AWARD_STATUS_TAGS,
      settingTypeLabels: SETTING_TYPE_LABELS,
      outcomes: OUTCOMES.map(value => ({ value, text: OUTCOME_LABELS[value] })),
      ...extra,
    })
  }

  router.get('/moderation/panels', async (req, res) => renderPanels(req, res, 200))

  router.post('/moderation/panels', async (req, res) => {
    try {
      const id = await moderation.createPanel(actorOf(req), req.body)
      res.redirect(303, `/moderation/panels/${id}`)
    } catch (error) {
      await renderPanels(req, res, 400, { form: req.body, ...problemsOf(error) })
    }
  })

  router.get('/moderation/panels/:panelId', async (req, res) => renderPanel(req, res, 200))

  router.post('/moderation/panels/:panelId', async (req, res) => {
    try {
      await moderation.editPanel(actorOf(req), req.params.panelId, req.body)
      res.redirect(303, `/moderation/panels/${req.params.panelId}`)
    } catch (error) {
      if (error instanceof ConflictError) return renderPanel(req, res, 409, { conflict: error.message })
      await renderPanel(req, res, 400, { panelForm: req.body, ...problemsOf(error) })
    }
  })

  router.post('/moderation/panels/:panelId/members', async (req, res) => {
    try {
      await moderation.addMember(actorOf(req), req.params.panelId, req.body)
      res.redirect(303, `/moderation/panels/${req.params.panelId}#members`)
    } catch (error) {
      await renderPanel(req, res, 400, { memberForm: req.body, ...problemsOf(error) })
    }
  })

  router.post('/moderation/members/:memberId', async (req, res) => {
    try {
      const panelId = await moderation.setMemberActive(actorOf(req), req.params.memberId, req.body)
      res.redirect(303, `/moderation/panels/${panelId}#members`)
    } catch (error) {
      // Refused as stale (409) or invalid (400): the panel again, with its members as now saved.
      const { status, conflict, ...shown } = refusal(error)
      const panelId = await moderation.panelOfMember(actorOf(req), req.params.memberId)
      const message = conflict && error instanceof Error ? error.message : undefined
      await renderPanel(req, res, status, { ...shown, ...(message ? { conflict: message } : {}) }, panelId)
    }
  })

  router.post('/moderation/panels/:panelId/sessions', async (req, res) => {
    try {
      const id = await moderation.addSession(actorOf(req), req.params.panelId, req.body)
      res.redirect(303, `/moderation/sessions/${id}`)
    } catch (error) {
      await renderPanel(req, res, 400, { sessionForm: req.body, ...problemsOf(error) })
    }
  })

  router.get('/moderation/sessions/:sessionId', async (req, res) => renderSession(req, res, 200))

  router.post('/moderation/sessions/:sessionId/attendance', async (req, res) => {
    const body = req.body as Body
    try {
      await moderation.recordAttendance(actorOf(req), req.params.sessionId, {
        version: body.version,
        members: listOf(body.members),
      })
      res.redirect(303, `/moderation/sessions/${req.params.sessionId}`)
    } catch (error) {
      if (error instanceof ConflictError) return renderSession(req, res, 409, { conflict: error.message })
      await renderSession(req, res, 400, { ...problemsOf(error) })
    }
  })

  router.get('/moderation/sessions/:sessionId/agenda', async (req, res) => {
    const { sessionId } = req.params
    try {
      const view = await moderation.agendaCandidates(actorOf(req), sessionId, req.query)
      res.render(`${VIEWS}/agenda.njk`, { pageTitle: 'Add to the agenda', ...view, query: req.query })
    } catch (error) {
      const problems = problemsOf(error)
      const view = await moderation.agendaForm(actorOf(req), sessionId)
      res
        .status(400)
        .render(`${VIEWS}/agenda.njk`, { pageTitle: 'Add to the agenda', ...view, query: req.query, ...problems })
    }
  })

  router.post('/moderation/sessions/:sessionId/agenda', async (req, res) => {
    const { sessionId } = req.params
    const body = req.body as Body
    try {
      await moderation.addToAgenda(actorOf(req), sessionId, { awards: listOf(body.awards) })
      res.redirect(303, `/moderation/sessions/${sessionId}#agenda`)
    } catch (error) {
      const problems = problemsOf(error)
      const view = await moderation.agendaCandidates(actorOf(req), sessionId, {})
      res.status(400).render(`${VIEWS}/agenda.njk`, {
        pageTitle: 'Add to the agenda',
        ...view,
        query: {},
        chosen: listOf(body.awards),
        ...problems,
      })
    }
  })

  router.post('/moderation/sessions/:sessionId/issue', async (req, res) => {
    try {
      await moderation.issueSession(actorOf(req), req.params.sessionId)
      res.redirect(303, `/moderation/sessions/${req.params.sessionId}#agenda`)
    } catch (error) {
      if (error instanceof ConflictError) return renderSession(req, res, 409, { conflict: error.message })
      await renderSession(req, res, 400, { ...problemsOf(error) })
    }
  })

  router.get('/moderation/cases/:caseId', async (req, res) => renderCase(req, res, 200, req.params.caseId))

  router.post('/moderation/cases/:caseId/decision', async (req, res) => {
    const { caseId } = req.params
    try {
      await moderation.decide(actorOf(req), caseId, req.body)
      res.redirect(303, `/moderation/cases/${caseId}#decision`)
    } catch (error) {
      // The decision that won is on the page shown: nothing the member sent overwrote it.
      if (error instanceof ConflictError) return renderCase(req, res, 409, caseId, { conflict: error.message })
      await renderCase(req, res, 400, caseId, { form: req.body, ...problemsOf(error) })
    }
  })

  router.post('/moderation/cases/:caseId/withdraw', async (req, res) => {
    const { caseId } = req.params
    try {
      const sessionId = await moderation.withdrawCase(actorOf(req), caseId, req.body)
      res.redirect(303, `/moderation/sessions/${sessionId}#agenda`)
    } catch (error) {
      if (error instanceof ConflictError) return renderCase(req, res, 409, caseId, { conflict: error.message })
      await renderCase(req, res, 400, caseId, { ...problemsOf(error) })
    }
  })

  router.post('/moderation/cases/:caseId/issue', async (req, res) => {
    const { caseId } = req.params
    try {
      await moderation.issueCase(actorOf(req), caseId, req.body)
      res.redirect(303, `/moderation/cases/${caseId}#decision`)
    } catch (error) {
      if (error instanceof ConflictError) return renderCase(req, res, 409, caseId, { conflict: error.message })
      await renderCase(req, res, 400, caseId, { ...problemsOf(error) })
    }
  })

  router.post('/moderation/decisions/:decisionId/supersede', async (req, res) => {
    const actor = actorOf(req)
    const { decisionId } = req.params
    try {
      const caseId = await moderation.supersede(actor, decisionId, req.body)
      res.redirect(303, `/moderation/cases/${caseId}#decision`)
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof ValidationError)) throw error
      const caseId = await moderation.caseOfDecision(actor, decisionId)
      if (error instanceof ConflictError) return renderCase(req, res, 409, caseId, { conflict: error.message })
      await renderCase(req, res, 400, caseId, { supersedeForm: req.body, ...problemsOf(error) })
    }
  })

  router.get('/decisions/:decisionId/letter', async (req, res) => {
    const view = await moderation.letter(actorOf(req), req.params.decisionId)
    res.render(`${VIEWS}/letter.njk`, { pageTitle: 'Decision letter', ...view, outcomeLabels: OUTCOME_LABELS })
  })

  router.post('/api/v1/moderation/cases/:caseId/decision', async (req, res) => {
    res.json(await moderation.decide(actorOf(req), req.params.caseId, req.body))
  })

  return {
    router,
    nav: [
      {
        text: 'Moderation',
        href: '/moderation/panels',
        overview: 'Panels and sessions',
        roles: ['la_admin', 'send_manager', 'panel_member'],
      },
    ],
  }
}

import { Router, type Request, type Response } from 'express'
import { ConflictError, ValidationError, type FieldError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { NEED_CODES, NEED_LABELS } from '../people/rules/needs.ts'
import { CEASE_REASON_OPTIONS, CONSULTATION_RESPONSES, type PlanService } from './plan-service.ts'

const VIEWS = 'casework/views'

const actorOf = (req: Request) => req.actor!

type Body = Record<string, string | undefined>

/** Every type of need a plan may record (NSA is SEN support only), for the selects. */
export const NEED_OPTIONS = NEED_CODES.filter(c => c !== 'NSA').map(code => ({
  value: code,
  text: `${NEED_LABELS[code]} (${code})`,
}))

/** What the page shows over the saved record when a save was refused. */
export type FormState = { status: number; form?: Body; errors?: FieldError[]; conflict?: string }

export function formExtras(state: FormState) {
  return {
    ...(state.errors?.length ? errorSummary(state.errors) : {}),
    conflict: state.conflict ?? null,
    posted: state.form ?? null,
  }
}

/** Runs a save; a refused one is shown again (400 with the input kept, or 409 with the latest record). */
export async function saveOrShow(
  req: Request,
  save: () => Promise<string>,
  show: (state: FormState) => Promise<void>,
  res: Response,
): Promise<void> {
  try {
    res.redirect(303, await save())
  } catch (error) {
    if (error instanceof ValidationError) return show({ status: 400, form: req.body as Body, errors: error.errors })
    if (error instanceof ConflictError) {
      // Nothing they typed was saved and nothing was overwritten: the page shows what is saved now.
      return show({ status: 409, conflict: `${error.message}. Nothing was overwritten: this is the latest version.` })
    }
    throw error
  }
}

export function planWeb(plans: PlanService): WebModule {
  const router = Router()

  // Adds the EHC plan section to the child record page, which the people area renders.
  router.get('/children/:childId', async (req, res, next) => {
    res.locals.ehcPlan = await plans.forChildRecord(actorOf(req), req.params.childId)
    next()
  })

  const showNew = async (res: Response, childId: string, actor: Request['actor'], state: FormState) => {
    const view = await plans.newPlanForm(actor!, childId)
    res.status(state.status).render(`${VIEWS}/plan-new.njk`, {
      pageTitle: 'Record an existing EHC plan',
      ...view,
      form: state.form ?? { namedSettingId: '', need1: '', need2: '', need3: '' },
      needOptions: NEED_OPTIONS,
      ...formExtras(state),
    })
  }

  router.get('/children/:childId/plans/new', async (req, res) => {
    await showNew(res, req.params.childId, req.actor, { status: 200 })
  })

  router.post('/children/:childId/plans', async (req, res) => {
    const { childId } = req.params
    await saveOrShow(
      req,
      async () => `/casework/plans/${(await plans.createPlan(actorOf(req), childId, req.body)).id}`,
      state => showNew(res, childId, req.actor, state),
      res,
    )
  })

  router.get('/casework/plans/:planId', async (req, res) => {
    const view = await plans.getPlan(actorOf(req), req.params.planId)
    res.render(`${VIEWS}/plan.njk`, { pageTitle: `EHC plan: ${view.child.name}`, ...view })
  })

  const showCessation = async (req: Request, res: Response, state: FormState) => {
    const view = await plans.getPlan(actorOf(req), String(req.params.planId))
    res.status(state.status).render(`${VIEWS}/plan-cessation.njk`, {
      pageTitle: `Cease the EHC plan: ${view.child.name}`,
      ...view,
      form: state.form ?? {},
      ceaseReasons: CEASE_REASON_OPTIONS,
      ...formExtras(state),
    })
  }

  router.get('/casework/plans/:planId/cessation', async (req, res) => {
    await showCessation(req, res, { status: 200 })
  })

  router.post('/casework/plans/:planId/cessation', async (req, res) => {
    const { planId } = req.params
    await saveOrShow(
      req,
      async () => {
        await plans.decideCessation(actorOf(req), planId, req.body)
        return `/casework/plans/${planId}#cessation`
      },
      state => showCessation(req, res, state),
      res,
    )
  })

  router.post('/casework/plans/:planId/cease', async (req, res) => {
    const { planId } = req.params
    await saveOrShow(
      req,
      async () => {
        await plans.recordCease(actorOf(req), planId, req.body)
        return `/casework/plans/${planId}#cessation`
      },
      state => showCessation(req, res, state),
      res,
    )
  })

  router.get('/casework/plans/:planId/letters/:planLetter', async (req, res) => {
    const view = await plans.letter(actorOf(req), req.params.planId, req.params.planLetter)
    res.render(`${VIEWS}/plan-letter.njk`, {
      pageTitle: view.letter.kind === 'cessation' ? 'Decision to cease an EHC plan' : 'Annual review decision',
      ...view,
    })
  })

  const showAmendment = async (req: Request, res: Response, state: FormState) => {
    const view = await plans.getAmendment(actorOf(req), String(req.params.amendmentId))
    const current = {
      version: String(view.amendment.version),
      planVersion: String(view.plan.version),
      summary: view.amendment.summary,
      commentsReceivedOn: view.amendment.comments_received_on ?? '',
      namedSettingId: view.plan.named_setting_id ?? '',
      namedSettingType: view.plan.named_setting_type ?? '',
      provisionSummary: view.plan.provision_summary,
      need1: view.needs[0]?.code ?? '',
      need2: view.needs[1]?.code ?? '',
      need3: view.needs[2]?.code ?? '',
    }
    res.status(state.status).render(`${VIEWS}/plan-amendment.njk`, {
      pageTitle: `Amending the EHC plan: ${view.child.name}`,
      ...view,
      // A refused form keeps the versions it was read at, so a stale one is still refused next time.
      form: { ...current, ...(state.form ?? {}) },
      needOptions: NEED_OPTIONS,
      responses: CONSULTATION_RESPONSES,
      ...formExtras(state),
    })
  }

  router.get('/casework/amendments/:amendmentId', async (req, res) => {
    await showAmendment(req, res, { status: 200 })
  })

  for (const [path, action] of [
    ['', (req: Request) => plans.saveAmendment(actorOf(req), String(req.params.amendmentId), req.body)],
    ['/issue', (req: Request) => plans.issueAmendment(actorOf(req), String(req.params.amendmentId), req.body)],
    ['/consultations', (req: Request) => plans.addConsultation(actorOf(req), String(req.params.amendmentId), req.body)],
  ] as const) {
    router.post(`/casework/amendments/:amendmentId${path}`, async (req, res) => {
      await saveOrShow(
        req,
        async () => {
          await action(req)
          return `/casework/amendments/${req.params.amendmentId}`
        },
        state => showAmendment(req, res, state),
        res,
      )
    })
  }

  return { router }
}

import { Router, type Request, type Response } from 'express'
import { OUTCOME_LABELS } from '../moderation/rules/panel.ts'
import { ConflictError, ValidationError, type FieldError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary } from '../platform/http/validation.ts'
import type { AwardService, AwardView } from './awards.ts'
import { PACKAGE_LINE_KINDS } from './rules/level8.ts'
import type { AwardStatus } from './tables.ts'
import { SETTING_TYPE_LABELS } from './web.ts'

const VIEWS = 'funding/views'
/** Empty rows offered below a package's lines: how a line is added without JavaScript. */
const EMPTY_LINES = 3

export const AWARD_STATUS_TAGS: Record<AwardStatus, { text: string; classes: string }> = {
  draft: { text: 'Draft', classes: 'govuk-tag--grey' },
  submitted: { text: 'Submitted', classes: 'govuk-tag--blue' },
  moderated: { text: 'Moderated', classes: 'govuk-tag--yellow' },
  agreed: { text: 'Agreed', classes: 'govuk-tag--green' },
  returned: { text: 'Returned', classes: 'govuk-tag--orange' },
}

const actorOf = (req: Request) => req.actor!

/** '12.50' → 1250, exactly; anything else is left for the schema to refuse. */
export function poundsToPence(text: string): number | string {
  const match = /^£?(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/,/g, ''))
  if (!match) return text
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'))
}

type Body = Record<string, string | undefined>

/** The form's text fields; a field sent twice (an array) or nested is dropped, so it reads as missing. */
function textFields(body: unknown): Body {
  if (typeof body !== 'object' || body === null) return {}
  return Object.fromEntries(Object.entries(body).filter(([, value]) => typeof value === 'string')) as Body
}

/**
 * The matrix form as the service's input: `choice-CODE` radios ('none' is no need), `evidence-CODE`
 * textareas, the band, and the package's rows (`line-N-…`), skipping rows left empty.
 */
export function formInput(body: Body) {
  const choices: Record<string, string | null> = {}
  const evidence: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') continue
    if (key.startsWith('choice-') && value) choices[key.slice(7)] = value === 'none' ? null : value
    if (key.startsWith('evidence-')) evidence[key.slice(9)] = value
  }
  const lines: unknown[] = []
  for (let i = 0; body[`line-${i}-description`] !== undefined; i++) {
    const [description, kind, quantity, unit] = ['description', 'kind', 'quantity', 'unit'].map(f =>
      (body[`line-${i}-${f}`] ?? '').trim(),
    ) as [string, string, string, string]
    if (!description && !quantity && !unit) continue
    lines.push({
      description,
      kind,
      quantity: quantity && !Number.isNaN(Number(quantity)) ? Number(quantity) : quantity,
      unitPence: poundsToPence(unit),
    })
  }
  const rationale = (body.rationale ?? '').trim()
  return {
    version: body.version,
    choices,
    evidence,
    bandCode: body.bandCode ?? null,
    level8: lines.length || rationale ? { rationale, lines } : null,
  }
}

/** What the person sent, shown back to them over what is saved, when it could not be saved. */
function overlay(view: AwardView, input: ReturnType<typeof formInput>): AwardView {
  return {
    ...view,
    slots: view.slots.map(s => ({ ...s, chosen: input.choices[s.code], evidence: input.evidence[s.code] ?? '' })),
    bandCode: input.bandCode,
  }
}

function lineRows(view: AwardView, posted?: Body) {
  if (posted) {
    // The rows as sent (which already include the empty ones), so nothing typed is lost.
    const count = Object.keys(posted).filter(k => /^line-\d+-description$/.test(k)).length
    return Array.from({ length: Math.max(count, EMPTY_LINES) }, (_, i) => ({
      description: posted[`line-${i}-description`] ?? '',
      kind: posted[`line-${i}-kind`] ?? 'staff',
      quantity: posted[`line-${i}-quantity`] ?? '',
      unit: posted[`line-${i}-unit`] ?? '',
    }))
  }
  const saved = view.award.lines.map(l => ({
    description: l.description,
    kind: l.kind,
    quantity: String(l.quantityHundredths / 100),
    unit: (l.unitPence / 100).toFixed(2),
  }))
  const empty = { description: '', kind: 'staff', quantity: '', unit: '' }
  return [...saved, ...Array.from({ length: EMPTY_LINES }, () => empty)]
}

export function awardWeb(awards: AwardService): WebModule {
  const router = Router()

  const render = (
    res: Response,
    status: number,
    childId: string,
    view: AwardView,
    extra: { posted?: Body; errors?: FieldError[]; calculated?: boolean; conflict?: string } = {},
  ) => {
    const errors = (extra.errors ?? []).map(e => ({ ...e, field: e.field.replace(/-unitPence$/, '-unit') }))
    res.status(status).render(`${VIEWS}/award.njk`, {
      pageTitle: view.editable ? 'Complete a funding matrix' : 'Funding matrix',
      childId,
      ...view,
      lineRows: lineRows(view, extra.posted),
      lineKinds: PACKAGE_LINE_KINDS,
      statusTags: AWARD_STATUS_TAGS,
      outcomeLabels: OUTCOME_LABELS,
      settingTypeLabels: SETTING_TYPE_LABELS,
      calculated: extra.calculated ?? false,
      conflict: extra.conflict,
      ...(errors.length ? errorSummary(errors) : {}),
    })
  }

  const base = (childId: string, awardId: string) => `/children/${childId}/awards/${awardId}`

  /** A save refused because someone else saved first (or the matrix moved on): 409, the matrix as now saved. */
  const renderConflict = async (req: Request, res: Response, error: ConflictError) => {
    const { childId, awardId } = req.params as { childId: string; awardId: string }
    render(res, 409, childId, await awards.getAward(actorOf(req), awardId, childId), { conflict: error.message })
  }

  // Adds the Funding section to the child record page, which the people area renders.
  router.get('/children/:childId', async (req, res, next) => {
    res.locals.funding = await awards.forChildRecord(actorOf(req), req.params.childId)
    res.locals.awardStatusTags = AWARD_STATUS_TAGS
    res.locals.outcomeLabels = OUTCOME_LABELS
    next()
  })

  router.post('/children/:childId/awards', async (req, res) => {
    const { childId } = req.params
    const { id } = await awards.startAward(actorOf(req), childId)
    res.redirect(303, base(childId, id))
  })

  router.get('/children/:childId/awards/:awardId', async (req, res) => {
    const { childId, awardId } = req.params
    render(res, 200, childId, await awards.getAward(actorOf(req), awardId, childId))
  })

  // Save, then show the page again with the points, level and amount: the calculator without JavaScript.
  router.post('/children/:childId/awards/:awardId/calculate', async (req, res) => {
    const { childId, awardId } = req.params
    const actor = actorOf(req)
    const body = textFields(req.body)
    const input = formInput(body)
    try {
      await awards.saveAward(actor, awardId, input, childId)
    } catch (error) {
      if (error instanceof ConflictError) return renderConflict(req, res, error)
      if (!(error instanceof ValidationError)) throw error
      const view = await awards.getAward(actor, awardId, childId)
      return render(res, 400, childId, overlay(view, input), { posted: body, errors: error.errors })
    }
    render(res, 200, childId, await awards.getAward(actor, awardId, childId), { calculated: true })
  })

  router.post('/children/:childId/awards/:awardId/save', async (req, res) => {
    const { childId, awardId } = req.params
    const actor = actorOf(req)
    const body = textFields(req.body)
    const input = formInput(body)
    try {
      await awards.saveAward(actor, awardId, input, childId)
      res.redirect(303, base(childId, awardId))
    } catch (error) {
      if (error instanceof ConflictError) return renderConflict(req, res, error)
      if (!(error instanceof ValidationError)) throw error
      const view = await awards.getAward(actor, awardId, childId)
      render(res, 400, childId, overlay(view, input), { posted: body, errors: error.errors })
    }
  })

  router.post('/children/:childId/awards/:awardId/submit', async (req, res) => {
    const { childId, awardId } = req.params
    const actor = actorOf(req)
    const body = textFields(req.body)
    const input = formInput(body)
    try {
      const { version } = await awards.saveAward(actor, awardId, input, childId)
      await awards.submitAward(actor, awardId, { version }, childId)
      res.redirect(303, base(childId, awardId))
    } catch (error) {
      if (error instanceof ConflictError) return renderConflict(req, res, error)
      if (!(error instanceof ValidationError)) throw error
      const view = await awards.getAward(actor, awardId, childId)
      // Saved already when only the submission was refused: show what is saved, with what is missing.
      const shown = view.award.version > Number(input.version) ? view : overlay(view, input)
      render(res, 400, childId, shown, { errors: error.errors })
    }
  })

  router.get('/api/v1/children/:childId/awards', async (req, res) => {
    res.json(await awards.listForChild(actorOf(req), req.params.childId))
  })

  router.post('/api/v1/children/:childId/awards', async (req, res) => {
    const created = await awards.startAward(actorOf(req), req.params.childId)
    res
      .status(created.resumed ? 200 : 201)
      .location(`/api/v1/awards/${created.id}`)
      .json(created)
  })

  router.get('/api/v1/awards/:awardId', async (req, res) => {
    res.json(await awards.getAward(actorOf(req), req.params.awardId))
  })

  router.post('/api/v1/awards/:awardId', async (req, res) => {
    res.json(await awards.saveAward(actorOf(req), req.params.awardId, req.body))
  })

  router.post('/api/v1/awards/:awardId/submit', async (req, res) => {
    res.json(await awards.submitAward(actorOf(req), req.params.awardId, req.body))
  })

  return { router }
}

import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import { ageOn, formatDate, isIsoDate } from '../platform/time/dates.ts'
import { NEED_CODES, NEED_LABELS, type NeedCode } from '../people/rules/needs.ts'
import { ncYear, ncYearLabel } from '../people/rules/nc-year.ts'
import type { DB } from '../schema.ts'
import {
  PlanStore,
  type AmendmentRow,
  type ChildRow,
  type ConsultationRow,
  type PlanContent,
  type PlanRow,
} from './plan-store.ts'
import { ReviewStore, type ReviewRow } from './review-store.ts'
import { amendmentClocks, appealBy, cessationClocks, nextAnnualReview, reviewDecisionBy } from './rules/clocks.ts'
import { CEASE_REASONS, type CeaseReason } from './rules/measures.ts'
import {
  amendmentClockLines,
  clockStatus,
  reviewClockLines,
  type ClockLine,
  type ClockState,
  type ClockStatus,
} from './rules/queue.ts'
import type { AmendmentChanges } from './tables.ts'

// The review and amendment clocks are pure and live with the work queue; re-exported for the pages that read them here.
export { amendmentClockLines, clockStatus, reviewClockLines, type ClockLine, type ClockState, type ClockStatus }

// EHC plans after they are issued (statutory.md R6–R12): the plan record, its amendments and its
// cessation, and the letters. Reviews are in review-service.ts; both share the helpers below.

// Deny by default: a role not listed may not do the thing. Schools, the panel and finance have no
// need to read a child's casework.
const ALLOWED = {
  'casework.read': ['la_admin', 'send_manager', 'case_officer'],
  'casework.edit': ['send_manager', 'case_officer'],
} as const satisfies Record<string, readonly Role[]>
export type CaseworkPermission = keyof typeof ALLOWED
export const CASEWORK_READERS: readonly Role[] = ALLOWED['casework.read']

export function mayCasework(actor: Actor, permission: CaseworkPermission): boolean {
  return (ALLOWED[permission] as readonly Role[]).includes(actor.role)
}

export function authorise(actor: Actor, permission: CaseworkPermission): void {
  if (!mayCasework(actor, permission)) throw new ForbiddenError()
}

export const idSchema = z.uuid()

export function requireId(id: string): string {
  if (!idSchema.safeParse(id).success) throw new NotFoundError()
  return id
}

export const STALE = 'Someone else saved this record after you opened it'

export const versionSchema = z.coerce
  .number({ error: 'The version number you read is missing: reload the page' })
  .int()
  .min(1, 'The version number you read is missing: reload the page')

const EXAMPLE = 'for example, 2026-11-23'

/** An optional ISO date field: empty is null. */
export const optionalDate = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform(v => v || null)
    .refine(v => v === null || isIsoDate(v), `Enter ${label} as a date, ${EXAMPLE}`)

export const requiredDate = (label: string) =>
  z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .refine(isIsoDate, `Enter ${label} as a date, ${EXAMPLE}`)

/** Refuses a date after today: what has happened cannot be in the future. */
export function notFuture(errors: FieldError[], field: string, value: string | null, today: string, what: string) {
  if (value && value > today) errors.push({ field, message: `${what} cannot be in the future` })
}

export const CEASE_REASON_OPTIONS = Object.entries(CEASE_REASONS).map(([code, name]) => ({
  value: code,
  text: `${code}: ${name}`,
}))

// Reasons where keeping the plan through the appeal time cannot help the child: the plan passes to
// the new LA (s47) or the LA is no longer responsible, or the child has died.
const CEASE_WITHOUT_WAITING = new Set([5, 7, 8])

const needField = z
  .string()
  .trim()
  .optional()
  .transform(v => v || null)
  .refine(v => v === null || ((NEED_CODES as readonly string[]).includes(v) && v !== 'NSA'), 'Choose a type of need')

export const planContentSchema = z.object({
  namedSettingId: z
    .string()
    .trim()
    .optional()
    .transform(v => v || null)
    .refine(v => v === null || idSchema.safeParse(v).success, 'Choose a school or setting'),
  namedSettingType: z
    .string()
    .trim()
    .max(200, 'Enter a type of setting of at most 200 characters')
    .optional()
    .transform(v => v || null),
  provisionSummary: z
    .string()
    .trim()
    .max(10_000, 'Enter a provision summary of at most 10,000 characters')
    .optional()
    .transform(v => v ?? ''),
  need1: needField,
  need2: needField,
  need3: needField,
})

/** The content fields checked together: a primary need, no need twice, a setting or a type of setting. */
async function checkContent(
  store: PlanStore,
  input: z.infer<typeof planContentSchema>,
  errors: FieldError[],
): Promise<PlanContent> {
  if (!input.need1) errors.push({ field: 'need1', message: 'Choose the primary need' })
  const needs = [input.need1, input.need2, input.need3].filter((n): n is string => n !== null)
  ;(['need2', 'need3'] as const).forEach((field, i) => {
    const code = input[field]
    if (code && [input.need1, input.need2].slice(0, i + 1).includes(code))
      errors.push({ field, message: 'Choose each type of need once' })
  })
  if (!input.namedSettingId && !input.namedSettingType)
    errors.push({ field: 'namedSettingId', message: 'Choose the school or setting named, or enter a type of setting' })
  if (input.namedSettingId && !(await store.settingExists(input.namedSettingId)))
    errors.push({ field: 'namedSettingId', message: 'Choose a school or setting' })
  return {
    namedSettingId: input.namedSettingId,
    namedSettingType: input.namedSettingId ? null : input.namedSettingType,
    provisionSummary: input.provisionSummary,
    needs: [...new Set(needs)],
  }
}

export const createPlanSchema = planContentSchema.extend({ issuedOn: requiredDate('the date the plan was issued') })

export const ceaseDecisionSchema = z.object({
  version: versionSchema,
  decidedOn: requiredDate('the date of the decision to cease'),
  reason: z
    .string({ error: 'Choose the reason for ceasing the plan' })
    .trim()
    .refine(v => /^[1-9]$/.test(v), 'Choose the reason for ceasing the plan')
    .transform(Number),
  note: z.string().trim().max(2000, 'Enter a note of at most 2,000 characters').optional(),
})

export const ceaseSchema = z.object({
  version: versionSchema,
  ceasedOn: requiredDate('the date the plan ceased'),
})

export const amendmentSaveSchema = z.object({
  version: versionSchema,
  commentsReceivedOn: optionalDate('the date the comments were received'),
  summary: z
    .string({ error: 'Enter a summary of the proposed amendments' })
    .trim()
    .min(1, 'Enter a summary of the proposed amendments')
    .max(5000, 'Enter a summary of at most 5,000 characters'),
})

export const amendmentIssueSchema = planContentSchema.extend({
  version: versionSchema,
  planVersion: versionSchema,
  finalIssuedOn: requiredDate('the date the final amended plan was issued'),
})

export const consultationSchema = z.object({
  settingId: z
    .string({ error: 'Choose the school or setting consulted' })
    .trim()
    .refine(v => idSchema.safeParse(v).success, 'Choose the school or setting consulted'),
  sentOn: requiredDate('the date the consultation was sent'),
  response: z
    .enum(['', 'can_meet', 'cannot_meet'], { error: 'Choose the response' })
    .optional()
    .transform(v => v || null),
  respondedOn: optionalDate('the date of the response'),
})

export const CONSULTATION_RESPONSES = { can_meet: 'Can meet the needs', cannot_meet: 'Cannot meet the needs' } as const

export type PlanStatus = 'in_force' | 'ceasing' | 'ceased'

const needLabel = (code: string) => NEED_LABELS[code as NeedCode] ?? code

/** How the plan's Section I reads: the setting named, or the type of setting. */
export function settingText(plan: { named_setting_name: string | null; named_setting_type: string | null }): string {
  return plan.named_setting_name ?? plan.named_setting_type ?? 'Not named'
}

export class PlanService {
  private readonly store: PlanStore
  private readonly reviews: ReviewStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new PlanStore(db, laCode)
    this.reviews = new ReviewStore(db, laCode)
  }

  /**
   * The EHC plan section of the child record, or null when the actor may not see casework (the record
   * page refuses and audits a child it may not show, so nothing is recorded twice).
   */
  async forChildRecord(actor: Actor, childId: string) {
    if (!mayCasework(actor, 'casework.read') || !idSchema.safeParse(childId).success) return null
    if (!(await this.store.findChild(childId))) return null
    const plan = await this.store.childPlan(childId)
    const today = this.clock.today()
    if (plan) {
      await audit(this.db, this.laCode, actor, {
        action: 'ehc_plan.read',
        recordType: 'ehc_plan',
        recordId: plan.id,
        details: { via: 'child_record' },
      })
    }
    return {
      plan: plan
        ? {
            id: plan.id,
            issuedOn: plan.issued_on,
            setting: settingText(plan),
            status: planStatus(plan, today),
            ceasedOn: plan.ceased_on,
          }
        : null,
      mayCreate: mayCasework(actor, 'casework.edit') && (!plan || plan.ceased_on !== null),
    }
  }

  /** What the form for recording an existing plan needs. */
  async newPlanForm(actor: Actor, childId: string) {
    authorise(actor, 'casework.edit')
    const child = await this.store.findChild(requireId(childId))
    if (!child) throw new NotFoundError()
    const plan = await this.store.childPlan(child.id)
    return {
      child,
      settings: await this.store.settings(),
      planInForce: plan && plan.ceased_on === null ? plan.id : null,
    }
  }

  /** Records a plan that predates the system, or one transferred in from another LA. */
  async createPlan(actor: Actor, childId: string, input: unknown): Promise<{ id: string }> {
    authorise(actor, 'casework.edit')
    const child = await this.store.findChild(requireId(childId))
    if (!child) throw new NotFoundError()
    const parsed = parseOrThrow(createPlanSchema, input)
    const errors: FieldError[] = []
    const today = this.clock.today()
    notFuture(errors, 'issuedOn', parsed.issuedOn, today, 'The date the plan was issued')
    if (parsed.issuedOn < child.date_of_birth)
      errors.push({ field: 'issuedOn', message: 'The plan cannot be issued before the child was born' })
    const content = await checkContent(this.store, parsed, errors)
    if (errors.length) throw new ValidationError(errors)
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      const existing = await store.childPlan(child.id)
      if (existing && existing.ceased_on === null) {
        throw new ValidationError([{ field: 'issuedOn', message: 'This child already has an EHC plan in force' }])
      }
      const id = await store.insertPlan({
        childId: child.id,
        issuedOn: parsed.issuedOn,
        content,
        createdBy: actor.userId,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, {
        action: 'ehc_plan.create',
        recordType: 'ehc_plan',
        recordId: id,
        details: { childId: child.id, needs: content.needs.length },
      })
      return { id }
    })
  }

  /** A plan with its child, needs, reviews, amendment history and cessation; every read is audited. */
  async getPlan(actor: Actor, planId: string) {
    authorise(actor, 'casework.read')
    const plan = await this.store.findPlan(requireId(planId))
    if (!plan) throw new NotFoundError()
    await audit(this.db, this.laCode, actor, { action: 'ehc_plan.read', recordType: 'ehc_plan', recordId: plan.id })
    return this.planView(actor, plan)
  }

  async planView(actor: Actor, plan: PlanRow) {
    const today = this.clock.today()
    const child = (await this.store.findChild(plan.child_id))!
    const [needs, reviews, amendments] = await Promise.all([
      this.store.needs([plan.id]),
      this.reviews.reviews([plan.id]),
      this.store.amendments([plan.id]),
    ])
    const consultations = await this.store.consultations(amendments.map(a => a.id))
    const decided = reviews.filter(r => r.decision_on).sort((a, b) => b.decision_on!.localeCompare(a.decision_on!))
    const open = reviews.find(r => r.decision === null) ?? null
    const lastReviewedOn = decided[0]?.decision_on ?? null
    const next = nextAnnualReview(lastReviewedOn ?? plan.issued_on, child.date_of_birth)
    return {
      plan: {
        ...plan,
        setting: settingText(plan),
        status: planStatus(plan, today),
        ceaseDecisionReasonName: plan.cease_decision_reason
          ? CEASE_REASONS[plan.cease_decision_reason as CeaseReason]
          : null,
        ceaseReasonName: plan.cease_reason ? CEASE_REASONS[plan.cease_reason as CeaseReason] : null,
      },
      child: childSummary(child, today),
      needs: needs.map(n => ({ rank: n.rank, code: n.need_code, label: needLabel(n.need_code) })),
      nextReview: {
        from: lastReviewedOn ?? plan.issued_on,
        fromWhat: lastReviewedOn ? 'the last review decision' : 'the plan being issued',
        reviewBy: next.reviewBy,
        underFive: next.underFiveReview,
        status: clockStatus(next.reviewBy, null, today),
      },
      openReview: open,
      reviews: reviews.map(r => ({
        ...r,
        lines: reviewClockLines(r, today),
        status: reviewStatus(r, today),
      })),
      amendments: amendments.map(a => amendmentView(a, reviews, consultations, today)),
      cessation: plan.cease_decided_on ? cessationClocks(plan.cease_decided_on) : null,
      mayEdit: mayCasework(actor, 'casework.edit') && plan.ceased_on === null,
      ceaseReasons: CEASE_REASON_OPTIONS,
    }
  }

  /** R12: the decision to cease, with its SEN2 reason; the plan continues while the appeal time runs. */
  async decideCessation(actor: Actor, planId: string, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'casework.edit')
    const plan = await this.loadPlan(planId)
    const parsed = parseOrThrow(ceaseDecisionSchema, input)
    const errors: FieldError[] = []
    notFuture(errors, 'decidedOn', parsed.decidedOn, this.clock.today(), 'The date of the decision')
    if (parsed.decidedOn < plan.issued_on)
      errors.push({ field: 'decidedOn', message: 'The decision to cease cannot be before the plan was issued' })
    if (errors.length) throw new ValidationError(errors)
    if (plan.ceased_on) throw new ConflictError('This plan has already ceased', { version: plan.version })
    if (plan.version !== parsed.version) throw new ConflictError(STALE, { version: plan.version })
    return this.db.transaction().execute(async trx => {
      const version = await this.store
        .withDb(trx)
        .updateCessation(
          plan.id,
          parsed.version,
          { cease_decided_on: parsed.decidedOn, cease_decision_reason: parsed.reason, cease_note: parsed.note || null },
          this.clock.now(),
        )
      if (version === null) throw new ConflictError(STALE)
      // The reason code is SEN2's category, not the child's information; the note stays out.
      await audit(trx, this.laCode, actor, {
        action: 'ehc_plan.cease_decided',
        recordType: 'ehc_plan',
        recordId: plan.id,
        details: { version, reason: parsed.reason },
      })
      return { version }
    })
  }

  /** R12: the plan ends, after the appeal time (unless it cannot help: see CEASE_WITHOUT_WAITING). */
  async recordCease(actor: Actor, planId: string, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'casework.edit')
    const plan = await this.loadPlan(planId)
    const parsed = parseOrThrow(ceaseSchema, input)
    if (plan.ceased_on) throw new ConflictError('This plan has already ceased', { version: plan.version })
    if (!plan.cease_decided_on || !plan.cease_decision_reason) {
      throw new ValidationError([
        { field: 'ceasedOn', message: 'Record the decision to cease, with its reason, before the plan ceases' },
      ])
    }
    const errors: FieldError[] = []
    notFuture(errors, 'ceasedOn', parsed.ceasedOn, this.clock.today(), 'The date the plan ceased')
    const { earliestCeaseDate } = cessationClocks(plan.cease_decided_on)
    if (parsed.ceasedOn < plan.cease_decided_on) {
      errors.push({ field: 'ceasedOn', message: 'The plan cannot cease before the decision to cease it' })
    } else if (parsed.ceasedOn < earliestCeaseDate && !CEASE_WITHOUT_WAITING.has(plan.cease_decision_reason)) {
      errors.push({
        field: 'ceasedOn',
        message: `The plan must be kept until the time to appeal has passed: it can cease from ${formatDate(earliestCeaseDate)}`,
      })
    }
    if (errors.length) throw new ValidationError(errors)
    if (plan.version !== parsed.version) throw new ConflictError(STALE, { version: plan.version })
    return this.db.transaction().execute(async trx => {
      const version = await this.store
        .withDb(trx)
        .updateCessation(
          plan.id,
          parsed.version,
          { ceased_on: parsed.ceasedOn, cease_reason: plan.cease_decision_reason },
          this.clock.now(),
        )
      if (version === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'ehc_plan.ceased',
        recordType: 'ehc_plan',
        recordId: plan.id,
        details: { version, reason: plan.cease_decision_reason },
      })
      return { version }
    })
  }

  /** An amendment with its plan, review and clocks; every read is audited. */
  async getAmendment(actor: Actor, amendmentId: string) {
    authorise(actor, 'casework.read')
    const amendment = await this.store.findAmendment(requireId(amendmentId))
    if (!amendment) throw new NotFoundError()
    await audit(this.db, this.laCode, actor, {
      action: 'plan_amendment.read',
      recordType: 'plan_amendment',
      recordId: amendment.id,
    })
    const plan = (await this.store.findPlan(amendment.plan_id))!
    const view = await this.planView(actor, plan)
    const reviews = await this.reviews.reviews([plan.id])
    const consultations = await this.store.consultations([amendment.id])
    const review = reviews.find(r => r.id === amendment.review_id) ?? null
    return {
      ...view,
      amendment: amendmentView(amendment, reviews, consultations, this.clock.today()),
      review,
      settings: await this.store.settings(),
      mayEditAmendment: view.mayEdit && amendment.final_issued_on === null,
    }
  }

  /** R10: the family's comments received (and the summary corrected), if nobody saved it first. */
  async saveAmendment(actor: Actor, amendmentId: string, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'casework.edit')
    const amendment = await this.loadAmendment(amendmentId)
    const parsed = parseOrThrow(amendmentSaveSchema, input)
    const errors: FieldError[] = []
    notFuture(errors, 'commentsReceivedOn', parsed.commentsReceivedOn, this.clock.today(), 'The date of the comments')
    if (parsed.commentsReceivedOn && parsed.commentsReceivedOn < amendment.proposals_sent_on)
      errors.push({
        field: 'commentsReceivedOn',
        message: 'The comments cannot be received before the proposed amendments were sent',
      })
    if (errors.length) throw new ValidationError(errors)
    if (amendment.final_issued_on) throw new ConflictError('The amended plan has been issued: this amendment is closed')
    if (amendment.version !== parsed.version) throw new ConflictError(STALE, { version: amendment.version })
    return this.db.transaction().execute(async trx => {
      const version = await this.store
        .withDb(trx)
        .updateAmendment(
          amendment.id,
          parsed.version,
          { comments_received_on: parsed.commentsReceivedOn, summary: parsed.summary },
          this.clock.now(),
        )
      if (version === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'plan_amendment.save',
        recordType: 'plan_amendment',
        recordId: amendment.id,
        details: { version, commentsReceived: parsed.commentsReceivedOn !== null },
      })
      return { version }
    })
  }

  /** R10: the final amended plan. The plan takes the new content and the amendment keeps the before and after. */
  async issueAmendment(actor: Actor, amendmentId: string, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'casework.edit')
    const amendment = await this.loadAmendment(amendmentId)
    const parsed = parseOrThrow(amendmentIssueSchema, input)
    const plan = (await this.store.findPlan(amendment.plan_id))!
    const errors: FieldError[] = []
    const today = this.clock.today()
    notFuture(errors, 'finalIssuedOn', parsed.finalIssuedOn, today, 'The date the final plan was issued')
    const { commentsUntil } = amendmentClocks({
      meetingOn: amendment.proposals_sent_on,
      proposalSentOn: amendment.proposals_sent_on,
    })
    if (parsed.finalIssuedOn < amendment.proposals_sent_on) {
      errors.push({
        field: 'finalIssuedOn',
        message: 'The final amended plan cannot be issued before the proposed amendments were sent',
      })
    } else if (!amendment.comments_received_on && parsed.finalIssuedOn <= commentsUntil) {
      // Reg 22: the family has at least 15 days to comment; only their answer ends the period early.
      errors.push({
        field: 'finalIssuedOn',
        message: `The family has until ${formatDate(commentsUntil)} to comment: record their comments, or issue the plan after that`,
      })
    } else if (amendment.comments_received_on && parsed.finalIssuedOn < amendment.comments_received_on) {
      errors.push({
        field: 'finalIssuedOn',
        message: 'The final amended plan cannot be issued before the comments were received',
      })
    }
    if (plan.ceased_on) errors.push({ field: 'finalIssuedOn', message: 'This plan has ceased' })
    const content = await checkContent(this.store, parsed, errors)
    if (errors.length) throw new ValidationError(errors)
    if (amendment.final_issued_on) throw new ConflictError('The amended plan has already been issued')
    if (amendment.version !== parsed.version) throw new ConflictError(STALE, { version: amendment.version })
    if (plan.version !== parsed.planVersion)
      throw new ConflictError('Someone else changed the plan after you opened this amendment', {
        version: plan.version,
      })
    const before = await this.contentOf(plan)
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      const planVersion = await store.updateContent(plan.id, parsed.planVersion, content, this.clock.now())
      if (planVersion === null) throw new ConflictError('Someone else changed the plan after you opened this amendment')
      const after = await store.findPlan(plan.id)
      const changes = diff(before, { ...content, settingText: settingText(after!) })
      const version = await store.updateAmendment(
        amendment.id,
        parsed.version,
        { final_issued_on: parsed.finalIssuedOn, changes },
        this.clock.now(),
      )
      if (version === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'plan_amendment.issue',
        recordType: 'plan_amendment',
        recordId: amendment.id,
        details: { version, planId: plan.id, planVersion, changed: Object.keys(changes) },
      })
      return { version }
    })
  }

  /** A consultation with a setting about naming it in the amended plan. */
  async addConsultation(actor: Actor, amendmentId: string, input: unknown): Promise<{ id: string }> {
    authorise(actor, 'casework.edit')
    const amendment = await this.loadAmendment(amendmentId)
    const parsed = parseOrThrow(consultationSchema, input)
    const errors: FieldError[] = []
    const today = this.clock.today()
    notFuture(errors, 'sentOn', parsed.sentOn, today, 'The date the consultation was sent')
    notFuture(errors, 'respondedOn', parsed.respondedOn, today, 'The date of the response')
    if (!(await this.store.settingExists(parsed.settingId)))
      errors.push({ field: 'settingId', message: 'Choose the school or setting consulted' })
    if ((parsed.response === null) !== (parsed.respondedOn === null))
      errors.push({
        field: parsed.response ? 'respondedOn' : 'response',
        message: parsed.response ? 'Enter the date of the response' : 'Choose the response',
      })
    if (parsed.respondedOn && parsed.respondedOn < parsed.sentOn)
      errors.push({ field: 'respondedOn', message: 'The response cannot be before the consultation was sent' })
    if (errors.length) throw new ValidationError(errors)
    if (amendment.final_issued_on) throw new ConflictError('The amended plan has been issued: this amendment is closed')
    return this.db.transaction().execute(async trx => {
      const id = await this.store.withDb(trx).insertConsultation({
        amendmentId: amendment.id,
        settingId: parsed.settingId,
        sentOn: parsed.sentOn,
        response: parsed.response,
        respondedOn: parsed.respondedOn,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, {
        action: 'placement_consultation.add',
        recordType: 'placement_consultation',
        recordId: id,
        details: { amendmentId: amendment.id, settingId: parsed.settingId },
      })
      return { id }
    })
  }

  /** A printable decision letter, with the family's appeal and mediation rights. */
  async letter(actor: Actor, planId: string, kind: string) {
    authorise(actor, 'casework.read')
    if (kind !== 'cessation' && kind !== 'review-decision') throw new NotFoundError()
    const plan = await this.loadPlan(planId)
    const child = (await this.store.findChild(plan.child_id))!
    const today = this.clock.today()
    let letter
    if (kind === 'cessation') {
      if (!plan.cease_decided_on || !plan.cease_decision_reason) throw new NotFoundError()
      const clocks = cessationClocks(plan.cease_decided_on)
      letter = {
        kind,
        decision: 'cease' as const,
        decidedOn: plan.cease_decided_on,
        reasonName: CEASE_REASONS[plan.cease_decision_reason as CeaseReason],
        appealBy: clocks.appealBy,
        maintainUntil: clocks.maintainPlanUntil,
        finalIssuedOn: null,
      }
    } else {
      const reviews = await this.reviews.reviews([plan.id])
      const review = reviews.filter(r => r.decision_on).sort((a, b) => b.decision_on!.localeCompare(a.decision_on!))[0]
      if (!review) throw new NotFoundError()
      const amendment = (await this.store.amendments([plan.id])).find(a => a.review_id === review.id) ?? null
      // After an amendment the appeal is against the amended plan, so its time runs from the final.
      const appealFrom = review.decision === 'amend' ? (amendment?.final_issued_on ?? null) : review.decision_on!
      letter = {
        kind,
        decision: review.decision!,
        decidedOn: review.decision_on!,
        meetingOn: review.meeting_on,
        reasonName: null,
        appealBy: appealFrom ? appealBy(appealFrom) : null,
        maintainUntil:
          review.decision === 'cease' && plan.cease_decided_on
            ? cessationClocks(plan.cease_decided_on).maintainPlanUntil
            : null,
        finalIssuedOn: amendment?.final_issued_on ?? null,
        proposalsSentOn: amendment?.proposals_sent_on ?? null,
        commentsUntil: amendment
          ? amendmentClocks({ meetingOn: amendment.proposals_sent_on, proposalSentOn: amendment.proposals_sent_on })
              .commentsUntil
          : null,
      }
    }
    await audit(this.db, this.laCode, actor, {
      action: 'ehc_plan.letter',
      recordType: 'ehc_plan',
      recordId: plan.id,
      details: { kind },
    })
    return { plan: { ...plan, setting: settingText(plan) }, child: childSummary(child, today), letter, today }
  }

  private async loadPlan(planId: string): Promise<PlanRow> {
    const plan = await this.store.findPlan(requireId(planId))
    if (!plan) throw new NotFoundError()
    return plan
  }

  private async loadAmendment(amendmentId: string): Promise<AmendmentRow> {
    const amendment = await this.store.findAmendment(requireId(amendmentId))
    if (!amendment) throw new NotFoundError()
    return amendment
  }

  private async contentOf(plan: PlanRow): Promise<PlanContent & { settingText: string }> {
    const needs = await this.store.needs([plan.id])
    return {
      namedSettingId: plan.named_setting_id,
      namedSettingType: plan.named_setting_type,
      provisionSummary: plan.provision_summary,
      needs: needs.map(n => n.need_code),
      settingText: settingText(plan),
    }
  }
}

/** Before and after of each part of the plan an amendment changed, as a reader would see it. */
function diff(
  before: PlanContent & { settingText: string },
  after: PlanContent & { settingText: string },
): AmendmentChanges {
  const changes: AmendmentChanges = {}
  if (before.namedSettingId !== after.namedSettingId || before.namedSettingType !== after.namedSettingType)
    changes.namedSetting = { before: before.settingText, after: after.settingText }
  if (before.provisionSummary !== after.provisionSummary)
    changes.provisionSummary = { before: before.provisionSummary, after: after.provisionSummary }
  const needs = (codes: string[]) => codes.map(c => `${needLabel(c)} (${c})`).join('; ')
  if (before.needs.join() !== after.needs.join())
    changes.needs = { before: needs(before.needs), after: needs(after.needs) }
  return changes
}

export const CHANGE_LABELS: Record<string, string> = {
  namedSetting: 'Named school or setting (Section I)',
  provisionSummary: 'Provision',
  needs: 'Needs',
}

function amendmentView(
  amendment: AmendmentRow,
  reviews: readonly ReviewRow[],
  consultations: readonly ConsultationRow[],
  today: string,
) {
  const review = reviews.find(r => r.id === amendment.review_id)
  return {
    ...amendment,
    clocks: amendmentClockLines(amendment, review?.meeting_on ?? null, today),
    changeList: Object.entries(amendment.changes ?? {}).map(([key, change]) => ({
      key,
      label: CHANGE_LABELS[key] ?? key,
      before: String(change.before ?? ''),
      after: String(change.after ?? ''),
    })),
    consultations: consultations
      .filter(c => c.amendment_id === amendment.id)
      .map(c => ({ ...c, responseText: c.response ? CONSULTATION_RESPONSES[c.response] : 'Awaiting a response' })),
    reviewMeetingOn: review?.meeting_on ?? null,
  }
}

export function planStatus(plan: Pick<PlanRow, 'ceased_on' | 'cease_decided_on'>, today: string) {
  if (plan.ceased_on && plan.ceased_on <= today)
    return { key: 'ceased' as PlanStatus, text: 'Ceased', classes: 'govuk-tag--grey' }
  if (plan.cease_decided_on || plan.ceased_on)
    return { key: 'ceasing' as PlanStatus, text: 'Ceasing', classes: 'govuk-tag--orange' }
  return { key: 'in_force' as PlanStatus, text: 'In force', classes: 'govuk-tag--green' }
}

/** Where a review stands, as one tag: the next step's clock, or its decision. */
export function reviewStatus(review: ReviewRow, today: string): ClockStatus {
  if (review.decision && review.decision_on) {
    const decided = { keep: 'Decided: keep', amend: 'Decided: amend', cease: 'Decided: cease' }[review.decision]
    return { state: 'done', text: decided, classes: 'govuk-tag--green' }
  }
  if (review.meeting_on && review.meeting_on <= today)
    return clockStatus(reviewDecisionBy(review.meeting_on), null, today)
  return clockStatus(review.due_on, null, today)
}

export function childSummary(child: ChildRow, today: string) {
  const year = ncYear(child.date_of_birth, today)
  return {
    id: child.id,
    name: `${child.first_name} ${child.last_name}`,
    dateOfBirth: child.date_of_birth,
    age: ageOn(child.date_of_birth, today),
    ncYearLabel: ncYearLabel(year),
  }
}

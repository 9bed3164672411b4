import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../platform/errors.ts'
import { parseOrThrow, toFieldErrors } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import { addDays, formatDate, isIsoDate, parts } from '../platform/time/dates.ts'
import { NEED_CODES, NEED_LABELS, type NeedCode } from '../people/rules/needs.ts'
import type { DB } from '../schema.ts'
import { CalendarStore } from './calendar-store.ts'
import {
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
  isCoveredByShippedList,
  isWorkingDay,
  type Calendar,
} from './rules/bank-holidays.ts'
import { adviceDueBy, appealBy, draftPlanComments, twentyWeekTimeline } from './rules/clocks.ts'
import { legalDate, type DeliveryMethod } from './rules/days.ts'
import { EXCEPTION_KINDS, EXCEPTION_LABELS, exceptionSchema, timeliness } from './rules/exceptions.ts'
import { ADVISOR_LABELS, timelineOf, type CaseClock } from './rules/queue.ts'
import { RequestStore, type ConsultationRow, type PlanRow, type RequestRow } from './request-store.ts'
import type { Advisor, ReceivedVia, RequestSource } from './tables.ts'

// The request timeline is pure and lives with the work queue; re-exported for the pages and tests that read it here.
export { ADVISOR_LABELS, timelineOf, type CaseClock }

// Requests for an EHC needs assessment through to the final plan (statutory.md R1–R5). Deadlines are
// never stored: every page computes them from the dates recorded, the calendar and the pure rules.

// Deny by default: a role not listed may not do the thing. School users never see casework here.
const ALLOWED = {
  'casework.read': ['la_admin', 'send_manager', 'case_officer'],
  'casework.edit': ['send_manager', 'case_officer'],
  'calendar.edit': ['la_admin'],
} as const satisfies Record<string, readonly Role[]>
export type CaseworkPermission = keyof typeof ALLOWED

export function mayCasework(actor: Actor, permission: CaseworkPermission): boolean {
  return (ALLOWED[permission] as readonly Role[]).includes(actor.role)
}

function authorise(actor: Actor, permission: CaseworkPermission): void {
  if (!mayCasework(actor, permission)) throw new ForbiddenError()
}

export const SOURCE_LABELS: Record<RequestSource, string> = {
  parent: 'Parent',
  young_person: 'Young person',
  school: 'School or college',
  early_years: 'Early years setting',
  health: 'Health',
  social_care: 'Social care',
  other: 'Other',
}

export const VIA_LABELS: Record<ReceivedVia, string> = {
  hand: 'By hand',
  email: 'Email',
  online: 'Online form',
  first_class_post: 'First-class post',
  second_class_post: 'Second-class post',
}

export const LETTER_KINDS = ['not-to-assess', 'no-plan', 'final-plan'] as const
export type LetterKind = (typeof LETTER_KINDS)[number]

/** Needs a plan may record: NSA (SEN support without an assessed need) is never a plan's need. */
export const PLAN_NEED_CODES = NEED_CODES.filter(c => c !== 'NSA')
const MAX_NEEDS = 4

const STALE =
  'This request was changed by someone else after you opened it. Nothing you sent was saved: check the latest below and try again.'

const idSchema = z.uuid()
const versionSchema = z.coerce
  .number({ error: 'The version number you read is missing: reload the page' })
  .int()
  .min(1, 'The version number you read is missing: reload the page')

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

const dateField = (what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: `Enter ${what}` })
      .trim()
      .refine(isIsoDate, `Enter ${what} as a real date, like 2026-03-05`),
  )
const optionalDate = (what: string) =>
  z.preprocess(
    blankToUndefined,
    z.string().trim().refine(isIsoDate, `Enter ${what} as a real date, like 2026-03-05`).optional(),
  )
const choice = <T extends string>(values: readonly T[], message: string) =>
  z.preprocess(blankToUndefined, z.enum(values as [T, ...T[]], { error: message }))
const optionalId = (message: string) => z.preprocess(blankToUndefined, z.uuid({ error: message }).optional())

export const logRequestSchema = z.object({
  source: choice(Object.keys(SOURCE_LABELS) as RequestSource[], 'Choose who made the request'),
  receivedVia: choice(Object.keys(VIA_LABELS) as ReceivedVia[], 'Choose how the request arrived'),
  arrivedOn: dateField('the date it arrived (for post, the date it was posted)'),
  arrivedTime: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter the time as hours and minutes, like 17:30')
      .optional(),
  ),
  officerId: optionalId('Choose the officer'),
})

const decisionSchema = z.object({
  version: versionSchema,
  decision: choice(['assess', 'not_assess'] as const, 'Choose whether to assess'),
  decisionOn: dateField('the date of the decision'),
})
const officerSchema = z.object({
  version: versionSchema,
  officerId: z.uuid({ error: 'Choose the officer' }),
})
const adviceSchema = z.object({
  version: versionSchema,
  advisor: choice(Object.keys(ADVISOR_LABELS) as Advisor[], 'Choose who the advice was asked of'),
  advisorName: z.preprocess(
    blankToUndefined,
    z.string().trim().max(200, 'Enter a name of at most 200 characters').optional(),
  ),
  adviceRequestedOn: dateField('the date the advice was asked for'),
})
const adviceReceiptSchema = z.object({
  version: versionSchema,
  adviceReceivedOn: dateField('the date the advice was received'),
})
const outcomeSchema = z.object({
  version: versionSchema,
  outcome: choice(['issue_plan', 'no_plan'] as const, 'Choose whether to issue a plan'),
  outcomeOn: dateField('the date of the decision (for no plan, the date the family was told)'),
})
const draftSchema = z.object({
  version: versionSchema,
  draftSentOn: dateField('the date the draft plan was sent'),
  preferredSettingId: optionalId('Choose a setting from the list'),
  commentsReceivedOn: optionalDate('the date the comments were received'),
})
const consultationSchema = z.object({
  version: versionSchema,
  consultationSettingId: z.preprocess(blankToUndefined, z.uuid({ error: 'Choose the setting consulted' })),
  consultationSentOn: dateField('the date the consultation was sent'),
})
const responseSchema = z.object({
  version: versionSchema,
  response: choice(['can_meet', 'cannot_meet'] as const, 'Choose the setting’s answer'),
  respondedOn: dateField('the date the setting answered'),
})
const finalSchema = z.object({
  version: versionSchema,
  finalIssuedOn: dateField('the date the final plan was issued'),
  needs: z.array(z.string().trim()).default([]),
  namedSettingId: optionalId('Choose a setting from the list'),
  namedSettingType: z.preprocess(
    blankToUndefined,
    z.string().trim().max(200, 'Enter a type of setting of at most 200 characters').optional(),
  ),
  provisionSummary: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Enter a summary of the provision (Section F)' })
      .trim()
      .max(10_000, 'Enter a summary of at most 10,000 characters'),
  ),
})
const withdrawSchema = z.object({
  version: versionSchema,
  withdrawnOn: dateField('the date the request was withdrawn'),
  withdrawnReason: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Enter why the request was withdrawn' })
      .trim()
      .max(2000, 'Enter a reason of at most 2,000 characters'),
  ),
})
const exceptionFormSchema = z.object({ version: versionSchema })
const addDaySchema = z.object({
  day: dateField('the date'),
  name: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the name of the day' }).trim().max(100, 'Enter a name of at most 100 characters'),
  ),
})

/** The exception form's fields, named apart from the other forms on the request page. */
const EXCEPTION_FIELDS: Record<string, string> = {
  kind: 'exceptionKind',
  from: 'exceptionFrom',
  to: 'exceptionTo',
  reason: 'exceptionReason',
  informationRequestedOn: 'informationRequestedOn',
}

/** A stage in plain words, from what has been recorded. */
export function stageOf(
  r: Pick<RequestRow, 'withdrawn_on' | 'final_issued_on' | 'outcome' | 'decision' | 'draft_sent_on'>,
): string {
  if (r.withdrawn_on) return 'Withdrawn'
  if (r.final_issued_on) return 'Final plan issued'
  if (r.outcome === 'no_plan') return 'Decided not to issue a plan'
  if (r.decision === 'not_assess') return 'Decided not to assess'
  if (r.draft_sent_on) return 'Draft plan sent: comments and consultation'
  if (r.outcome === 'issue_plan') return 'Drafting the plan'
  if (r.decision === 'assess') return 'Assessment'
  return 'Deciding whether to assess'
}

/** The first clock still running: what the officer must do next, and by when. */
function nextDeadline(clocks: CaseClock[]): CaseClock | null {
  const running = clocks.filter(c => !c.doneOn && c.status.text !== 'Not needed' && c.key !== 'R4')
  return running.sort((a, b) => a.deadline.localeCompare(b.deadline))[0] ?? null
}

/** How the legal received date was reached, in words, for the page. */
export function receivedExplanation(
  r: Pick<RequestRow, 'received_via' | 'arrived_on' | 'arrived_time' | 'received_on'>,
): string {
  const post = r.received_via === 'first_class_post' || r.received_via === 'second_class_post'
  if (post) {
    const n = r.received_via === 'first_class_post' ? 'the next working day' : 'the second working day'
    return `Posted on ${formatDate(r.arrived_on)} by ${VIA_LABELS[r.received_via].toLowerCase()}: it counts as received ${n} after posting, ${formatDate(r.received_on)}.`
  }
  const how = VIA_LABELS[r.received_via].toLowerCase()
  if (r.received_on === r.arrived_on) {
    return `Arrived ${how === 'by hand' ? 'by hand' : `by ${how}`} on ${formatDate(r.arrived_on)}${r.arrived_time ? ` at ${r.arrived_time}` : ''}, a working day before 17:00: received that day.`
  }
  const why =
    r.arrived_time && r.arrived_time >= '17:00'
      ? `at ${r.arrived_time}, after 17:00,`
      : 'on a day that is not a working day'
  return `Arrived ${how === 'by hand' ? 'by hand' : `by ${how}`} on ${formatDate(r.arrived_on)} ${why} so it counts as received on the next working day, ${formatDate(r.received_on)}.`
}

function deliveryOf(via: ReceivedVia): DeliveryMethod {
  // An online form is electronic delivery, counted like an email.
  return via === 'online' ? 'email' : via
}

function weekday(iso: string): string {
  const { year, month, day } = parts(iso)
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' })
}

export type RequestView = Awaited<ReturnType<CaseworkRequestService['getRequest']>>

export class CaseworkRequestService {
  private readonly store: RequestStore
  private readonly calendars: CalendarStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new RequestStore(db, laCode)
    this.calendars = new CalendarStore(db)
  }

  /** The Casework section of the child record, or null when the actor may not see casework. */
  async forChildRecord(actor: Actor, childId: string) {
    if (!mayCasework(actor, 'casework.read') || !idSchema.safeParse(childId).success) return null
    const child = await this.store.findChild(childId)
    if (!child) return null
    const today = this.clock.today()
    const rows = await this.store.childRequests(childId)
    const requests = []
    for (const r of rows) {
      const clocks = timelineOf(r, await this.store.advice(r.id), await this.store.exceptions(r.id), today)
      requests.push({ ...summary(r), next: nextDeadline(clocks) })
    }
    await audit(this.db, this.laCode, actor, {
      action: 'casework.request.list',
      recordType: 'child',
      recordId: childId,
      details: { requests: requests.length },
    })
    return { requests, mayLog: mayCasework(actor, 'casework.edit') }
  }

  /** What the "log a request" form offers. */
  async logForm(actor: Actor, childId: string) {
    authorise(actor, 'casework.edit')
    const child = await this.childOrNotFound(actor, childId)
    return { child, officers: await this.store.officers(), today: this.clock.today() }
  }

  async logRequest(actor: Actor, childId: string, input: unknown): Promise<{ id: string; receivedOn: string }> {
    authorise(actor, 'casework.edit')
    const child = await this.childOrNotFound(actor, childId)
    const parsed = parseOrThrow(logRequestSchema, input)
    const today = this.clock.today()
    const errors: FieldError[] = []
    if (parsed.arrivedOn > today)
      errors.push({ field: 'arrivedOn', message: 'The date it arrived cannot be in the future' })
    const officerId = parsed.officerId ?? actor.userId
    const officers = await this.store.officers()
    if (!officers.some(o => o.id === officerId))
      errors.push({ field: 'officerId', message: 'Choose a case officer or SEND manager' })
    if (errors.length) throw new ValidationError(errors)
    const post = parsed.receivedVia === 'first_class_post' || parsed.receivedVia === 'second_class_post'
    const calendar = await this.calendars.calendar()
    // With no time given we count it as arriving before 17:00: the earlier, stricter date for the LA.
    const receivedOn = legalDate(calendar, {
      method: deliveryOf(parsed.receivedVia),
      on: parsed.arrivedOn,
      at: post ? null : (parsed.arrivedTime ?? '00:00'),
    })
    return this.db.transaction().execute(async trx => {
      const id = await this.store.withDb(trx).insertRequest({
        childId: child.id,
        officerId,
        source: parsed.source,
        receivedVia: parsed.receivedVia,
        arrivedOn: parsed.arrivedOn,
        arrivedTime: post ? null : (parsed.arrivedTime ?? null),
        receivedOn,
        createdBy: actor.userId,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, {
        action: 'casework.request.create',
        recordType: 'ehc_request',
        recordId: id,
        details: { childId: child.id, source: parsed.source, receivedVia: parsed.receivedVia, receivedOn },
      })
      return { id, receivedOn }
    })
  }

  /** A request with every clock, its advice, exceptions, consultations and plan; every read is audited. */
  async getRequest(actor: Actor, requestId: string) {
    authorise(actor, 'casework.read')
    const r = await this.requestOrNotFound(actor, 'casework.request.read', requestId)
    await audit(this.db, this.laCode, actor, {
      action: 'casework.request.read',
      recordType: 'ehc_request',
      recordId: r.id,
      details: { childId: r.child_id },
    })
    return this.view(actor, r)
  }

  /** Open requests with the next deadline of each, soonest first; the list read is audited with a count. */
  async listOpen(actor: Actor, query: unknown) {
    authorise(actor, 'casework.read')
    const q = (typeof query === 'object' && query ? query : {}) as Record<string, unknown>
    const officer = typeof q.officer === 'string' && idSchema.safeParse(q.officer).success ? q.officer : undefined
    const today = this.clock.today()
    const rows = await this.store.openRequests(officer)
    const items = []
    for (const r of rows) {
      const clocks = timelineOf(r, await this.store.advice(r.id), await this.store.exceptions(r.id), today)
      items.push({
        ...summary(r),
        childName: `${r.first_name} ${r.last_name}`,
        next: nextDeadline(clocks),
      })
    }
    items.sort((a, b) => (a.next?.deadline ?? '9999').localeCompare(b.next?.deadline ?? '9999'))
    await audit(this.db, this.laCode, actor, {
      action: 'casework.request.list',
      recordType: 'ehc_request',
      details: { count: items.length, filtered: Boolean(officer) },
    })
    return { items, officers: await this.store.officers(), officer: officer ?? '' }
  }

  async recordDecision(actor: Actor, requestId: string, input: unknown) {
    return this.change(actor, requestId, decisionSchema, input, 'casework.request.decision', (r, p, today) => {
      const errors: FieldError[] = []
      if (r.outcome)
        errors.push({
          field: 'decision',
          message: 'The assessment outcome is recorded: the decision to assess can no longer change',
        })
      errors.push(...notBefore('decisionOn', p.decisionOn, r.received_on, 'the decision', 'the request was received'))
      errors.push(...notFuture('decisionOn', p.decisionOn, today, 'The decision date'))
      return { errors, change: { decision: p.decision, decision_on: p.decisionOn }, details: { decision: p.decision } }
    })
  }

  /** Hands the request to another officer: it moves to their work queue and caseload. */
  async assignOfficer(actor: Actor, requestId: string, input: unknown) {
    const officers = await this.store.officers()
    return this.change(actor, requestId, officerSchema, input, 'casework.request.officer', (r, p) => {
      const errors: FieldError[] = []
      if (!officers.some(o => o.id === p.officerId))
        errors.push({ field: 'officerId', message: 'Choose a case officer or SEND manager' })
      else if (p.officerId === r.officer_id)
        errors.push({ field: 'officerId', message: 'The request is already with this officer' })
      return { errors, change: { officer_id: p.officerId }, details: { from: r.officer_id, to: p.officerId } }
    })
  }

  async addAdvice(actor: Actor, requestId: string, input: unknown) {
    authorise(actor, 'casework.edit')
    const r = await this.requestOrNotFound(actor, 'casework.advice.create', requestId)
    const p = parseOrThrow(adviceSchema, input)
    const errors: FieldError[] = []
    if (r.decision !== 'assess')
      errors.push({ field: 'advisor', message: 'Record the decision to assess before asking for advice' })
    else
      errors.push(
        ...notBefore(
          'adviceRequestedOn',
          p.adviceRequestedOn,
          r.decision_on!,
          'the advice request',
          'the decision to assess',
        ),
      )
    errors.push(
      ...notFuture('adviceRequestedOn', p.adviceRequestedOn, this.clock.today(), 'The date the advice was asked for'),
    )
    this.checkOpen(r, 'advisor', errors)
    return this.write(actor, r, p.version, errors, async (store, now) => {
      const id = await store.insertAdvice(r.id, p.advisor, p.advisorName ?? null, p.adviceRequestedOn, now)
      return {
        action: 'casework.advice.create',
        recordType: 'advice_request',
        recordId: id,
        details: { requestId: r.id, advisor: p.advisor },
      }
    })
  }

  async recordAdviceReceipt(actor: Actor, requestId: string, adviceId: string, input: unknown) {
    authorise(actor, 'casework.edit')
    const r = await this.requestOrNotFound(actor, 'casework.advice.receipt', requestId)
    const advice = idSchema.safeParse(adviceId).success
      ? (await this.store.advice(r.id)).find(a => a.id === adviceId)
      : undefined
    if (!advice) throw new NotFoundError()
    const p = parseOrThrow(adviceReceiptSchema, input)
    const errors = [
      ...notBefore(
        'adviceReceivedOn',
        p.adviceReceivedOn,
        advice.requested_on,
        'the advice received',
        'it was asked for',
      ),
      ...notFuture('adviceReceivedOn', p.adviceReceivedOn, this.clock.today(), 'The date the advice was received'),
    ]
    if (errors.length) throw new ValidationError(errors)
    if (advice.version !== p.version) throw new ConflictError(STALE, { version: advice.version })
    await this.db.transaction().execute(async trx => {
      const next = await this.store
        .withDb(trx)
        .markAdviceReceived(advice.id, p.version, p.adviceReceivedOn, this.clock.now())
      if (next === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'casework.advice.receipt',
        recordType: 'advice_request',
        recordId: advice.id,
        details: { requestId: r.id, version: next },
      })
    })
  }

  async recordOutcome(actor: Actor, requestId: string, input: unknown) {
    return this.change(actor, requestId, outcomeSchema, input, 'casework.request.outcome', (r, p, today) => {
      const errors: FieldError[] = []
      if (r.decision !== 'assess')
        errors.push({ field: 'outcome', message: 'Record the decision to assess before the assessment outcome' })
      else errors.push(...notBefore('outcomeOn', p.outcomeOn, r.decision_on!, 'the outcome', 'the decision to assess'))
      if (r.draft_sent_on && p.outcome === 'no_plan')
        errors.push({ field: 'outcome', message: 'A draft plan has been sent: the outcome can no longer be no plan' })
      errors.push(...notFuture('outcomeOn', p.outcomeOn, today, 'The outcome date'))
      return { errors, change: { outcome: p.outcome, outcome_on: p.outcomeOn }, details: { outcome: p.outcome } }
    })
  }

  async recordDraft(actor: Actor, requestId: string, input: unknown) {
    const settings = await this.store.settings()
    return this.change(actor, requestId, draftSchema, input, 'casework.request.draft', (r, p, today) => {
      const errors: FieldError[] = []
      if (r.outcome !== 'issue_plan')
        errors.push({ field: 'draftSentOn', message: 'Record the decision to issue a plan before the draft' })
      else
        errors.push(
          ...notBefore('draftSentOn', p.draftSentOn, r.outcome_on!, 'the draft plan', 'the decision to issue a plan'),
        )
      errors.push(...notFuture('draftSentOn', p.draftSentOn, today, 'The date the draft was sent'))
      if (p.preferredSettingId && !settings.some(s => s.id === p.preferredSettingId))
        errors.push({ field: 'preferredSettingId', message: 'Choose a setting from the list' })
      if (p.commentsReceivedOn) {
        errors.push(
          ...notBefore('commentsReceivedOn', p.commentsReceivedOn, p.draftSentOn, 'the comments', 'the draft was sent'),
        )
        errors.push(
          ...notFuture('commentsReceivedOn', p.commentsReceivedOn, today, 'The date the comments were received'),
        )
      }
      if (r.final_issued_on && p.draftSentOn > r.final_issued_on)
        errors.push({
          field: 'draftSentOn',
          message: `The draft must be sent before the final plan, issued on ${r.final_issued_on}`,
        })
      return {
        errors,
        change: {
          draft_sent_on: p.draftSentOn,
          preferred_setting_id: p.preferredSettingId ?? null,
          comments_received_on: p.commentsReceivedOn ?? null,
        },
        details: { preferredSetting: Boolean(p.preferredSettingId), commentsReceived: Boolean(p.commentsReceivedOn) },
      }
    })
  }

  async addConsultation(actor: Actor, requestId: string, input: unknown) {
    authorise(actor, 'casework.edit')
    const r = await this.requestOrNotFound(actor, 'casework.consultation.create', requestId)
    const p = parseOrThrow(consultationSchema, input)
    const errors: FieldError[] = []
    if (r.outcome !== 'issue_plan')
      errors.push({
        field: 'consultationSettingId',
        message: 'Record the decision to issue a plan before consulting settings',
      })
    else
      errors.push(
        ...notBefore(
          'consultationSentOn',
          p.consultationSentOn,
          r.outcome_on!,
          'the consultation',
          'the decision to issue a plan',
        ),
      )
    errors.push(
      ...notFuture(
        'consultationSentOn',
        p.consultationSentOn,
        this.clock.today(),
        'The date the consultation was sent',
      ),
    )
    if (!(await this.store.settings()).some(s => s.id === p.consultationSettingId))
      errors.push({ field: 'consultationSettingId', message: 'Choose a setting from the list' })
    this.checkOpen(r, 'consultationSettingId', errors)
    return this.write(actor, r, p.version, errors, async (store, now) => {
      const id = await store.insertConsultation(r.id, p.consultationSettingId, p.consultationSentOn, now)
      return {
        action: 'casework.consultation.create',
        recordType: 'placement_consultation',
        recordId: id,
        details: { requestId: r.id },
      }
    })
  }

  async recordConsultationResponse(actor: Actor, requestId: string, consultationId: string, input: unknown) {
    authorise(actor, 'casework.edit')
    const r = await this.requestOrNotFound(actor, 'casework.consultation.response', requestId)
    const consultation = idSchema.safeParse(consultationId).success
      ? (await this.store.consultations(r.id)).find(c => c.id === consultationId)
      : undefined
    if (!consultation) throw new NotFoundError()
    const p = parseOrThrow(responseSchema, input)
    const errors = [
      ...notBefore('respondedOn', p.respondedOn, consultation.sent_on, 'the answer', 'the consultation was sent'),
      ...notFuture('respondedOn', p.respondedOn, this.clock.today(), 'The date the setting answered'),
    ]
    if (errors.length) throw new ValidationError(errors)
    if (consultation.version !== p.version) throw new ConflictError(STALE, { version: consultation.version })
    await this.db.transaction().execute(async trx => {
      const next = await this.store
        .withDb(trx)
        .recordResponse(consultation.id, p.version, p.response, p.respondedOn, this.clock.now())
      if (next === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'casework.consultation.response',
        recordType: 'placement_consultation',
        recordId: consultation.id,
        details: { requestId: r.id, response: p.response, version: next },
      })
    })
  }

  /**
   * Issues the final plan: creates the plan and its ranked needs, closes the request on it and marks
   * the child as having a plan — one transaction, so none of it happens without the rest.
   */
  async issueFinalPlan(actor: Actor, requestId: string, input: unknown) {
    authorise(actor, 'casework.edit')
    const r = await this.requestOrNotFound(actor, 'casework.plan.issue', requestId)
    const p = parseOrThrow(finalSchema, input)
    const today = this.clock.today()
    const errors: FieldError[] = []
    if (r.final_issued_on)
      errors.push({ field: 'finalIssuedOn', message: `The final plan was issued on ${r.final_issued_on}` })
    if (!r.draft_sent_on)
      errors.push({ field: 'finalIssuedOn', message: 'Record the draft plan before issuing the final plan' })
    else {
      errors.push(
        ...notBefore('finalIssuedOn', p.finalIssuedOn, r.draft_sent_on, 'the final plan', 'the draft was sent'),
      )
      const { finalNotBefore } = draftPlanComments(r.draft_sent_on)
      // Reg 13(1): the family has 15 days to comment; only their comments let the plan be finalised sooner.
      if (!r.comments_received_on && p.finalIssuedOn < finalNotBefore && p.finalIssuedOn >= r.draft_sent_on)
        errors.push({
          field: 'finalIssuedOn',
          message: `The family has until ${addDays(finalNotBefore, -1)} to comment on the draft: issue the final plan on or after ${finalNotBefore}, or record their comments first`,
        })
      if (r.comments_received_on && p.finalIssuedOn < r.comments_received_on)
        errors.push({
          field: 'finalIssuedOn',
          message: `The final plan must be issued on or after the family’s comments, received on ${r.comments_received_on}`,
        })
    }
    errors.push(...notFuture('finalIssuedOn', p.finalIssuedOn, today, 'The date the final plan was issued'))
    const needs = p.needs.map(n => n.trim()).filter(Boolean)
    if (!needs.length) errors.push({ field: 'need1', message: 'Choose the primary need' })
    needs.forEach((code, i) => {
      if (!(PLAN_NEED_CODES as readonly string[]).includes(code))
        errors.push({ field: `need${i + 1}`, message: 'Choose a type of need from the list' })
      else if (needs.indexOf(code) !== i)
        errors.push({ field: `need${i + 1}`, message: 'Each need may be chosen once' })
    })
    if (p.needs.length > MAX_NEEDS) errors.push({ field: 'need1', message: `Choose at most ${MAX_NEEDS} needs` })
    const lastNeed = p.needs.map(n => Boolean(n.trim())).lastIndexOf(true)
    if (p.needs.slice(0, lastNeed + 1).some(n => !n.trim()))
      errors.push({ field: 'need1', message: 'Rank the needs in order with no gaps: the primary need first' })
    if (!p.namedSettingId && !p.namedSettingType)
      errors.push({
        field: 'namedSettingId',
        message: 'Choose the setting named in the plan, or enter a type of setting',
      })
    if (p.namedSettingId && !(await this.store.settings()).some(s => s.id === p.namedSettingId))
      errors.push({ field: 'namedSettingId', message: 'Choose a setting from the list' })
    if (!p.provisionSummary)
      errors.push({ field: 'provisionSummary', message: 'Enter a summary of the provision (Section F)' })
    const inForce = await this.store.planInForce(r.child_id)
    if (inForce)
      errors.push({ field: 'finalIssuedOn', message: 'The child already has a plan in force: amend that plan instead' })
    this.checkOpen(r, 'finalIssuedOn', errors)
    return this.write(actor, r, p.version, errors, async (store, now) => {
      const planId = await store.insertPlan({
        childId: r.child_id,
        requestId: r.id,
        issuedOn: p.finalIssuedOn,
        namedSettingId: p.namedSettingId ?? null,
        namedSettingType: p.namedSettingId ? null : (p.namedSettingType ?? null),
        provisionSummary: p.provisionSummary,
        needs,
        createdBy: actor.userId,
        now,
      })
      // write() has already moved the request on from the version read, inside this transaction.
      const next = await store.updateRequest(
        r.id,
        p.version + 1,
        { final_issued_on: p.finalIssuedOn, plan_id: planId },
        now,
      )
      if (next === null) throw new ConflictError(STALE)
      const childMarked = await store.markChildEhcp(r.child_id, p.finalIssuedOn, now)
      return {
        action: 'casework.plan.issue',
        recordType: 'ehc_plan',
        recordId: planId,
        details: {
          requestId: r.id,
          childId: r.child_id,
          needs: needs.length,
          named: p.namedSettingId ? 'setting' : 'type',
          childMarked,
        },
      }
    })
  }

  async withdraw(actor: Actor, requestId: string, input: unknown) {
    return this.change(actor, requestId, withdrawSchema, input, 'casework.request.withdraw', (r, p, today) => {
      const errors: FieldError[] = []
      if (r.final_issued_on)
        errors.push({
          field: 'withdrawnOn',
          message: 'The final plan has been issued: the request can no longer be withdrawn',
        })
      errors.push(
        ...notBefore('withdrawnOn', p.withdrawnOn, r.received_on, 'the withdrawal', 'the request was received'),
      )
      errors.push(...notFuture('withdrawnOn', p.withdrawnOn, today, 'The date it was withdrawn'))
      return { errors, change: { withdrawn_on: p.withdrawnOn, withdrawn_reason: p.withdrawnReason }, details: {} }
    })
  }

  /** Records an exception (reg 5(4), 10(4), 13(3)) applied by the actor. It never moves a deadline. */
  async addException(actor: Actor, requestId: string, input: unknown) {
    authorise(actor, 'casework.edit')
    const r = await this.requestOrNotFound(actor, 'casework.exception.create', requestId)
    const { version } = parseOrThrow(exceptionFormSchema, input)
    const body = input as Record<string, unknown>
    const parsed = exceptionSchema.safeParse({
      kind: blankToUndefined(body.exceptionKind),
      from: blankToUndefined(body.exceptionFrom),
      to: blankToUndefined(body.exceptionTo),
      reason: blankToUndefined(body.exceptionReason) ?? '',
      appliedBy: actor.userId,
      informationRequestedOn: blankToUndefined(body.informationRequestedOn) ?? null,
    })
    if (!parsed.success) {
      throw new ValidationError(
        toFieldErrors(parsed.error).map(e => ({ ...e, field: EXCEPTION_FIELDS[e.field] ?? e.field })),
      )
    }
    const e = parsed.data
    return this.write(actor, r, version, [], async (store, now) => {
      const id = await store.insertException(
        r.id,
        { kind: e.kind, from: e.from, to: e.to, reason: e.reason, appliedBy: actor.userId },
        now,
      )
      // The reason and dates are the family's circumstances: the audit keeps the kind only.
      return {
        action: 'casework.exception.create',
        recordType: 'casework_exception',
        recordId: id,
        details: { requestId: r.id, kind: e.kind, closureInformationRequested: Boolean(e.informationRequestedOn) },
      }
    })
  }

  /** A decision letter, once that decision is made (404 before); every read is audited. */
  async letter(actor: Actor, requestId: string, kind: string) {
    authorise(actor, 'casework.read')
    const r = await this.requestOrNotFound(actor, 'casework.letter.read', requestId)
    if (!(LETTER_KINDS as readonly string[]).includes(kind)) throw new NotFoundError()
    const decidedOn =
      kind === 'not-to-assess' && r.decision === 'not_assess'
        ? r.decision_on
        : kind === 'no-plan' && r.outcome === 'no_plan'
          ? r.outcome_on
          : kind === 'final-plan'
            ? r.final_issued_on
            : null
    if (!decidedOn) throw new NotFoundError()
    const child = (await this.store.findChild(r.child_id))!
    const plan = kind === 'final-plan' && r.plan_id ? await this.store.findPlan(r.plan_id) : undefined
    await audit(this.db, this.laCode, actor, {
      action: 'casework.letter.read',
      recordType: 'ehc_request',
      recordId: r.id,
      details: { kind },
    })
    return {
      kind: kind as LetterKind,
      request: summary(r),
      child,
      decidedOn,
      // R14 with no certificate yet: the later date from a certificate is explained in the letter.
      appealBy: appealBy(decidedOn),
      mediationAdviceBy: appealBy(decidedOn),
      plan: plan
        ? {
            ...plan,
            needs: plan.needs.map(n => ({ ...n, label: NEED_LABELS[n.need_code as NeedCode] ?? n.need_code })),
          }
        : null,
      today: this.clock.today(),
    }
  }

  /** The shipped bank holidays for this year and next, and every added day. */
  async nonWorkingDays(actor: Actor) {
    authorise(actor, 'calendar.edit')
    const year = Number(this.clock.today().slice(0, 4))
    const shipped = ENGLAND_AND_WALES_BANK_HOLIDAYS.filter(d => {
      const y = Number(d.slice(0, 4))
      return y === year || y === year + 1
    })
    return { shipped, added: await this.calendars.added(), years: [year, year + 1] }
  }

  async addNonWorkingDay(actor: Actor, input: unknown) {
    authorise(actor, 'calendar.edit')
    const p = parseOrThrow(addDaySchema, input)
    const calendar: Calendar = await this.calendars.calendar()
    if (ENGLAND_AND_WALES_BANK_HOLIDAYS.includes(p.day) || (await this.calendars.exists(p.day)))
      throw new ValidationError([{ field: 'day', message: `${p.day} is already a non-working day` }])
    // Weekends never count as working days, so adding one would change nothing.
    if (!isWorkingDay(calendar, p.day))
      throw new ValidationError([
        { field: 'day', message: `${p.day} is a ${weekday(p.day)}: weekends are never working days` },
      ])
    await this.db.transaction().execute(async trx => {
      const added = await this.calendars.withDb(trx).add(p.day, p.name, actor.userId, this.clock.now())
      if (!added) throw new ValidationError([{ field: 'day', message: `${p.day} is already a non-working day` }])
      await audit(trx, this.laCode, actor, {
        action: 'casework.calendar.add',
        recordType: 'non_working_day',
        details: { day: p.day },
      })
    })
    return { day: p.day }
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** The form lists the request page offers. */
  private async view(actor: Actor, r: RequestRow) {
    const today = this.clock.today()
    const [advice, exceptions, consultations, child, settings, officers] = await Promise.all([
      this.store.advice(r.id),
      this.store.exceptions(r.id),
      this.store.consultations(r.id),
      this.store.findChild(r.child_id),
      this.store.settings(),
      this.store.officers(),
    ])
    const clocks = timelineOf(r, advice, exceptions, today)
    const counted = exceptions.map(e => ({ kind: e.kind, from: e.from_date }))
    const t = twentyWeekTimeline(r.received_on)
    return {
      request: summary(r),
      child: child!,
      clocks,
      next: nextDeadline(clocks),
      advice: advice.map(a => ({ ...a, label: ADVISOR_LABELS[a.advisor], dueBy: adviceDueBy(a.requested_on) })),
      exceptions: exceptions.map(e => ({ ...e, label: EXCEPTION_LABELS[e.kind] })),
      consultations: consultations.map(consultationView),
      plan: r.plan_id ? withNeedLabels(await this.store.findPlan(r.plan_id)) : null,
      // The 20-week measure's own reading of this case, once the plan is issued.
      twentyWeeks: r.final_issued_on ? timeliness(t.finalPlanBy, r.final_issued_on, counted, 'R5') : null,
      editable: mayCasework(actor, 'casework.edit') && !r.withdrawn_on && !r.final_issued_on,
      mayEdit: mayCasework(actor, 'casework.edit'),
      settings,
      officers,
      needCodes: PLAN_NEED_CODES.map(code => ({ code, label: NEED_LABELS[code] })),
      exceptionKinds: EXCEPTION_KINDS.map(kind => ({ kind, label: EXCEPTION_LABELS[kind] })),
      advisorLabels: ADVISOR_LABELS,
      letters: lettersOf(r),
      // Outside the shipped years only weekends and added days are known: say so rather than guess.
      calendarUnknown: !isCoveredByShippedList(r.received_on),
      today,
    }
  }

  /** A request-level change: authorise, load, parse, check, then write it if nobody changed the request since. */
  private async change<S extends z.ZodType>(
    actor: Actor,
    requestId: string,
    schema: S,
    input: unknown,
    action: string,
    check: (
      r: RequestRow,
      p: z.infer<S>,
      today: string,
    ) => {
      errors: FieldError[]
      change: Parameters<RequestStore['updateRequest']>[2]
      details: Record<string, unknown>
    },
  ) {
    authorise(actor, 'casework.edit')
    const r = await this.requestOrNotFound(actor, action, requestId)
    const p = parseOrThrow(schema, input) as z.infer<S> & { version: number }
    const { errors, change, details } = check(r, p, this.clock.today())
    if (!action.endsWith('.withdraw')) this.checkOpen(r, errors[0]?.field ?? 'form', errors)
    else if (r.withdrawn_on)
      errors.push({ field: 'withdrawnOn', message: `The request was withdrawn on ${r.withdrawn_on}` })
    if (errors.length) throw new ValidationError(errors)
    if (r.version !== p.version) throw new ConflictError(STALE, { version: r.version })
    return this.db.transaction().execute(async trx => {
      const next = await this.store.withDb(trx).updateRequest(r.id, p.version, change, this.clock.now())
      if (next === null) throw new ConflictError(STALE)
      // Which step and its date-free facts: the dates themselves are on the record.
      await audit(trx, this.laCode, actor, {
        action,
        recordType: 'ehc_request',
        recordId: r.id,
        details: { ...details, version: next },
      })
      return { version: next }
    })
  }

  /** Adds something under the request: the request moves to a new version so a stale page cannot save over it. */
  private async write(
    actor: Actor,
    r: RequestRow,
    version: number,
    errors: FieldError[],
    act: (
      store: RequestStore,
      now: Date,
    ) => Promise<{ action: string; recordType: string; recordId: string; details: Record<string, unknown> }>,
  ) {
    if (errors.length) throw new ValidationError(errors)
    if (r.version !== version) throw new ConflictError(STALE, { version: r.version })
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      const now = this.clock.now()
      const next = await store.touchRequest(r.id, version, now)
      if (next === null) throw new ConflictError(STALE)
      const entry = await act(store, now)
      await audit(trx, this.laCode, actor, entry)
      return { version: next }
    })
  }

  /** A withdrawn request, or one with its final plan, takes no more steps. */
  private checkOpen(r: RequestRow, field: string, errors: FieldError[]) {
    if (r.withdrawn_on)
      errors.push({ field, message: `The request was withdrawn on ${r.withdrawn_on}: it takes no more steps` })
    else if (r.final_issued_on && !errors.some(e => e.message.includes('final plan was issued')))
      errors.push({ field, message: `The final plan was issued on ${r.final_issued_on}: the request is closed` })
  }

  private async childOrNotFound(actor: Actor, childId: string) {
    const child = idSchema.safeParse(childId).success ? await this.store.findChild(childId) : undefined
    if (!child) {
      await this.recordDenied(actor, 'casework.request.create', 'child', childId)
      throw new NotFoundError()
    }
    return child
  }

  private async requestOrNotFound(actor: Actor, action: string, requestId: string): Promise<RequestRow> {
    const r = idSchema.safeParse(requestId).success ? await this.store.findRequest(requestId) : undefined
    if (!r) {
      await this.recordDenied(actor, action, 'ehc_request', requestId)
      throw new NotFoundError()
    }
    return r
  }

  private async recordDenied(actor: Actor, action: string, recordType: string, recordId: string) {
    // Only a well-formed id is kept: anything else typed into the URL could be a name.
    await audit(this.db, this.laCode, actor, {
      action,
      recordType,
      recordId: idSchema.safeParse(recordId).success ? recordId : undefined,
      outcome: 'denied',
    })
  }
}

function notBefore(field: string, value: string, earliest: string, what: string, after: string): FieldError[] {
  return value < earliest
    ? [{ field, message: `The date of ${what} must be on or after the date ${after}, ${earliest}` }]
    : []
}

function notFuture(field: string, value: string, today: string, what: string): FieldError[] {
  return value > today ? [{ field, message: `${what} cannot be in the future` }] : []
}

function withNeedLabels(plan: PlanRow | undefined) {
  if (!plan) return null
  return { ...plan, needs: plan.needs.map(n => ({ ...n, label: NEED_LABELS[n.need_code as NeedCode] ?? n.need_code })) }
}

function consultationView(c: ConsultationRow) {
  return {
    ...c,
    responseText:
      c.response === 'can_meet' ? 'Can meet the needs' : c.response === 'cannot_meet' ? 'Cannot meet the needs' : null,
  }
}

function lettersOf(r: RequestRow): { kind: LetterKind; text: string }[] {
  const letters: { kind: LetterKind; text: string }[] = []
  if (r.decision === 'not_assess') letters.push({ kind: 'not-to-assess', text: 'Decision not to assess letter' })
  if (r.outcome === 'no_plan') letters.push({ kind: 'no-plan', text: 'Decision not to issue a plan letter' })
  if (r.final_issued_on) letters.push({ kind: 'final-plan', text: 'Final plan issued letter' })
  return letters
}

function summary(r: RequestRow) {
  return {
    id: r.id,
    childId: r.child_id,
    officerId: r.officer_id,
    officerName: r.officer_name,
    source: r.source,
    sourceLabel: SOURCE_LABELS[r.source],
    receivedVia: r.received_via,
    viaLabel: VIA_LABELS[r.received_via],
    arrivedOn: r.arrived_on,
    arrivedTime: r.arrived_time,
    receivedOn: r.received_on,
    receivedExplanation: receivedExplanation(r),
    decision: r.decision,
    decisionOn: r.decision_on,
    outcome: r.outcome,
    outcomeOn: r.outcome_on,
    draftSentOn: r.draft_sent_on,
    commentsReceivedOn: r.comments_received_on,
    preferredSettingId: r.preferred_setting_id,
    preferredSettingName: r.preferred_setting_name,
    finalIssuedOn: r.final_issued_on,
    planId: r.plan_id,
    withdrawnOn: r.withdrawn_on,
    withdrawnReason: r.withdrawn_reason,
    stage: stageOf(r),
    version: r.version,
  }
}

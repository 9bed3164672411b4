import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, ValidationError, type FieldError } from '../platform/errors.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { CalendarStore } from './calendar-store.ts'
import { QueueStore, type InForcePlanRow, type OpenRequestRow } from './queue-store.ts'
import type { Calendar } from './rules/bank-holidays.ts'
import {
  COMPLAINT_STAGE_NAMES,
  complianceSteps,
  recordedMediationClocks,
  type ComplaintStage,
} from './rules/disputes.ts'
import {
  amendmentItem,
  compareItems,
  countItems,
  endOfIsoWeek,
  lastDecisionOn,
  namingAmendment,
  nextTransferYear,
  phaseTransferItem,
  QUEUE_RULES,
  QUEUE_RULE_TITLES,
  QUEUE_STATUS_TAGS,
  QUEUE_STATUSES,
  requestItems,
  reviewItems,
  stepItem,
  transferOf,
  unopenedReviewItem,
  type ItemContext,
  type QueueItem,
  type QueueRule,
  type QueueStatus,
} from './rules/queue.ts'

// The casework home: every step not yet done across requests, reviews, amendments, phase transfers,
// disagreements and complaints, as one queue, with each officer's caseload against their capacity.

const ALLOWED = {
  'casework.read': ['la_admin', 'send_manager', 'case_officer'],
  'capacity.edit': ['la_admin', 'send_manager'],
} as const satisfies Record<string, readonly Role[]>
export type QueuePermission = keyof typeof ALLOWED
export const QUEUE_READERS: readonly Role[] = ALLOWED['casework.read']
export const CAPACITY_EDITORS: readonly Role[] = ALLOWED['capacity.edit']

export function mayQueue(actor: Actor, permission: QueuePermission): boolean {
  return (ALLOWED[permission] as readonly Role[]).includes(actor.role)
}

function authorise(actor: Actor, permission: QueuePermission): void {
  if (!mayQueue(actor, permission)) throw new ForbiddenError()
}

/** The officer filter's value for items nobody is assigned to. */
export const UNASSIGNED = 'unassigned'

const blank = (v: unknown) => (v === undefined || v === '' ? undefined : v)

const querySchema = z.object({
  officer: z.preprocess(
    blank,
    z
      .union([z.literal('all'), z.literal(UNASSIGNED), z.uuid()], { error: 'Choose an officer from the list' })
      .optional(),
  ),
  status: z.preprocess(
    blank,
    z.enum([...QUEUE_STATUSES, 'action', 'any'], { error: 'Choose a status from the list' }).optional(),
  ),
  rule: z.preprocess(
    blank,
    z.enum(QUEUE_RULES as [QueueRule, ...QueueRule[]], { error: 'Choose a rule from the list' }).optional(),
  ),
})

export type QueueQuery = { officer: string; status: string; rule: string }

/** Steps listed at most: the counts cover everything, the list what can be acted on. */
export const QUEUE_LIST_LIMIT = 200

const capacitySchema = z.object({
  userId: z.uuid({ error: 'Choose an officer from the list' }),
  capacity: z.preprocess(
    v => (typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .regex(/^\d+$/, 'Enter the capacity as a whole number of cases, like 40')
      .transform(Number)
      .pipe(z.number().max(1000, 'Enter a capacity of at most 1,000 cases')),
  ),
  // Blank or 0: no capacity had been set when the page was read.
  version: z.preprocess(
    blank,
    z.coerce.number({ error: 'The version you read is missing: reload the page' }).int().min(0).optional(),
  ),
})

const STALE =
  'Someone else changed this capacity after you opened the page. Nothing you sent was saved: check the latest below and try again.'

/** Each kind of record that puts steps in the queue: one loader each, each a fixed number of queries. */
type ItemSource = (store: QueueStore, today: string, calendar: Calendar) => Promise<QueueItem[]>

const nameOf = (r: { first_name: string | null; last_name: string | null }) =>
  r.first_name ? `${r.first_name} ${r.last_name ?? ''}`.trim() : ''

const requestSource: ItemSource = async (store, today) => {
  const [requests, advice, exceptions] = await Promise.all([
    store.openRequests(),
    store.openAdvice(),
    store.openExceptions(),
  ])
  const adviceOf = groupBy(advice, a => a.request_id)
  const exceptionsOf = groupBy(exceptions, e => e.request_id)
  return requests.flatMap(r =>
    requestItems(context(r), r.id, r, adviceOf.get(r.id) ?? [], exceptionsOf.get(r.id) ?? [], today),
  )
}

const planSource: ItemSource = async (store, today) => {
  const [plans, reviews, amendments] = await Promise.all([
    store.plansInForce(today),
    store.reviewsOfPlansInForce(today),
    store.amendmentsOfPlansInForce(today),
  ])
  const reviewsOf = groupBy(reviews, r => r.plan_id)
  const amendmentsOf = groupBy(amendments, a => a.plan_id)
  const transferYear = nextTransferYear(today)
  const items: (QueueItem | null)[] = []
  for (const plan of plans) {
    const ctx = context(plan)
    const own = reviewsOf.get(plan.id) ?? []
    const ownAmendments = amendmentsOf.get(plan.id) ?? []
    const open = own.filter(r => r.decision === null)
    for (const review of open) items.push(...reviewItems(ctx, review.id, review, today))
    if (!open.some(r => r.kind === 'annual'))
      items.push(unopenedReviewItem(ctx, plan.id, lastDecisionOn(own) ?? plan.issued_on, today))
    for (const a of ownAmendments.filter(x => x.final_issued_on === null)) {
      const meetingOn = own.find(r => r.id === a.review_id)?.meeting_on ?? null
      items.push(amendmentItem(ctx, a.id, a, meetingOn, today))
    }
    const transfer = transferOf(plan.date_of_birth, plan.named_setting_phase, transferYear)
    if (transfer) {
      const review = own.find(r => r.kind === 'phase_transfer' && r.due_on === transfer.deadline) ?? null
      const named = review ? namingAmendment(ownAmendments, review.id) : null
      items.push(phaseTransferItem(ctx, plan.id, transfer, review, named?.final_issued_on ?? null, today))
    }
  }
  return items.filter((i): i is QueueItem => i !== null)
}

const mediationSource: ItemSource = async (store, today, calendar) => {
  const items: (QueueItem | null)[] = []
  for (const m of await store.openMediations()) {
    const clocks = recordedMediationClocks(calendar, {
      decisionOn: m.decision_on,
      adviserContactedOn: m.adviser_contacted_on,
      familyChoice: m.family_choice,
      mediationHeldOn: m.mediation_held_on,
    })
    const step = (key: string, what: string, due: string) => ({
      key: `mediation:${m.id}:${key}`,
      kind: 'mediation' as const,
      rule: 'R13' as const,
      what,
      due,
      href: `/casework/mediation/${m.id}`,
    })
    // The step before each is the family's choice, recorded with the case: neither is ever "at risk".
    if (clocks.mediationHeldBy)
      items.push(
        stepItem(
          context(m),
          step('held', 'Hold the mediation', clocks.mediationHeldBy),
          m.mediation_held_on,
          true,
          today,
        ),
      )
    if (clocks.certificateBy)
      items.push(
        stepItem(
          context(m),
          step('certificate', 'Get the mediation certificate issued', clocks.certificateBy),
          m.certificate_issued_on,
          true,
          today,
        ),
      )
  }
  return items.filter((i): i is QueueItem => i !== null)
}

const appealSource: ItemSource = async (store, today) => {
  const items: (QueueItem | null)[] = []
  for (const a of await store.appealsToComplyWith()) {
    const from = a.outcome === 'conceded' ? a.conceded_on : a.outcome_on
    if (!a.order_kind || !from) continue
    const steps = complianceSteps(a.order_kind, from)
    // Only the whole compliance is recorded: the next step still in time, else the last (overdue).
    const next = steps.find(s => s.deadline >= today) ?? steps.at(-1)!
    items.push(
      stepItem(
        context(a),
        {
          key: `appeal:${a.id}:compliance`,
          kind: 'appeal',
          rule: a.outcome === 'conceded' ? 'R16' : 'R15',
          what: next.what,
          due: next.deadline,
          href: `/casework/appeals/${a.id}`,
        },
        a.compliance_done_on,
        false,
        today,
      ),
    )
  }
  return items.filter((i): i is QueueItem => i !== null)
}

const complaintSource: ItemSource = async (store, today) =>
  (await store.openComplaints())
    .map(c =>
      stepItem(
        { childId: c.child_id, childName: nameOf(c), officerId: null },
        {
          key: `complaint:${c.id}`,
          kind: 'complaint',
          rule: 'Complaint',
          what: `Respond to the complaint (${COMPLAINT_STAGE_NAMES[c.stage as ComplaintStage] ?? `stage ${c.stage}`})`,
          due: c.response_due_on,
          href: `/casework/complaints/${c.id}`,
        },
        null,
        false,
        today,
      ),
    )
    .filter((i): i is QueueItem => i !== null)

/** Add a kind of record to the queue here. */
export const ITEM_SOURCES: readonly ItemSource[] = [
  requestSource,
  planSource,
  mediationSource,
  appealSource,
  complaintSource,
]

function context(r: {
  child_id: string
  officer_id: string | null
  first_name: string | null
  last_name: string | null
}): ItemContext {
  return { childId: r.child_id, childName: nameOf(r), officerId: r.officer_id }
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const row of rows) {
    const list = map.get(key(row))
    if (list) list.push(row)
    else map.set(key(row), [row])
  }
  return map
}

export type Caseload = {
  officerId: string | null
  name: string
  requests: number
  plans: number
  total: number
  capacity: number | null
  capacityVersion: number | null
  over: boolean
}

/**
 * Caseload: open requests by their officer, plus plans in force held by the officer of the request
 * that produced them (a plan recorded without a request is unassigned). Over capacity: more cases
 * than the capacity set; an officer with no capacity set is never over.
 */
export function caseloads(
  officers: readonly { id: string; display_name: string; capacity: number | null; capacity_version: number | null }[],
  requests: readonly Pick<OpenRequestRow, 'officer_id'>[],
  plans: readonly Pick<InForcePlanRow, 'officer_id'>[],
): Caseload[] {
  const count = (rows: readonly { officer_id: string | null }[], id: string | null) =>
    rows.filter(r => r.officer_id === id).length
  const known = new Set(officers.map(o => o.id))
  const rows: Caseload[] = officers.map(o => {
    const total = count(requests, o.id) + count(plans, o.id)
    return {
      officerId: o.id,
      name: o.display_name,
      requests: count(requests, o.id),
      plans: count(plans, o.id),
      total,
      capacity: o.capacity,
      capacityVersion: o.capacity_version,
      over: o.capacity !== null && total > o.capacity,
    }
  })
  // Cases whose officer has left (or was never set) are shown together so none goes missing.
  const orphanRequests = requests.filter(r => r.officer_id === null || !known.has(r.officer_id)).length
  const orphanPlans = plans.filter(p => p.officer_id === null || !known.has(p.officer_id)).length
  if (orphanRequests + orphanPlans > 0)
    rows.push({
      officerId: null,
      name: 'Not assigned',
      requests: orphanRequests,
      plans: orphanPlans,
      total: orphanRequests + orphanPlans,
      capacity: null,
      capacityVersion: null,
      over: false,
    })
  return rows
}

export class QueueService {
  private readonly store: QueueStore
  private readonly calendars: CalendarStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new QueueStore(db, laCode)
    this.calendars = new CalendarStore(db)
  }

  /** Every open step, soonest first. */
  async items(today: string): Promise<QueueItem[]> {
    const calendar = await this.calendars.calendar()
    const lists = await Promise.all(ITEM_SOURCES.map(source => source(this.store, today, calendar)))
    return lists.flat().sort(compareItems)
  }

  /**
   * The queue for an officer (a case officer's own by default: "My work") or the team (a manager's
   * default), filtered by status and rule, with counts and caseloads. Audited with counts only.
   */
  async queue(actor: Actor, query: unknown) {
    authorise(actor, 'casework.read')
    const raw = (typeof query === 'object' && query ? query : {}) as Record<string, unknown>
    const parsed = querySchema.safeParse({ officer: raw.officer, status: raw.status, rule: raw.rule })
    const officers = await this.store.officers()
    const errors: FieldError[] = parsed.success
      ? []
      : parsed.error.issues.map(i => ({ field: String(i.path[0] ?? 'officer'), message: i.message }))
    const p = parsed.success ? parsed.data : {}
    if (p.officer && p.officer !== 'all' && p.officer !== UNASSIGNED && !officers.some(o => o.id === p.officer))
      errors.push({ field: 'officer', message: 'Choose an officer from the list' })
    if (errors.length) throw new ValidationError(errors)
    const officer = p.officer ?? (actor.role === 'case_officer' ? actor.userId : 'all')
    const today = this.clock.today()
    const [all, requests, plans] = await Promise.all([
      this.items(today),
      this.store.openRequests(),
      this.store.plansInForce(today),
    ])
    const mine = all.filter(i =>
      officer === 'all' ? true : officer === UNASSIGNED ? i.officerId === null : i.officerId === officer,
    )
    // By default only what needs action (overdue, this week, at risk): the "later" steps of every plan
    // would bury them. 'any' shows every status.
    const status = p.status ?? 'action'
    const shown = mine.filter(
      i =>
        (status === 'any' || (status === 'action' ? i.status !== 'later' : i.status === status)) &&
        (!p.rule || i.rule === p.rule),
    )
    await audit(this.db, this.laCode, actor, {
      action: 'casework.queue.list',
      details: {
        officer: officer === actor.userId ? 'self' : officer,
        status,
        rule: p.rule ?? null,
        count: shown.length,
      },
    })
    return {
      today,
      weekEnds: endOfIsoWeek(today),
      query: { officer, status, rule: p.rule ?? '' } satisfies QueueQuery,
      mine: officer === actor.userId,
      officerName: officers.find(o => o.id === officer)?.display_name ?? null,
      officers,
      counts: countItems(mine),
      items: shown
        .slice(0, QUEUE_LIST_LIMIT)
        .map(i => ({ ...i, tag: QUEUE_STATUS_TAGS[i.status], ruleTitle: QUEUE_RULE_TITLES[i.rule] })),
      total: shown.length,
      caseloads: caseloads(officers, requests, plans),
      statuses: QUEUE_STATUSES.map(s => ({ value: s, text: QUEUE_STATUS_TAGS[s].text })),
      rules: QUEUE_RULES.map(r => ({
        value: r,
        text: r === 'Complaint' ? 'Complaints' : `${r}: ${QUEUE_RULE_TITLES[r]}`,
      })),
      mayEditCapacity: mayQueue(actor, 'capacity.edit'),
    }
  }

  /** Each officer's caseload and capacity, for the capacity page. */
  async capacity(actor: Actor) {
    authorise(actor, 'capacity.edit')
    const today = this.clock.today()
    const [officers, requests, plans] = await Promise.all([
      this.store.officers(),
      this.store.openRequests(),
      this.store.plansInForce(today),
    ])
    return { caseloads: caseloads(officers, requests, plans).filter(c => c.officerId !== null) }
  }

  async setCapacity(actor: Actor, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'capacity.edit')
    const parsed = capacitySchema.safeParse(input)
    const body = (typeof input === 'object' && input ? input : {}) as Record<string, unknown>
    const userId = typeof body.userId === 'string' ? body.userId : ''
    // Each officer's row is its own form: the error points at that row's field.
    const field = (name: string) => (name === 'capacity' ? `capacity-${userId}` : name)
    if (!parsed.success)
      throw new ValidationError(parsed.error.issues.map(i => ({ field: field(String(i.path[0])), message: i.message })))
    const p = parsed.data
    const officer = (await this.store.officers()).find(o => o.id === p.userId)
    if (!officer) throw new ValidationError([{ field: 'userId', message: 'Choose an officer from the list' }])
    const readVersion = p.version ? p.version : null
    if ((officer.capacity_version ?? null) !== readVersion) throw new ConflictError(STALE)
    return this.db.transaction().execute(async trx => {
      const version = await this.store.withDb(trx).setCapacity(p.userId, p.capacity, readVersion, this.clock.now())
      if (version === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'casework.capacity.set',
        recordType: 'officer_capacity',
        recordId: p.userId,
        details: { capacity: p.capacity, version },
      })
      return { version }
    })
  }
}

export type QueueView = Awaited<ReturnType<QueueService['queue']>>
export type { QueueStatus }

import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import type { Cell } from '../platform/http/downloads.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { APPEAL_REASON_LABELS } from './dispute-service.ts'
import { DisputeStore } from './dispute-store.ts'
import { mayQueue } from './queue-service.ts'
import { QueueStore } from './queue-store.ts'
import { SOURCE_LABELS } from './request-service.ts'
import { finalPlanBy } from './rules/clocks.ts'
import {
  APPEAL_REASONS,
  COMPLAINT_STAGE_NAMES,
  complaintsByStageAndYear,
  complimentsByYear,
  tribunalsByReasonAndYear,
  yearsOf,
  type ComplaintStage,
} from './rules/disputes.ts'
import { timeliness } from './rules/exceptions.ts'
import {
  annualReviewsOutstanding,
  CEASE_REASON_CODES,
  CEASE_REASONS,
  plansCeasedByReason,
  twentyWeekMeasure,
  type CeaseReason,
  type NewPlan,
  twentyWeekMonthTable,
} from './rules/measures.ts'
import { lastDecisionOn } from './rules/queue.ts'
import type { RequestSource } from './tables.ts'

// The published measures (statutory.md "The published measures"), computed from the records with the
// pure rules in rules/measures.ts and rules/disputes.ts. Counts only: no child is named, so the read
// is audited with the year asked for.

const yearSchema = z.preprocess(
  v => (v === undefined || v === '' ? undefined : v),
  z.coerce
    .number({ error: 'Enter a year, like 2025' })
    .int('Enter a year, like 2025')
    .min(2000, 'Enter a year from 2000 to 2100')
    .max(2100, 'Enter a year from 2000 to 2100')
    .optional(),
)

export const MEASURE_TABLES = [
  'twenty-weeks',
  'reviews-outstanding',
  'ceased',
  'sources',
  'tribunals',
  'complaints',
  'compliments',
] as const
export type MeasureTable = (typeof MEASURE_TABLES)[number]

export type Table = { title: string; header: string[]; rows: Cell[][] }

export class MeasuresService {
  private readonly queue: QueueStore
  private readonly disputes: DisputeStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.queue = new QueueStore(db, laCode)
    this.disputes = new DisputeStore(db, laCode)
  }

  /** Every measure for the calendar year, as tables the page shows and the downloads send. */
  async measures(actor: Actor, query: unknown, action = 'casework.measures.read') {
    if (!mayQueue(actor, 'casework.read')) throw new ForbiddenError()
    const raw = (typeof query === 'object' && query ? query : {}) as Record<string, unknown>
    const parsed = yearSchema.safeParse(raw.year)
    if (!parsed.success) throw new ValidationError([{ field: 'year', message: parsed.error.issues[0]!.message }])
    const today = this.clock.today()
    const year = parsed.data ?? Number(today.slice(0, 4))
    const from = `${year}-01-01`
    const to = `${year}-12-31`

    const [newPlans, plans, reviews, ceased, sources, appeals, complaints, compliments] = await Promise.all([
      this.newPlans(from, to),
      this.queue.plansInForce(today),
      this.queue.reviewsOfPlansInForce(today),
      this.db
        .selectFrom('ehc_plan')
        .select(['ceased_on', 'cease_reason'])
        .where('la_code', '=', this.laCode)
        .where('ceased_on', '>=', from)
        .where('ceased_on', '<=', to)
        .execute(),
      this.db
        .selectFrom('ehc_request')
        .select(['source', sql<number>`count(*)::int`.as('n')])
        .where('la_code', '=', this.laCode)
        .where('received_on', '>=', from)
        .where('received_on', '<=', to)
        .groupBy('source')
        .execute(),
      this.disputes.appealYears(),
      this.disputes.complaints(),
      this.disputes.compliments(),
    ])

    const twenty = twentyWeekMeasure(newPlans, year)
    const reviewsOf = new Map<string, typeof reviews>()
    for (const r of reviews) reviewsOf.set(r.plan_id, [...(reviewsOf.get(r.plan_id) ?? []), r])
    const outstanding = annualReviewsOutstanding(
      plans.map(p => {
        const own = reviewsOf.get(p.id) ?? []
        const open = own
          .filter(r => r.decision === null && r.kind === 'annual')
          .sort((a, b) => a.due_on.localeCompare(b.due_on))[0]
        return {
          planId: p.id,
          issuedOrLastReviewedOn: lastDecisionOn(own) ?? p.issued_on,
          meetingHeldOn: open?.meeting_on ?? null,
          decisionOn: null,
        }
      }),
      today,
    )
    const byReason = plansCeasedByReason(
      ceased.map(c => ({ ceaseDate: c.ceased_on, ceaseReason: c.cease_reason as CeaseReason | null })),
      from,
      to,
    )
    const sourceCount = new Map(sources.map(s => [s.source, Number(s.n)]))
    const tribunals = tribunalsByReasonAndYear(
      appeals
        .filter(a => a.registered_on.startsWith(`${year}-`))
        .map(a => ({ registered_on: a.registered_on, reasons: a.appeal_reasons })),
    )
    const complaintYears = yearsOf([...complaints.map(c => c.received_on), ...compliments.map(c => c.received_on)])
    const byStage = complaintsByStageAndYear(complaints)
    const complimentCounts = complimentsByYear(compliments)

    const tables: Record<MeasureTable, Table> = {
      'twenty-weeks': {
        title: `New EHC plans issued within 20 weeks, ${year}`,
        ...twentyWeekMonthTable(twenty),
      },
      'reviews-outstanding': {
        title: `Annual reviews outstanding on ${today}`,
        header: ['Missing', 'Plans'],
        rows: [
          ['Review meeting not held', outstanding.filter(o => o.missing === 'meeting').length],
          ['Meeting held, decision not sent', outstanding.filter(o => o.missing === 'decision').length],
          ['Total', outstanding.length],
        ],
      },
      ceased: {
        title: `EHC plans ceased in ${year}, by reason`,
        header: ['SEN2 code', 'Reason', 'Plans'],
        rows: [
          ...CEASE_REASON_CODES.map(code => [code, CEASE_REASONS[code], byReason.byReason[code]]),
          [null, 'Total', byReason.total],
        ],
      },
      sources: {
        title: `Requests for an EHC needs assessment received in ${year}, by who asked`,
        header: ['Who asked', 'Early years', 'Requests'],
        rows: [
          ...(Object.keys(SOURCE_LABELS) as RequestSource[]).map(s => [
            SOURCE_LABELS[s],
            s === 'early_years' ? 'Yes' : 'No',
            sourceCount.get(s) ?? 0,
          ]),
          ['Total', null, [...sourceCount.values()].reduce((a, b) => a + b, 0)],
        ],
      },
      tribunals: {
        title: `Tribunal appeals registered in ${year}, by reason`,
        header: ['Reason', 'Appeals'],
        rows: [
          ...APPEAL_REASONS.map(r => [APPEAL_REASON_LABELS[r], tribunals.byReason.get(r)?.get(year) ?? 0]),
          ['Appeals (each counted once)', tribunals.appeals.get(year) ?? 0],
        ],
      },
      complaints: {
        title: 'Complaints received, by stage and year',
        header: ['Stage', ...complaintYears.map(String)],
        rows: ([1, 2, 3] as ComplaintStage[]).map(stage => [
          COMPLAINT_STAGE_NAMES[stage],
          ...complaintYears.map(y => byStage.get(stage)?.get(y) ?? 0),
        ]),
      },
      compliments: {
        title: 'Compliments received, by year',
        header: ['Year', 'Compliments'],
        rows: complaintYears.map(y => [String(y), complimentCounts.get(y) ?? 0]),
      },
    }
    await audit(this.db, this.laCode, actor, { action, details: { year } })
    return { year, today, twenty, outstanding: outstanding.length, tables }
  }

  /** One measure's table, for a download; audited as a download with the year and the table. */
  async table(actor: Actor, query: unknown): Promise<{ year: number; name: MeasureTable; table: Table }> {
    const raw = (typeof query === 'object' && query ? query : {}) as Record<string, unknown>
    const name = MEASURE_TABLES.find(t => t === raw.table)
    if (!mayQueue(actor, 'casework.read')) throw new ForbiddenError()
    if (!name) throw new ValidationError([{ field: 'table', message: 'Choose a table to download' }])
    const { year, tables } = await this.measures(actor, query, 'casework.measures.download')
    return { year, name, table: tables[name] }
  }

  /**
   * New plans issued in the period, from the requests that produced them, each flagged when an
   * exception applying to R5 had begun by the issue date (timeliness(): SEN2 Week20 = 1).
   */
  private async newPlans(from: string, to: string): Promise<NewPlan[]> {
    const inYear = this.db
      .selectFrom('ehc_request as r')
      .where('r.la_code', '=', this.laCode)
      .where('r.final_issued_on', '>=', from)
      .where('r.final_issued_on', '<=', to)
    const [requests, exceptions] = await Promise.all([
      inYear.select(['r.id', 'r.received_on', 'r.final_issued_on']).execute(),
      this.db
        .selectFrom('casework_exception as e')
        .select(['e.request_id', 'e.kind', 'e.from_date'])
        .where('e.la_code', '=', this.laCode)
        .where('e.request_id', 'in', inYear.select('r.id'))
        .execute(),
    ])
    return requests.map(r => {
      const own = exceptions.filter(e => e.request_id === r.id).map(e => ({ kind: e.kind, from: e.from_date }))
      const issuedOn = r.final_issued_on!
      return {
        requestReceivedOn: r.received_on,
        issuedOn,
        hasException: timeliness(finalPlanBy(r.received_on), issuedOn, own, 'R5').withException,
      }
    })
  }
}

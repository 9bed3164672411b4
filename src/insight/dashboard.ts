import { sql, type Kysely } from 'kysely'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import type { Cell } from '../platform/http/downloads.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { APPEAL_REASON_LABELS } from '../casework/dispute-service.ts'
import { DisputeStore } from '../casework/dispute-store.ts'
import { SOURCE_LABELS } from '../casework/request-service.ts'
import { finalPlanBy } from '../casework/rules/clocks.ts'
import { APPEAL_REASONS, COMPLAINT_STAGE_NAMES, tribunalsByReasonAndYear } from '../casework/rules/disputes.ts'
import { timeliness, type CaseException } from '../casework/rules/exceptions.ts'
import {
  annualReviewsOutstanding,
  twentyWeekMeasure,
  type NewPlan,
  type Percentage,
  twentyWeekMonthTable,
} from '../casework/rules/measures.ts'
import { lastDecisionOn } from '../casework/rules/queue.ts'
import type { RequestSource } from '../casework/tables.ts'
import type { FundingRun } from '../funding/rules/run.ts'
import { FundingRunService } from '../funding/runs.ts'
import { NEED_LABELS, type NeedCode } from '../people/rules/needs.ts'
import { CaseloadStore, filterSql, planJoins } from './caseload.ts'
import { barChart, type BarChart } from './charts.ts'
import { parseFilters, PLAN_NEEDS, queryString, type Filters } from './dashboard-filters.ts'
import {
  AGE_BANDS,
  ageBandCounts,
  censusDate,
  growth,
  januarySeries,
  ncYearText,
  NO_LOCALITY,
  SETTING_TYPE_LABELS,
  type CaseloadDimension,
  type CaseloadFilter,
} from './rules/caseload.ts'

// The Insight dashboards: aggregates of the SEND dataset, never a child's name, so a read is audited
// with the page and its filters only. Every count is a GROUP BY in the database (src/insight/caseload.ts
// for the caseload); where a published measure has a rule in src/casework/rules (20 weeks, reviews
// outstanding, tribunals by reason), the rows it needs are read in one query and the rule counts them.

export const INSIGHT_ROLES: readonly Role[] = ['la_admin', 'send_manager', 'finance_officer', 'case_officer']
/** Money is for the roles that may see a funding run (src/funding/runs.ts). */
export const MONEY_ROLES: readonly Role[] = ['la_admin', 'send_manager', 'finance_officer']

export const PAGES = ['overview', 'caseload', 'timeliness', 'casework', 'money'] as const
export type Page = (typeof PAGES)[number]

export type DashTable = {
  name: string
  caption: string
  header: string[]
  rows: Cell[][]
  /** Rows that are totals, shown in bold (indexes into rows). */
  totalRows?: number[]
  chart?: BarChart
  note?: string
}

/**
 * The tables a funding run reads (src/funding/run-store.ts), each with the rows it can read: a draft
 * matrix saved or a panel decision not yet issued changes no run, so it does not empty the cache.
 * An award or decision entering or leaving those rows changes the count; any edit of one, its xmin.
 */
const FUNDING_TABLES = [
  ['award', sql`status = 'agreed'`],
  ['legacy_funding', sql`true`],
  ['panel_decision', sql`issued_at is not null`],
  ['special_school_band', sql`true`],
  ['matrix_version', sql`true`],
  ['setting', sql`true`],
  ['locality', sql`true`],
] as const

type RunSummary = Pick<FundingRun, 'byLevel' | 'byLocality' | 'bySchool' | 'pupils' | 'totalPence'>

const pct = (p: Percentage): Cell => p.percent
const pounds = (pence: number) => pence / 100
const needLabel = (code: string) => (code === 'none' ? 'None recorded' : (NEED_LABELS[code as NeedCode] ?? code))
const years = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

export class DashboardService {
  readonly caseload: CaseloadStore
  private readonly disputes: DisputeStore
  private readonly funding: FundingRunService
  private readonly moneyCache = new Map<string, { fingerprint: string; run: Promise<RunSummary> }>()

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.caseload = new CaseloadStore(db, laCode)
    this.disputes = new DisputeStore(db, laCode)
    this.funding = new FundingRunService(db, laCode, clock)
  }

  mayRead(actor: Actor, page: Page = 'overview'): boolean {
    return (page === 'money' ? MONEY_ROLES : INSIGHT_ROLES).includes(actor.role)
  }

  async localities(): Promise<{ code: string; name: string }[]> {
    return this.db
      .selectFrom('locality')
      .select(['code', 'name'])
      .where('la_code', '=', this.laCode)
      .orderBy('name')
      .execute()
  }

  /** The filters a query names, checked against this authority's localities. */
  async filters(input: unknown, localities?: { code: string }[]): Promise<Filters> {
    localities ??= await this.localities()
    return parseFilters(
      input,
      this.clock.today(),
      localities.map(l => l.code),
    )
  }

  /** One dashboard page's tables, audited as a read with the filters (no personal data). */
  async page(actor: Actor, page: Page, input: unknown, action = 'insight.dashboard.read') {
    if (!this.mayRead(actor, page)) throw new ForbiddenError()
    const localities = await this.localities()
    const filters = await this.filters(input, localities)
    const localityName = new Map(localities.map(l => [l.code, l.name]))
    const tables = await this.tablesFor(actor, page, filters, localityName)
    await audit(this.db, this.laCode, actor, { action, details: { page, filters: filters.query } })
    return { page, filters, tables, localities, qs: queryString(filters) }
  }

  /** One table of a page, for a download; audited as a download with the table's name and the filters. */
  async table(actor: Actor, page: Page, input: unknown) {
    if (!this.mayRead(actor, page)) throw new ForbiddenError()
    const raw = (typeof input === 'object' && input ? input : {}) as Record<string, unknown>
    const { tables, filters } = await this.page(actor, page, input, 'insight.dashboard.download')
    const table = tables.find(t => t.name === raw.download)
    if (!table) throw new ValidationError([{ field: 'download', message: 'Choose a table to download' }])
    return { table, filters }
  }

  private async tablesFor(
    actor: Actor,
    page: Page,
    f: Filters,
    localityName: Map<string, string>,
  ): Promise<DashTable[]> {
    switch (page) {
      case 'overview':
        return [await this.januaryTable(f)]
      case 'caseload': {
        const byNc = await this.caseload.countBy(f.date, 'ncYear', f.caseload)
        return Promise.all([
          this.breakdown(f, 'ncYear', localityName, byNc),
          this.breakdown(f, 'ageBand', localityName, ageBandCounts(byNc)),
          this.breakdown(f, 'need', localityName),
          this.breakdown(f, 'locality', localityName),
          this.breakdown(f, 'settingType', localityName),
          this.issuedAndCeased(f),
        ])
      }
      case 'timeliness':
        return this.timelinessTables(f)
      case 'casework':
        return Promise.all([
          this.requestsBySource(f),
          this.reviewsOutstanding(f.date, f.caseload),
          this.tribunals(f.from, f.to, f.date),
          this.complaints(f.from, f.to, f.date),
          this.compliments(f.from, f.to, f.date),
        ])
      case 'money':
        return this.money(actor, f)
      default:
        throw new NotFoundError()
    }
  }

  /** The caseload at each January census date of the years, with the change from the year before. */
  async januaryTable(f: Pick<Filters, 'from' | 'to' | 'date' | 'caseload'>): Promise<DashTable> {
    const series = januarySeries(f.from - 1, f.to, f.date)
    const counts = await this.caseload.series(
      series.map(s => s.date),
      f.caseload,
    )
    const shown = series.filter(s => s.year >= f.from)
    const rows = shown.map(s => {
      const n = counts.get(s.date)!
      const before = counts.get(censusDate(s.year - 1))
      const g = before === undefined ? null : growth(before, n)
      return [String(s.year), s.date, n, g?.change ?? null, g?.percent ?? null] as Cell[]
    })
    const caption = 'EHC plans in force at each January census date'
    return {
      name: 'caseload-january',
      caption,
      header: ['Year', 'Census date', 'Plans', 'Change on the year before', '% change'],
      rows,
      chart: barChart(
        'chart-caseload-january',
        'EHC plans in force each January',
        caption,
        rows.map(r => ({ label: String(r[0]), value: r[2] as number })),
      ),
      note: 'The census date is the third Thursday of January, the SEN2 reference date.',
    }
  }

  /** The caseload on the date broken down one way, with a total row. */
  async breakdown(
    f: Pick<Filters, 'date' | 'caseload'>,
    by: CaseloadDimension,
    localityName: Map<string, string>,
    counted?: { key: string; n: number }[],
  ): Promise<DashTable> {
    const counts = counted ?? (await this.caseload.countBy(f.date, by, f.caseload))
    const n = new Map<string, number>()
    // NC years before nursery (-2 and below) share one row, "Early years", as ncYearLabel names them.
    const keyOf = (key: string) => (by === 'ncYear' ? String(Math.max(-2, Number(key))) : key)
    for (const c of counts) n.set(keyOf(c.key), (n.get(keyOf(c.key)) ?? 0) + c.n)
    let keys: { key: string; label: string }[]
    let heading: string
    let what: string
    switch (by) {
      case 'ncYear': {
        heading = 'NC year'
        what = 'national curriculum year'
        const ncs = [...n.keys()].map(Number).sort((a, b) => a - b)
        keys = ncs.map(k => ({ key: String(k), label: ncYearText(k) }))
        break
      }
      case 'ageBand':
        heading = 'Age group'
        what = 'age group (NC years)'
        keys = AGE_BANDS.map(b => ({ key: b.code, label: b.label }))
        break
      case 'need':
        heading = 'Primary need'
        what = 'primary need'
        keys = PLAN_NEEDS.filter(code => code !== 'none' || n.has('none')).map(code => ({
          key: code,
          label: needLabel(code),
        }))
        break
      case 'locality':
        heading = 'Locality'
        what = 'locality of the setting named'
        keys = [
          ...[...localityName.entries()].map(([code, name]) => ({ key: code, label: name })),
          ...(n.has(NO_LOCALITY) ? [{ key: NO_LOCALITY, label: 'No locality (or no setting named)' }] : []),
        ]
        break
      case 'settingType':
        heading = 'Type of setting named'
        what = 'type of setting named in the plan'
        keys = Object.entries(SETTING_TYPE_LABELS)
          .filter(([k]) => k !== 'none' || n.has('none'))
          .map(([key, label]) => ({ key, label }))
        break
    }
    const total = counts.reduce((s, c) => s + c.n, 0)
    const rows: Cell[][] = keys.map(k => [k.label, n.get(k.key) ?? 0])
    const caption = `EHC plans in force on ${f.date}, by ${what}`
    return {
      name: `by-${by === 'ncYear' ? 'nc-year' : by === 'ageBand' ? 'age-group' : by === 'settingType' ? 'setting-type' : by}`,
      caption,
      header: [heading, 'Plans'],
      rows: [...rows, ['Total', total]],
      totalRows: [rows.length],
      chart: barChart(
        `chart-${by}`,
        `EHC plans in force on ${f.date} by ${what}`,
        caption,
        keys.map(k => ({ label: k.label, value: n.get(k.key) ?? 0 })),
      ),
    }
  }

  /** New plans issued and plans ceased in each calendar year. */
  async issuedAndCeased(f: Pick<Filters, 'from' | 'to' | 'caseload' | 'date'>): Promise<DashTable> {
    const { issued, ceased } = await this.caseload.issuedAndCeasedByYear(f.from, f.to, f.caseload, f.date)
    return {
      name: 'new-and-ceased',
      caption: `EHC plans issued and ceased, by calendar year (to ${f.date})`,
      header: ['Year', 'New plans issued', 'Plans ceased', 'Net change'],
      rows: years(f.from, f.to).map(y => [
        String(y),
        issued.get(y) ?? 0,
        ceased.get(y) ?? 0,
        (issued.get(y) ?? 0) - (ceased.get(y) ?? 0),
      ]),
    }
  }

  /**
   * New plans issued in the years (of requests that reached a final plan), each flagged when an
   * exception applying to R5 had begun by the issue date: the population of the DfE 20-week measure.
   */
  async newPlans(fromYear: number, toYear: number, filter: CaseloadFilter, until: string): Promise<NewPlan[]> {
    const on = sql`r.final_issued_on`
    const range = sql`r.la_code = ${this.laCode}
        and r.final_issued_on between ${`${fromYear}-01-01`}::date and ${`${toYear}-12-31`}::date
        and r.final_issued_on <= ${until}::date`
    const [{ rows }, { rows: exceptions }] = await Promise.all([
      sql<{ id: string; received_on: string; issued_on: string }>`
        select r.id, r.received_on, r.final_issued_on as issued_on
        from ehc_request r
        join ehc_plan p on p.la_code = r.la_code and p.id = r.plan_id
        ${planJoins(filter)}
        where ${range} ${filterSql(filter, on)}`.execute(this.db),
      sql<{ request_id: string; kind: CaseException['kind']; from_date: string }>`
        select e.request_id, e.kind, e.from_date
        from casework_exception e join ehc_request r on r.la_code = e.la_code and r.id = e.request_id
        where ${range}`.execute(this.db),
    ])
    const byRequest = new Map<string, { kind: CaseException['kind']; from: string }[]>()
    for (const e of exceptions)
      byRequest.set(e.request_id, [...(byRequest.get(e.request_id) ?? []), { kind: e.kind, from: e.from_date }])
    return rows.map(r => ({
      requestReceivedOn: r.received_on,
      issuedOn: r.issued_on,
      hasException: timeliness(finalPlanBy(r.received_on), r.issued_on, byRequest.get(r.id) ?? [], 'R5').withException,
    }))
  }

  async timelinessByYear(f: Pick<Filters, 'from' | 'to' | 'caseload' | 'date'>, plans?: NewPlan[]): Promise<DashTable> {
    const all = plans ?? (await this.newPlans(f.from, f.to, f.caseload, f.date))
    const ofYear = new Map<number, NewPlan[]>()
    for (const p of all) {
      const y = Number(p.issuedOn.slice(0, 4))
      const list = ofYear.get(y)
      if (list) list.push(p)
      else ofYear.set(y, [p])
    }
    const caption = `New EHC plans issued within 20 weeks, by calendar year (to ${f.date})`
    const rows = years(f.from, f.to).map(y => {
      const m = twentyWeekMeasure(ofYear.get(y) ?? [], y)
      return [
        String(y),
        m.including.denominator,
        m.including.numerator,
        pct(m.including),
        m.excluding.denominator,
        m.excluding.numerator,
        pct(m.excluding),
      ] as Cell[]
    })
    return {
      name: 'twenty-weeks-by-year',
      caption,
      header: [
        'Year',
        'Plans issued',
        'Within 20 weeks',
        '% including exceptions',
        'Plans without an exception',
        'Within 20 weeks without an exception',
        '% excluding exceptions',
      ],
      rows,
      chart: barChart(
        'chart-twenty-weeks',
        'percentage of new EHC plans issued within 20 weeks, including exceptions, each year',
        caption,
        rows.map(r => ({ label: String(r[0]), value: r[3] as number | null })),
        '%',
      ),
    }
  }

  private async timelinessTables(f: Filters): Promise<DashTable[]> {
    const first = Math.min(f.from, f.year)
    const last = Math.max(f.to, f.year)
    const plans = await this.newPlans(first, last, f.caseload, f.date)
    const m = twentyWeekMeasure(
      plans.filter(p => p.issuedOn.startsWith(`${f.year}-`)),
      f.year,
    )
    return [
      await this.timelinessByYear(f, plans),
      {
        name: 'twenty-weeks-by-month',
        caption: `New EHC plans issued within 20 weeks in ${f.year}, by month`,
        ...twentyWeekMonthTable(m),
        totalRows: [12],
      },
    ]
  }

  async requestsBySource(f: Pick<Filters, 'from' | 'to' | 'date'>): Promise<DashTable> {
    const { rows } = await sql<{ source: RequestSource; year: number; n: number }>`
      select source, extract(year from received_on)::int as year, count(*)::int as n
      from ehc_request
      where la_code = ${this.laCode} and received_on between ${`${f.from}-01-01`}::date and ${`${f.to}-12-31`}::date
        and received_on <= ${f.date}::date
      group by 1, 2`.execute(this.db)
    const n = new Map(rows.map(r => [`${r.source}/${r.year}`, r.n]))
    const ys = years(f.from, f.to)
    const sources = Object.keys(SOURCE_LABELS) as RequestSource[]
    return {
      name: 'requests-by-source',
      caption: `Requests for an EHC needs assessment received, by who asked and calendar year (to ${f.date})`,
      header: ['Who asked', 'Early years', ...ys.map(String)],
      rows: [
        ...sources.map(s => [
          SOURCE_LABELS[s],
          s === 'early_years' ? 'Yes' : 'No',
          ...ys.map(y => n.get(`${s}/${y}`) ?? 0),
        ]),
        ['Total', null, ...ys.map(y => sources.reduce((t, s) => t + (n.get(`${s}/${y}`) ?? 0), 0))],
      ],
      totalRows: [sources.length],
      note: 'Every request, whatever the filters: a request has no plan, need or setting of its own until a plan is issued.',
    }
  }

  /**
   * Annual reviews outstanding on the date, for the plans in force then (rules/measures.ts): one row per
   * plan, grouped in SQL, with its last review decision by the date and the meeting of its open review.
   */
  async reviewsOutstanding(on: string, filter: CaseloadFilter): Promise<DashTable> {
    const d = sql`${on}::date`
    const { rows: plans } = await sql<{
      id: string
      issued_on: string
      last_decision: string | null
      open_meeting: string | null
    }>`
      select p.id, p.issued_on,
        max(v.decision_on) filter (where v.decision_on <= ${d}) as last_decision,
        (array_agg(v.meeting_on order by v.due_on)
          filter (where v.kind = 'annual' and (v.decision_on is null or v.decision_on > ${d})))[1] as open_meeting
      from ehc_plan p ${planJoins(filter)}
      left join annual_review v on v.la_code = p.la_code and v.plan_id = p.id
      where p.la_code = ${this.laCode} and p.issued_on <= ${d} and (p.ceased_on is null or p.ceased_on > ${d})
        ${filterSql(filter, d)}
      group by p.id, p.issued_on
      -- Only plans whose review could be due (R6: 12 months from issue or the last review): the rule
      -- below decides exactly, on far fewer rows than every plan in force.
      having coalesce(max(v.decision_on) filter (where v.decision_on <= ${d}), p.issued_on) < ${d} - interval '11 months'
      `.execute(this.db)
    const outstanding = annualReviewsOutstanding(
      plans.map(p => ({
        planId: p.id,
        issuedOrLastReviewedOn: lastDecisionOn([{ decision_on: p.last_decision }]) ?? p.issued_on,
        meetingHeldOn: p.open_meeting && p.open_meeting <= on ? p.open_meeting : null,
        decisionOn: null,
      })),
      on,
    )
    const meeting = outstanding.filter(o => o.missing === 'meeting').length
    return {
      name: 'reviews-outstanding',
      caption: `Annual reviews outstanding on ${on}`,
      header: ['Missing', 'Plans'],
      rows: [
        ['Review meeting not held', meeting],
        ['Meeting held, decision not sent', outstanding.length - meeting],
        ['Total', outstanding.length],
      ],
      totalRows: [2],
    }
  }

  async tribunals(from: number, to: number, until: string): Promise<DashTable> {
    const appeals = (await this.disputes.appealYears()).filter(
      a =>
        Number(a.registered_on.slice(0, 4)) >= from &&
        Number(a.registered_on.slice(0, 4)) <= to &&
        a.registered_on <= until,
    )
    const t = tribunalsByReasonAndYear(
      appeals.map(a => ({ registered_on: a.registered_on, reasons: a.appeal_reasons })),
    )
    const ys = years(from, to)
    return {
      name: 'tribunals-by-reason',
      caption: `Tribunal appeals registered, by reason and calendar year (to ${until})`,
      header: ['Reason', ...ys.map(String)],
      rows: [
        ...APPEAL_REASONS.map(r => [APPEAL_REASON_LABELS[r], ...ys.map(y => t.byReason.get(r)?.get(y) ?? 0)]),
        ['Appeals (each counted once)', ...ys.map(y => t.appeals.get(y) ?? 0)],
      ],
      totalRows: [APPEAL_REASONS.length],
      note: 'An appeal with several reasons counts once under each, so the reasons can add up to more than the appeals.',
    }
  }

  async complaints(from: number, to: number, until: string, financial = false): Promise<DashTable> {
    const yearSql = financial
      ? sql`(extract(year from received_on)::int - case when extract(month from received_on) < 4 then 1 else 0 end)`
      : sql`extract(year from received_on)::int`
    const ys = years(from, to)
    const lo = financial ? `${from}-04-01` : `${from}-01-01`
    const last = financial ? `${to + 1}-03-31` : `${to}-12-31`
    const hi = until < last ? until : last
    const { rows } = await sql<{ stage: number; year: number; n: number }>`
      select stage, ${yearSql} as year, count(*)::int as n from complaint
      where la_code = ${this.laCode} and received_on between ${lo}::date and ${hi}::date
      group by 1, 2`.execute(this.db)
    const n = new Map(rows.map(r => [`${r.stage}/${r.year}`, r.n]))
    const label = (y: number) => (financial ? `${y}-${String((y + 1) % 100).padStart(2, '0')}` : String(y))
    return {
      name: 'complaints',
      caption: `Complaints received, by stage and ${financial ? 'financial' : 'calendar'} year (to ${until})`,
      header: ['Stage', ...ys.map(label)],
      rows: [
        ...([1, 2, 3] as const).map(stage => [
          COMPLAINT_STAGE_NAMES[stage],
          ...ys.map(y => n.get(`${stage}/${y}`) ?? 0),
        ]),
        ['All stages', ...ys.map(y => [1, 2, 3].reduce((t, s) => t + (n.get(`${s}/${y}`) ?? 0), 0))],
      ],
      totalRows: [3],
    }
  }

  async compliments(from: number, to: number, until: string, financial = false): Promise<DashTable> {
    const yearSql = financial
      ? sql`(extract(year from received_on)::int - case when extract(month from received_on) < 4 then 1 else 0 end)`
      : sql`extract(year from received_on)::int`
    const lo = financial ? `${from}-04-01` : `${from}-01-01`
    const last = financial ? `${to + 1}-03-31` : `${to}-12-31`
    const hi = until < last ? until : last
    const { rows } = await sql<{ year: number; n: number }>`
      select ${yearSql} as year, count(*)::int as n from compliment
      where la_code = ${this.laCode} and received_on between ${lo}::date and ${hi}::date
      group by 1`.execute(this.db)
    const n = new Map(rows.map(r => [r.year, r.n]))
    const label = (y: number) => (financial ? `${y}-${String((y + 1) % 100).padStart(2, '0')}` : String(y))
    const caption = `Compliments received, by ${financial ? 'financial' : 'calendar'} year (to ${until})`
    const ys = years(from, to)
    return {
      name: 'compliments',
      caption,
      header: [financial ? 'Financial year' : 'Year', 'Compliments'],
      rows: ys.map(y => [label(y), n.get(y) ?? 0]),
      chart: barChart(
        'chart-compliments',
        'compliments received each year',
        caption,
        ys.map(y => ({ label: label(y), value: n.get(y) ?? 0 })),
      ),
    }
  }

  /**
   * What a funding run reads, as a fingerprint: each table's row count and the sum of its rows'
   * transaction ids (xmin), which any insert, update or delete changes, whatever code made it.
   */
  private async fundingFingerprint(): Promise<string> {
    const parts = FUNDING_TABLES.map(
      ([t, read]) =>
        sql`(select count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) from ${sql.table(t)} where la_code = ${this.laCode} and ${read})`,
    )
    const { rows } = await sql<{ f: string }>`select concat_ws('/', ${sql.join(parts)}) as f`.execute(this.db)
    return rows[0]!.f
  }

  /** The run's summaries for a financial year, computed again only when what it reads has changed. */
  private async runSummary(actor: Actor, fy: string): Promise<RunSummary> {
    const fingerprint = await this.fundingFingerprint()
    const cached = this.moneyCache.get(fy)
    if (cached && cached.fingerprint === fingerprint) return cached.run
    // The promise is kept, not its result, so requests arriving while the run is computed wait for that
    // one run instead of each starting their own.
    const run = this.funding.run(actor, { year: fy }).then(({ run }) => ({
      byLevel: run.byLevel,
      byLocality: run.byLocality,
      bySchool: run.bySchool,
      pupils: run.pupils,
      totalPence: run.totalPence,
    }))
    this.moneyCache.delete(fy)
    this.moneyCache.set(fy, { fingerprint, run })
    while (this.moneyCache.size > 8) this.moneyCache.delete(this.moneyCache.keys().next().value!)
    run.catch(() => {
      if (this.moneyCache.get(fy)?.run === run) this.moneyCache.delete(fy)
    })
    return run
  }

  /** Top-up money for the financial year from the agreed awards, by the funding run's own rules. */
  private async money(actor: Actor, f: Filters): Promise<DashTable[]> {
    const run = await this.runSummary(actor, f.fy)
    const caption = (by: string) => `Top-up funding for ${f.fy}, by ${by}`
    const table = (name: string, by: string, heading: string, groups: typeof run.byLevel): DashTable => ({
      name,
      caption: caption(by),
      header: [heading, 'Pupils', 'Amount (£)'],
      rows: [
        ...groups.map(g => [g.label, g.pupils, pounds(g.amountPence)]),
        ['Total', run.pupils, pounds(run.totalPence)],
      ],
      totalRows: [groups.length],
      chart:
        groups.length <= 30
          ? barChart(
              `chart-${name}`,
              `top-up funding for ${f.fy} by ${by}, in pounds`,
              caption(by),
              groups.map(g => ({ label: g.label, value: Math.round(pounds(g.amountPence)) })),
            )
          : undefined,
    })
    return [
      table('topup-by-level', 'level', 'Level or band', run.byLevel),
      table(
        'topup-by-locality',
        'locality',
        'Locality',
        run.byLocality.map(g => ({ ...g })),
      ),
      table(
        'topup-by-school',
        'school',
        'School or setting',
        [...run.bySchool].sort((a, b) => a.label.localeCompare(b.label)),
      ),
    ]
  }
}

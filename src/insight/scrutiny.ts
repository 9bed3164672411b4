import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import { formatDate, isIsoDate } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import { DashboardService, type DashTable } from './dashboard.ts'
import { ageBandCounts, censusDate, growth } from './rules/caseload.ts'
import type { ProgrammeService } from '../programme/service.ts'
import { MEASURE_LABELS, RAG_LABELS } from '../programme/rules/progress.ts'
import type { BudgetService } from '../planning/budget-service.ts'

// The scrutiny report (seed 004): one document for the Scrutiny Committee following the seed's
// sections, computed from live data as things stood on a chosen date, with the same tables the
// dashboards show (and the same definitions), with the improvement programme's progress and the
// Dedicated Schools Grant as recorded today.

const querySchema = z.object({
  date: z.preprocess(
    v => (v === undefined || v === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: 'Enter the date as a real date, like 2026-01-15' })
      .refine(isIsoDate, 'Enter the date as a real date, like 2026-01-15')
      .optional(),
  ),
})

export type ScrutinySection = {
  id: string
  heading: string
  paragraphs: string[]
  tables: DashTable[]
  placeholder?: boolean
}

/** Years of history the report shows, ending with the date's year. */
export const REPORT_YEARS = 7

const fy = (y: number) => `${y}-${String((y + 1) % 100).padStart(2, '0')}`
const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`

export class ScrutinyService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
    private readonly dashboards: DashboardService,
    private readonly programme: ProgrammeService,
    private readonly budget: BudgetService,
  ) {}

  async report(actor: Actor, input: unknown, action = 'insight.scrutiny.read') {
    if (!this.dashboards.mayRead(actor)) throw new ForbiddenError()
    const q = parseOrThrow(querySchema, typeof input === 'object' && input ? input : {})
    const date = q.date ?? this.clock.today()
    const year = Number(date.slice(0, 4))
    const from = year - REPORT_YEARS + 1
    const financialYear = Number(date.slice(5, 7)) >= 4 ? year : year - 1
    const f = { date, from, to: year, caseload: {} }
    // Every section's queries at once: on a national-scale database each is tens of milliseconds.
    const byNcYear = (async () => {
      const [localities, ncCounts] = await Promise.all([
        this.dashboards.localities(),
        this.dashboards.caseload.countBy(date, 'ncYear'),
      ])
      const localityName = new Map(localities.map(l => [l.code, l.name]))
      return {
        inForce: ncCounts.reduce((total, c) => total + c.n, 0),
        tables: await Promise.all([
          this.dashboards.breakdown(f, 'ncYear', localityName, ncCounts),
          this.dashboards.breakdown(f, 'ageBand', localityName, ageBandCounts(ncCounts)),
        ]),
      }
    })()
    const [
      january,
      issuedCeased,
      nc,
      twenty,
      reviews,
      tribunals,
      ongoing,
      complaints,
      compliments,
      programme,
      finance,
    ] = await Promise.all([
      this.dashboards.januaryTable(f),
      this.dashboards.issuedAndCeased(f),
      byNcYear,
      this.dashboards.timelinessByYear(f),
      this.dashboards.reviewsOutstanding(date, {}),
      this.dashboards.tribunals(from, year, date),
      this.ongoingAppeals(date),
      this.dashboards.complaints(financialYear - REPORT_YEARS + 1, financialYear, date, true),
      this.dashboards.compliments(financialYear - REPORT_YEARS + 1, financialYear, date, true),
      this.programmeSection(actor),
      this.financeSection(actor),
    ])

    // The sentences: the figures the tables hold, said as the committee reads them.
    const census = censusDate(year) <= date ? censusDate(year) : censusDate(year - 1)
    const janRows = january.rows.filter(r => r[1] === census)
    const janCount = (janRows[0]?.[2] as number | undefined) ?? null
    const prev = january.rows.find(r => r[1] === censusDate(Number(census.slice(0, 4)) - 1))?.[2] as number | undefined
    const { inForce } = nc
    const [byNc, byAge] = nc.tables
    const cohort: string[] = [`On ${formatDate(date)}, ${plural(inForce, 'EHC plan was', 'EHC plans were')} in force.`]
    if (janCount !== null && prev !== undefined) {
      const g = growth(prev, janCount)
      cohort.push(
        `At the January ${census.slice(0, 4)} census date (${formatDate(census)}) there were ${janCount.toLocaleString('en-GB')}, ` +
          `${g.change >= 0 ? 'an increase' : 'a decrease'} of ${Math.abs(g.change).toLocaleString('en-GB')}` +
          `${g.percent === null ? '' : ` (${Math.abs(g.percent)}%)`} on January ${Number(census.slice(0, 4)) - 1}.`,
      )
    }
    const thisYear = issuedCeased.rows.find(r => r[0] === String(year))
    if (thisYear)
      cohort.push(
        `In ${year} to ${formatDate(date)}, ${plural(thisYear[1] as number, 'new plan was', 'new plans were')} issued and ${plural(thisYear[2] as number, 'plan', 'plans')} ceased.`,
      )
    const twentyRow = twenty.rows.find(r => r[0] === String(year))
    const twentyText =
      twentyRow && twentyRow[1]
        ? `In ${year} to ${formatDate(date)}, ${twentyRow[3]}% of the ${plural(twentyRow[1] as number, 'new plan', 'new plans')} issued were issued within 20 weeks including exceptions, and ${twentyRow[6] ?? 'none'}${twentyRow[6] === null ? '' : '%'} excluding exceptions.`
        : `No new plan has been issued in ${year} to ${formatDate(date)}.`
    const reviewTotal = reviews.rows[2]![1] as number
    const appealsThisYear = tribunals.rows[tribunals.rows.length - 1]![tribunals.rows[0]!.length - 1] as number
    const complaintsThisYear = complaints.rows[3]![complaints.rows[3]!.length - 1] as number
    const complimentsThisYear = compliments.rows[compliments.rows.length - 1]![1] as number

    const sections: ScrutinySection[] = [
      {
        id: 'cohort',
        heading: 'EHCP cohort and growth',
        paragraphs: cohort,
        tables: [january, issuedCeased],
      },
      {
        id: 'nc-year',
        heading: 'EHCP by NC year age group',
        paragraphs: [
          `The ${plural(inForce, 'plan', 'plans')} in force on ${formatDate(date)}, by the child's national curriculum year on that date.`,
        ],
        tables: [byAge, byNc],
      },
      {
        id: 'timeliness',
        heading: 'EHC new requests completed within the 20-week statutory timeframe',
        paragraphs: [
          twentyText,
          'Including exceptions counts every new plan; excluding exceptions leaves out the plans whose assessment had an exception under the regulations, as the DfE publishes it.',
        ],
        tables: [twenty],
      },
      {
        id: 'reviews',
        heading: 'Annual reviews',
        paragraphs: [
          `On ${formatDate(date)}, ${plural(reviewTotal, 'annual review was', 'annual reviews were')} outstanding: the review was due and its meeting had not been held, or the decision after it had not been sent.`,
        ],
        tables: [reviews],
      },
      {
        id: 'tribunals',
        heading: 'Appeals (tribunals)',
        paragraphs: [
          `${plural(appealsThisYear, 'appeal was', 'appeals were')} registered with the SEND Tribunal in ${year} to ${formatDate(date)}, and ${plural(ongoing, 'appeal was', 'appeals were')} ongoing on that date (registered, with no outcome yet).`,
        ],
        tables: [tribunals],
      },
      {
        id: 'complaints',
        heading: 'Compliments and complaints',
        paragraphs: [
          `In the financial year ${fy(financialYear)} to ${formatDate(date)}, ${plural(complaintsThisYear, 'complaint was', 'complaints were')} received (each stage counted) and ${plural(complimentsThisYear, 'compliment', 'compliments')}.`,
        ],
        tables: [complaints, compliments],
      },
      programme,
      finance,
    ]
    await audit(this.db, this.laCode, actor, { action, details: { date } })
    return { date, sections, tables: sections.flatMap(s => s.tables) }
  }

  /** The improvement programme as recorded today: WSoA progress by area, DBV plan items' RAG and movement, impact measures. */
  private async programmeSection(actor: Actor): Promise<ScrutinySection> {
    const p = await this.programme.summary(actor)
    const pct = (v: number | null, unit: string) => (v === null ? null : unit ? `${v}${unit}` : v)
    const items = p.workstreams.flatMap(w => w.items.map(i => ({ ...i, workstream: w.number })))
    const moved = items.filter(i => i.movement === 'better' || i.movement === 'worse')
    const tables: DashTable[] = [
      {
        name: 'programme-areas',
        caption: `Written Statement of Action: actions by priority area (recorded on ${p.today})`,
        header: ['Priority area', 'Completed', 'In progress', 'Not started', 'Actions', 'Overdue'],
        rows: [
          ...p.areas.map(a => [
            `${a.position}. ${a.title}`,
            a.progress.completed,
            a.progress.inProgress,
            a.progress.notStarted,
            a.progress.total,
            a.progress.overdue,
          ]),
          [
            'All areas',
            p.overall.completed,
            p.overall.inProgress,
            p.overall.notStarted,
            p.overall.total,
            p.overall.overdue,
          ],
        ],
        totalRows: [p.areas.length],
      },
      {
        name: 'programme-rag',
        caption: `Delivering Better Value plan items: RAG status now and on ${p.since}`,
        header: ['Workstream', 'Plan item', 'RAG now', `RAG on ${p.since}`, 'Movement'],
        rows: items.map(i => [
          String(i.workstream),
          `${i.ref} ${i.title}`,
          RAG_LABELS[i.rag],
          i.ragBefore ? RAG_LABELS[i.ragBefore] : null,
          { better: 'Better', worse: 'Worse', same: 'No change', new: 'New' }[i.movement],
        ]),
      },
      {
        name: 'programme-measures',
        caption: 'Impact measures: baseline, the figure today and the target',
        header: ['Measure', 'Baseline', 'Baseline date', 'Now', 'Target'],
        rows: p.measures.map(m => [
          MEASURE_LABELS[m.key].label,
          pct(m.baseline, m.unit),
          m.baselineOn,
          pct(m.now, m.unit),
          pct(m.target, m.unit),
        ]),
      },
    ]
    const paragraphs = p.overall.total
      ? [
          `Across the ${plural(p.overall.total, 'action', 'actions')} in the Written Statement of Action, as recorded on ${formatDate(p.today)}: ${p.overall.completed.toLocaleString('en-GB')} completed, ${p.overall.inProgress.toLocaleString('en-GB')} in progress and ${p.overall.notStarted.toLocaleString('en-GB')} not started${p.overall.overdue ? `; ${plural(p.overall.overdue, 'action is', 'actions are')} overdue` : ''}. All actions are complete in ${plural(p.areas.filter(a => a.progress.total && a.progress.completed === a.progress.total).length, 'area', 'areas')} of ${p.areas.length}.`,
        ]
      : ['No Written Statement of Action has been recorded.']
    if (items.length)
      paragraphs.push(
        `Of the ${plural(items.length, 'Delivering Better Value plan item', 'Delivering Better Value plan items')}, ${p.ragCounts.on_track} ${p.ragCounts.on_track === 1 ? 'is' : 'are'} on track, ${p.ragCounts.monitor} to monitor and ${p.ragCounts.at_risk} at risk; ${plural(moved.length, 'item has', 'items have')} changed status since ${formatDate(p.since)}${moved.length ? ` (${moved.map(i => `${i.ref} ${i.movement === 'better' ? 'better' : 'worse'}`).join(', ')})` : ''}.`,
      )
    return {
      id: 'programme',
      heading: 'Programme progress',
      paragraphs,
      tables: items.length || p.overall.total ? tables : [],
    }
  }

  /** The Dedicated Schools Grant by block for the latest year recorded, for those who may read the budget. */
  private async financeSection(actor: Actor): Promise<ScrutinySection> {
    const section = { id: 'finance', heading: 'Finance' }
    if (!this.budget.mayRead(actor))
      return {
        ...section,
        paragraphs: ['The Dedicated Schools Grant table is shown to finance officers, the SEND manager and LA admins.'],
        tables: [],
        placeholder: true,
      }
    const latest = (await this.budget.dsg(actor))[0]
    if (!latest)
      return {
        ...section,
        paragraphs: ['No Dedicated Schools Grant budget has been recorded.'],
        tables: [],
        placeholder: true,
      }
    const gbp = (pence: number) =>
      `${pence < 0 ? '-' : ''}£${(Math.abs(pence) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
    const hn = latest.rows.find(r => r.block === 'high_needs')
    return {
      ...section,
      paragraphs: [
        `The Dedicated Schools Grant for ${fy(latest.year)} is ${gbp(latest.total.budgetPence)}, with a deficit of ${gbp(latest.total.broughtForwardPence)} brought forward and a cumulative forecast of ${gbp(latest.total.forecastPence)}${hn ? `, ${gbp(hn.forecastPence)} of it in the High Needs Block` : ''} (source: ${latest.source}).`,
      ],
      tables: [
        {
          name: 'dsg',
          caption: `Dedicated Schools Grant ${fy(latest.year)}: latest budget, deficit brought forward and cumulative forecast over (+) / under (−) spend`,
          header: ['Block', 'Latest budget', 'Deficit brought forward', 'Cumulative forecast'],
          rows: [
            ...latest.rows.map(r => [r.label, gbp(r.budgetPence), gbp(r.broughtForwardPence), gbp(r.forecastPence)]),
            [
              'Dedicated Schools Grant',
              gbp(latest.total.budgetPence),
              gbp(latest.total.broughtForwardPence),
              gbp(latest.total.forecastPence),
            ],
          ],
          totalRows: [latest.rows.length],
        },
      ],
    }
  }

  /** One of the report's tables, for a download. */
  async table(actor: Actor, input: unknown) {
    const raw = (typeof input === 'object' && input ? input : {}) as Record<string, unknown>
    const { date, tables } = await this.report(actor, input, 'insight.scrutiny.download')
    const table = tables.find(t => t.name === raw.download)
    if (!table) throw new ValidationError([{ field: 'download', message: 'Choose a table to download' }])
    return { date, table }
  }

  /** Appeals registered by the date with no outcome by then. */
  private async ongoingAppeals(on: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from tribunal_appeal
      where la_code = ${this.laCode} and registered_on <= ${on}::date and (outcome_on is null or outcome_on > ${on}::date)`.execute(
      this.db,
    )
    return rows[0]!.n
  }
}

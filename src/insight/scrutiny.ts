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

// The scrutiny report (seed 004): one document for the Scrutiny Committee following the seed's
// sections, computed from live data as things stood on a chosen date, with the same tables the
// dashboards show (and the same definitions). Programme progress and the Dedicated Schools Grant wait
// for the records they need: the report says so rather than print numbers it does not have.

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
  ) {}

  async report(actor: Actor, input: unknown, action = 'insight.scrutiny.read') {
    if (!this.dashboards.mayRead(actor)) throw new ForbiddenError()
    const q = parseOrThrow(querySchema, typeof input === 'object' && input ? input : {})
    const date = q.date ?? this.clock.today()
    const year = Number(date.slice(0, 4))
    const from = year - REPORT_YEARS + 1
    const financialYear = Number(date.slice(5, 7)) >= 4 ? year : year - 1
    const f = { date, from, to: year, caseload: {} }
    const localityName = new Map((await this.dashboards.localities()).map(l => [l.code, l.name]))

    const ncCounts = await this.dashboards.caseload.countBy(date, 'ncYear')
    const inForce = ncCounts.reduce((total, c) => total + c.n, 0)
    const [january, issuedCeased, byNc, byAge, twenty, reviews, tribunals, ongoing, complaints, compliments] =
      await Promise.all([
        this.dashboards.januaryTable(f),
        this.dashboards.issuedAndCeased(f),
        this.dashboards.breakdown(f, 'ncYear', localityName, ncCounts),
        this.dashboards.breakdown(f, 'ageBand', localityName, ageBandCounts(ncCounts)),
        this.dashboards.timelinessByYear(f),
        this.dashboards.reviewsOutstanding(date, {}),
        this.dashboards.tribunals(from, year, date),
        this.ongoingAppeals(date),
        this.dashboards.complaints(financialYear - REPORT_YEARS + 1, financialYear, date, true),
        this.dashboards.compliments(financialYear - REPORT_YEARS + 1, financialYear, date, true),
      ])

    // The sentences: the figures the tables hold, said as the committee reads them.
    const census = censusDate(year) <= date ? censusDate(year) : censusDate(year - 1)
    const janRows = january.rows.filter(r => r[1] === census)
    const janCount = (janRows[0]?.[2] as number | undefined) ?? null
    const prev = january.rows.find(r => r[1] === censusDate(Number(census.slice(0, 4)) - 1))?.[2] as number | undefined
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
      {
        id: 'programme',
        heading: 'Programme progress',
        paragraphs: ['Programme progress — available when the improvement programme is recorded.'],
        tables: [],
        placeholder: true,
      },
      {
        id: 'finance',
        heading: 'Finance',
        paragraphs: ['Dedicated Schools Grant — available when the High Needs budget is recorded.'],
        tables: [],
        placeholder: true,
      },
    ]
    await audit(this.db, this.laCode, actor, { action, details: { date } })
    return { date, sections, tables: sections.flatMap(s => s.tables) }
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

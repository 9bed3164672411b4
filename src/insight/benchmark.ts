import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { ForbiddenError } from '../platform/errors.ts'
import type { DB } from '../schema.ts'
import { lineChart, type LineChart } from './benchmark-chart.ts'
import { ENGLAND, explainMarker, growthPercent, type Measure } from './rules/published.ts'

// This authority against England, its region and comparator authorities, from the DfE's published
// figures. Where releases overlap, the latest release's (revised) figure is the one shown.

export const BENCHMARK_ROLES: readonly Role[] = ['la_admin', 'send_manager', 'finance_officer', 'case_officer']

/** At most this many comparators, so the tables stay readable. */
export const MAX_COMPARATORS = 10
const DEFAULT_COMPARATORS = 4

export type Area = { code: string; name: string; level: 'National' | 'Regional' | 'Local authority'; role: string }
export type Authority = { code: string; name: string; regionCode: string; regionName: string; latest: number | null }

export type CellView = { value: number | null; marker: string | null; text: string; missing: boolean }
export type TableRow = { year: number; label: string; cells: CellView[] }
export type BenchmarkTable = {
  id: string
  caption: string
  description: string
  unit: 'count' | 'percent'
  areas: Area[]
  rows: TableRow[]
  chart: LineChart
  markers: { marker: string; explanation: string }[]
}

type TableSpec = {
  id: string
  caption: string
  description: string
  unit: 'count' | 'percent'
  measure: Measure
  /** Growth on the year before, computed from the measure. */
  growth?: boolean
  period: 'january' | 'calendar'
}

export const TABLES: readonly TableSpec[] = [
  {
    id: 'caseload',
    caption: 'EHC plans at January',
    description:
      'Children and young people with an EHC plan at the January census; before 2019 the figures include statements of SEN.',
    unit: 'count',
    measure: 'ehcp_caseload',
    period: 'january',
  },
  {
    id: 'growth',
    caption: 'Growth in EHC plans on the January before (%)',
    description: 'The change in EHC plans at January from the January before, in per cent.',
    unit: 'percent',
    measure: 'ehcp_caseload',
    growth: true,
    period: 'january',
  },
  {
    id: 'requests',
    caption: 'Requests for an EHC needs assessment, by calendar year',
    description: 'Initial requests for an EHC needs assessment received in the year.',
    unit: 'count',
    measure: 'requests',
    period: 'calendar',
  },
  {
    id: 'timeliness-incl',
    caption: 'New EHC plans issued within 20 weeks, including exceptions (%), by calendar year',
    description: 'The share of new EHC plans issued within 20 weeks, counting every plan.',
    unit: 'percent',
    measure: 'issued_20wk_pc_incl',
    period: 'calendar',
  },
  {
    id: 'timeliness-excl',
    caption: 'New EHC plans issued within 20 weeks, excluding exceptions (%), by calendar year',
    description:
      'The share of new EHC plans issued within 20 weeks, leaving out plans where an exception to the time limit applied.',
    unit: 'percent',
    measure: 'issued_20wk_pc_excl',
    period: 'calendar',
  },
  {
    id: 'new-plans',
    caption: 'New EHC plans issued, by calendar year',
    description: 'EHC plans made for the first time in the year.',
    unit: 'count',
    measure: 'new_plans',
    period: 'calendar',
  },
  {
    id: 'ceased',
    caption: 'EHC plans ceased, by calendar year',
    description: 'EHC plans that stopped being maintained in the year, for any reason.',
    unit: 'count',
    measure: 'ceased_plans',
    period: 'calendar',
  },
]

const code = z.string().regex(/^\d{3}$/, 'Choose an authority from the list')
const codes = z
  .union([code, z.array(code)])
  .optional()
  .transform(v => (v === undefined ? undefined : Array.isArray(v) ? v : [v]))
export const benchmarkQuerySchema = z.object({
  la: code.optional().catch(undefined),
  compare: codes.catch(undefined),
  /** Sent by the form, so an empty choice of comparators means none rather than the default. */
  chosen: z.string().optional().catch(undefined),
  table: z.string().optional().catch(undefined),
})

export type Benchmark =
  | { loaded: false }
  | {
      loaded: true
      focusCode: string
      focus: Authority | null
      configured: boolean
      comparators: Authority[]
      defaulted: boolean
      authorities: Authority[]
      areas: Area[]
      tables: BenchmarkTable[]
      query: string
    }

const fmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 })

export class BenchmarkService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  mayView(actor: Actor): boolean {
    return BENCHMARK_ROLES.includes(actor.role)
  }

  async benchmark(actor: Actor, rawQuery: unknown, only?: string): Promise<Benchmark> {
    if (!this.mayView(actor)) throw new ForbiddenError()
    const query = benchmarkQuerySchema.parse(rawQuery ?? {})
    const any = await this.db.selectFrom('published_figure').select('area_code').limit(1).executeTakeFirst()
    if (!any) return { loaded: false }

    const authorities = await this.authorities()
    const byCode = new Map(authorities.map(a => [a.code, a]))
    const focusCode = query.la ?? this.laCode
    const focus = byCode.get(focusCode) ?? null
    const asked = query.compare ?? (query.chosen ? [] : undefined)
    const defaulted = asked === undefined
    const comparators = defaulted
      ? focus
        ? closestInRegion(focus, authorities, DEFAULT_COMPARATORS)
        : []
      : [...new Set(asked)]
          .filter(c => c !== focusCode)
          .map(c => byCode.get(c))
          .filter((a): a is Authority => a !== undefined)
          .slice(0, MAX_COMPARATORS)

    const areas: Area[] = [
      ...(focus ? [{ code: focus.code, name: focus.name, level: 'Local authority' as const, role: 'focus' }] : []),
      ...(focus?.regionCode
        ? [{ code: focus.regionCode, name: focus.regionName, level: 'Regional' as const, role: 'region' }]
        : []),
      { code: ENGLAND, name: 'England', level: 'National' as const, role: 'england' },
      ...comparators.map(c => ({ code: c.code, name: c.name, level: 'Local authority' as const, role: 'comparator' })),
    ]
    const specs = TABLES.filter(t => !only || t.id === only)
    const figures = await this.figures(
      [...new Set(specs.map(s => s.measure))],
      areas.map(a => a.code),
    )
    const tables = specs.map(spec => buildTable(spec, areas, figures))
    const params = new URLSearchParams()
    params.set('la', focusCode)
    for (const c of comparators) params.append('compare', c.code)
    params.set('chosen', '1')
    return {
      loaded: true,
      focusCode,
      focus,
      configured: focusCode === this.laCode,
      comparators,
      defaulted,
      authorities,
      areas,
      tables,
      query: params.toString(),
    }
  }

  /** Every authority in the caseload figures, with its latest name, region and caseload. */
  async authorities(): Promise<Authority[]> {
    const rows = await this.db
      .selectFrom('published_figure')
      .select(['area_code', 'area_name', 'region_code', 'region_name', 'period_year', 'value'])
      .where('measure', '=', 'ehcp_caseload')
      .where('geographic_level', '=', 'Local authority')
      .orderBy('period_year', 'desc')
      .orderBy('release', 'desc')
      .execute()
    const latestYear = rows[0]?.period_year
    const seen = new Map<string, Authority>()
    for (const r of rows) {
      if (seen.has(r.area_code)) continue
      seen.set(r.area_code, {
        code: r.area_code,
        name: r.area_name,
        regionCode: r.region_code,
        regionName: r.region_name,
        // Only a figure for the latest January counts for the closest-caseload default.
        latest: r.period_year === latestYear ? r.value : null,
      })
    }
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The latest release's figure for each measure, area and year. */
  private async figures(measures: Measure[], areaCodes: string[]): Promise<Map<string, Figure>> {
    const rows = await this.db
      .selectFrom('published_figure')
      .select(['measure', 'area_code', 'period_year', 'value', 'marker'])
      .where('measure', 'in', measures)
      .where('area_code', 'in', areaCodes)
      .orderBy('release', 'desc')
      .execute()
    const out = new Map<string, Figure>()
    for (const r of rows) {
      const key = figureKey(r.measure, r.area_code, r.period_year)
      if (!out.has(key)) out.set(key, { value: r.value === null ? null : Number(r.value), marker: r.marker })
    }
    return out
  }
}

type Figure = { value: number | null; marker: string | null }
const figureKey = (measure: string, area: string, year: number) => `${measure}|${area}|${year}`

/** The authorities in the same region whose latest caseload is closest to this one's. */
export function closestInRegion(focus: Authority, all: readonly Authority[], n: number): Authority[] {
  if (focus.latest === null) return []
  const target = focus.latest
  return all
    .filter(a => a.code !== focus.code && a.regionCode === focus.regionCode && a.latest !== null)
    .sort((a, b) => Math.abs(a.latest! - target) - Math.abs(b.latest! - target) || a.name.localeCompare(b.name))
    .slice(0, n)
}

function cellText(value: number | null, unit: 'count' | 'percent'): string {
  if (value === null) return ''
  return unit === 'percent' ? value.toFixed(1) : fmt.format(value)
}

function buildTable(spec: TableSpec, areas: Area[], figures: Map<string, Figure>): BenchmarkTable {
  const years = new Set<number>()
  for (const key of figures.keys()) {
    const [measure, area, year] = key.split('|')
    if (measure === spec.measure && areas.some(a => a.code === area)) years.add(Number(year))
  }
  const sorted = [...years].sort((a, b) => a - b)
  if (spec.growth) sorted.shift()
  const markers = new Set<string>()
  const rows: TableRow[] = sorted.map(year => ({
    year,
    label: spec.period === 'january' ? `January ${year}` : String(year),
    cells: areas.map(area => {
      const figure = figures.get(figureKey(spec.measure, area.code, year))
      if (spec.growth) {
        const before = figures.get(figureKey(spec.measure, area.code, year - 1))
        const value = growthPercent(before?.value ?? null, figure?.value ?? null)
        return { value, marker: null, text: value === null ? '' : cellText(value, 'percent'), missing: value === null }
      }
      if (!figure) return { value: null, marker: null, text: '', missing: true }
      if (figure.marker !== null) markers.add(figure.marker)
      return {
        value: figure.value,
        marker: figure.marker,
        text: figure.value === null ? figure.marker || 'blank' : cellText(figure.value, spec.unit),
        missing: false,
      }
    }),
  }))
  return {
    id: spec.id,
    caption: spec.caption,
    description: spec.description,
    unit: spec.unit,
    areas,
    rows,
    chart: lineChart(
      areas.map(a => a.name),
      rows.map(r => ({ label: String(r.year), values: r.cells.map(c => c.value) })),
      spec.unit,
    ),
    markers: [...markers].sort().map(marker => ({ marker: marker || 'blank', explanation: explainMarker(marker) })),
  }
}

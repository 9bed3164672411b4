import { parse } from 'csv-parse/sync'

// Pure rules for reading the DfE "Education, health and care plans" files as published: which file
// shape a CSV has (told by its header, not its name), which of its columns are the measures
// benchmarking uses, what each cell's value or suppression marker is, and which year it describes.
// Only the headline rows (all plans, all requests…) are taken, never the breakdowns by age or sex.

export const ENGLAND = 'E92000001'

export const MEASURES = [
  'ehcp_caseload',
  'requests',
  'requests_refused',
  'new_plans',
  'issued_20wk_den_incl',
  'issued_20wk_num_incl',
  'issued_20wk_pc_incl',
  'issued_20wk_den_excl',
  'issued_20wk_num_excl',
  'issued_20wk_pc_excl',
  'ceased_plans',
] as const
export type Measure = (typeof MEASURES)[number]

export const MEASURE_LABELS: Record<Measure, string> = {
  ehcp_caseload: 'EHC plans (and statements before 2019) at January',
  requests: 'Requests for an EHC needs assessment',
  requests_refused: 'Requests refused (decided not to assess)',
  new_plans: 'New EHC plans issued',
  issued_20wk_den_incl: 'New plans issued, including exceptions',
  issued_20wk_num_incl: 'Issued within 20 weeks, including exceptions',
  issued_20wk_pc_incl: '% issued within 20 weeks, including exceptions',
  issued_20wk_den_excl: 'New plans issued, excluding exceptions',
  issued_20wk_num_excl: 'Issued within 20 weeks, excluding exceptions',
  issued_20wk_pc_excl: '% issued within 20 weeks, excluding exceptions',
  ceased_plans: 'EHC plans ceased',
}

/** A January census (caseload) or a calendar year (everything counted over a year). */
export type PeriodKind = 'january' | 'calendar'

export type FileShape = {
  /** A name for messages and the stored file column's fallback. */
  name: string
  period: PeriodKind
  /** Keeps only the headline rows; the rest are breakdowns. */
  headline: (row: Record<string, string>) => boolean
  /** What is stored as the row's breakdown topic and breakdown. */
  breakdown: (row: Record<string, string>) => [string, string]
  columns: Partial<Record<Measure, string>>
}

const topic = (name: string) => (row: Record<string, string>) => row.breakdown_topic === name
const published = (row: Record<string, string>): [string, string] => [row.breakdown_topic ?? '', row.breakdown ?? '']
const total = (): [string, string] => ['Total', 'Total']

// Every shape needs these; the measure columns then tell the shapes apart.
const KEY_COLUMNS = ['time_period', 'geographic_level', 'country_code', 'region_code', 'old_la_code']

export const SHAPES: readonly FileShape[] = [
  {
    name: 'caseload',
    period: 'january',
    headline: topic('All EHC plans'),
    breakdown: published,
    columns: { ehcp_caseload: 'ehcplans' },
  },
  {
    name: 'requests',
    period: 'calendar',
    headline: topic('All requests for EHC needs assessments'),
    breakdown: published,
    columns: { requests: 'requests_received_in_year', requests_refused: 'requests_decided_not_to_assess' },
  },
  {
    name: 'newplans',
    period: 'calendar',
    headline: topic('New EHC plans'),
    breakdown: published,
    columns: { new_plans: 'new_ehc_plans' },
  },
  {
    name: 'timeliness_20_week',
    period: 'calendar',
    headline: topic('All EHC plans issued'),
    breakdown: published,
    columns: {
      issued_20wk_den_incl: 'plans_issued_den',
      issued_20wk_num_incl: 'plans_issued_within_20_weeks',
      issued_20wk_pc_incl: 'pc_plans_issued_within_20_weeks',
      issued_20wk_den_excl: 'plans_issued_den_ex',
      issued_20wk_num_excl: 'plans_issued_20_weeks_ex',
      issued_20wk_pc_excl: 'PC_plans_issued_20_weeks_ex',
    },
  },
  {
    name: 'ceased_plans',
    period: 'calendar',
    headline: topic('All ceased EHC plans'),
    breakdown: published,
    columns: { ceased_plans: 'total_ceased' },
  },
  {
    // The 2022 release: statements and EHC plans at January 2010–2022, by age.
    name: 'sen2_age_caseload',
    period: 'january',
    headline: row => row.characteristic_age === 'Total',
    breakdown: () => ['Age', 'Total'],
    columns: { ehcp_caseload: 'Total_all' },
  },
  {
    // The 2022 release's management information, 2014–2021.
    name: 'sen2_mi (2022 release)',
    period: 'calendar',
    headline: () => true,
    breakdown: total,
    columns: {
      requests: 'InreqEHC',
      requests_refused: 'AssRefusedEHC',
      new_plans: 'NewallEHC',
      issued_20wk_den_incl: 'TotIncExcEHC',
      issued_20wk_num_incl: 'IncExc20weekEHC',
      issued_20wk_pc_incl: 'IncExc20weekRate',
      issued_20wk_den_excl: 'TotNoExcEHC',
      issued_20wk_num_excl: 'NoExc20weekEHC',
      issued_20wk_pc_excl: 'NoExc20weekRate',
    },
  },
  {
    // The 2023 release's sen2_mi.csv, 2014–2022.
    name: 'sen2_mi',
    period: 'calendar',
    headline: () => true,
    breakdown: total,
    columns: {
      requests: 'inreq_ehc',
      requests_refused: 'ass_refused_ehc',
      new_plans: 'new_all_ehc',
      issued_20wk_den_incl: 'tot_inc_exc_ehc',
      issued_20wk_num_incl: 'inc_exc_20week_ehc',
      issued_20wk_pc_incl: 'inc_exc_20week_rate',
      issued_20wk_den_excl: 'tot_no_exc_ehc',
      issued_20wk_num_excl: 'no_exc_20week_ehc',
      issued_20wk_pc_excl: 'no_exc_20week_rate',
      ceased_plans: 'discontinued_total',
    },
  },
]

/** The shape whose key and measure columns the header has, or null. */
export function shapeOf(header: readonly string[]): FileShape | null {
  const have = new Set(header.map(h => h.trim()))
  if (!KEY_COLUMNS.every(c => have.has(c))) return null
  return SHAPES.find(s => Object.values(s.columns).every(c => have.has(c))) ?? null
}

/** Whether a file's first line (with a BOM or none) is the header of a known shape. */
export function isKnownHeader(line: string): boolean {
  try {
    const [header] = parse(line, { bom: true, to_line: 1 }) as string[][]
    return header !== undefined && shapeOf(header) !== null
  } catch {
    return false
  }
}

export type Cell = { value: number | null; marker: string | null }

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/

/**
 * A published cell: a number, or a suppression marker kept exactly as published (`x` unavailable,
 * `z` not applicable, `c` confidential, `''` blank, or anything else the file holds) with no value.
 */
export function classifyCell(raw: string): Cell {
  const text = raw.trim()
  if (NUMBER.test(text)) {
    const value = Number(text)
    if (Number.isFinite(value)) return { value, marker: null }
  }
  return { value: null, marker: text }
}

export const MARKER_EXPLANATIONS: Record<string, string> = {
  x: 'not available',
  z: 'not applicable',
  c: 'suppressed to protect confidentiality',
  '': 'left blank in the published file',
}

export function explainMarker(marker: string): string {
  return MARKER_EXPLANATIONS[marker.toLowerCase()] ?? 'not published as a number'
}

/**
 * The year a published time_period describes. A January census: '202425' (academic year 2024/25)
 * is January 2025; a four-digit '2022' is January 2022. A calendar year '2024' is 2024. Null when
 * the period is not one of these.
 */
export function periodYear(timePeriod: string, kind: PeriodKind): number | null {
  const text = timePeriod.trim()
  const academic = /^(\d{4})(\d{2})$/.exec(text)
  if (academic) {
    const start = Number(academic[1])
    if ((start + 1) % 100 !== Number(academic[2])) return null
    return kind === 'january' ? start + 1 : null
  }
  if (/^\d{4}$/.test(text)) return Number(text)
  return null
}

/** The reporting year of a release that publishes this period: Jan Y in year Y's release, calendar year Y in Y+1's. */
export const reportingYear = (year: number, kind: PeriodKind) => (kind === 'january' ? year : year + 1)

export type GeographicLevel = 'National' | 'Regional' | 'Local authority'

export type PublishedRow = {
  measure: Measure
  time_period: string
  period_year: number
  geographic_level: GeographicLevel
  area_code: string
  area_name: string
  region_code: string
  region_name: string
  breakdown_topic: string
  breakdown: string
  value: number | null
  marker: string | null
}

export type ParsedFile =
  { ok: true; shape: FileShape; rows: PublishedRow[]; latestReportingYear: number } | { ok: false; message: string }

function areaOf(row: Record<string, string>): { level: GeographicLevel; code: string; name: string } | null {
  switch (row.geographic_level) {
    case 'National':
      return { level: 'National', code: row.country_code || ENGLAND, name: row.country_name || 'England' }
    case 'Regional':
      return row.region_code ? { level: 'Regional', code: row.region_code, name: row.region_name ?? '' } : null
    case 'Local authority':
      return row.old_la_code ? { level: 'Local authority', code: row.old_la_code, name: row.la_name ?? '' } : null
    default:
      return null
  }
}

const UNKNOWN_SHAPE =
  'its columns are not those of a known DfE EHC plans file (caseload, requests, newplans, timeliness_20_week, ceased_plans, sen2_age_caseload or sen2_mi)'

/** Reads one published CSV (a UTF-8 BOM or none): its shape and headline rows, or why it cannot be read. */
export function parsePublishedCsv(text: string): ParsedFile {
  let records: string[][]
  try {
    // The header alone first: a file of another shape is refused without reading its rows.
    const [first] = parse(text, { bom: true, to_line: 1 }) as string[][]
    if (!first) return { ok: false, message: 'it is empty' }
    if (!shapeOf(first)) return { ok: false, message: UNKNOWN_SHAPE }
    records = parse(text, { bom: true, relax_column_count: false, skip_empty_lines: true }) as string[][]
  } catch (error) {
    return { ok: false, message: `it is not a readable CSV file (${(error as Error).message})` }
  }
  const [header, ...body] = records
  if (!header) return { ok: false, message: 'it is empty' }
  const names = header.map(h => h.trim())
  const shape = shapeOf(names)
  if (!shape) {
    return { ok: false, message: UNKNOWN_SHAPE }
  }
  const measures = Object.entries(shape.columns) as [Measure, string][]
  const rows: PublishedRow[] = []
  let latest = 0
  for (const cells of body) {
    const record: Record<string, string> = {}
    names.forEach((name, i) => (record[name] = cells[i] ?? ''))
    if (!shape.headline(record)) continue
    const area = areaOf(record)
    const year = periodYear(record.time_period ?? '', shape.period)
    if (!area || year === null) continue
    latest = Math.max(latest, reportingYear(year, shape.period))
    const [breakdownTopic, breakdown] = shape.breakdown(record)
    for (const [measure, column] of measures) {
      const cell = classifyCell(record[column] ?? '')
      rows.push({
        measure,
        time_period: record.time_period!.trim(),
        period_year: year,
        geographic_level: area.level,
        area_code: area.code,
        area_name: area.name,
        region_code: area.level === 'National' ? '' : (record.region_code ?? ''),
        region_name: area.level === 'National' ? '' : (record.region_name ?? ''),
        breakdown_topic: breakdownTopic,
        breakdown,
        ...cell,
      })
    }
  }
  if (!rows.length) return { ok: false, message: 'it has no rows for England, a region or a local authority' }
  return { ok: true, shape, rows, latestReportingYear: latest }
}

/** Year-on-year growth in per cent, to one decimal place; null without both years' numbers. */
export function growthPercent(previous: number | null, current: number | null): number | null {
  if (previous === null || current === null || previous === 0) return null
  return Math.round(((current - previous) / previous) * 1000) / 10
}

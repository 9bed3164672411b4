import { parse } from 'csv-parse/sync'
import { classifyCell, periodYear } from '../../insight/rules/published.ts'
import {
  accuracy,
  forecast,
  lastValue,
  linearTrend,
  METHOD,
  NO_CHANGE,
  quantile,
  total,
  type AgeGroup,
  type CohortHistory,
  type Method,
  type Point,
} from './forecast.ts'

// The forecast run on the DfE "Education, health and care plans" releases as published. The age
// breakdowns per authority come in two shapes: the 2022 release's sen2_age_caseload and
// sen2_age_new_plans (five age bands, January 2010–2022 and calendar years 2009–2021), and the 2025
// release's caseload.csv and newplans.csv (single years of age, January 2024–2025 and 2022–2024).
// Both are read into the five bands the 2022 release uses, so the same cohort method runs on either.
// The headline January totals (2019–2025 in the 2025 release) are what forecasts are scored against.

export const PUBLISHED_GROUPS: readonly AgeGroup[] = [
  { label: 'Under 5', firstAge: 0, width: 5 },
  { label: 'Age 5 to 10', firstAge: 5, width: 6 },
  { label: 'Age 11 to 15', firstAge: 11, width: 5 },
  { label: 'Age 16 to 19', firstAge: 16, width: 4 },
  { label: 'Age 20 to 25', firstAge: 20, width: 6 },
]

export const ENGLAND_KEY = 'england'

/** The band (index into PUBLISHED_GROUPS) of a published age label, or null for a total or unknown age. */
export function bandOf(label: string): number | null {
  const text = label.trim().toLowerCase()
  const band = PUBLISHED_GROUPS.findIndex(g => g.label.toLowerCase() === text)
  if (band >= 0) return band
  if (text === 'under 3' || text === 'age 2 and under') return 0
  if (text === 'age 20 and over') return 4
  const age = /^age (\d+)$/.exec(text)
  if (!age) return null
  const n = Number(age[1])
  for (let g = PUBLISHED_GROUPS.length - 1; g >= 0; g--) if (n >= PUBLISHED_GROUPS[g]!.firstAge) return g
  return null
}

type AreaData = {
  name: string
  stock: Map<number, Float64Array>
  newPlans: Map<number, Float64Array>
  totals: Map<number, number>
}

export type PublishedSeries = {
  area: string
  name: string
  history: CohortHistory
  /** The headline plans at each January (ascending). */
  totals: Point[]
}

/** The files a forecast reads from a release, by the name DfE gives them. */
export const FORECAST_FILES = [
  'sen2_age_caseload.csv',
  'sen2_age_new_plans.csv',
  'caseload.csv',
  'newplans.csv',
] as const

type FileReader = {
  period: 'january' | 'calendar'
  value: string
  /** The age label of a row, 'total' for a headline row, or null to skip it. */
  age: (row: Record<string, string>) => string | null
  target: 'stock' | 'newPlans'
}

const READERS: Record<(typeof FORECAST_FILES)[number], FileReader> = {
  'sen2_age_caseload.csv': {
    period: 'january',
    value: 'Total_all',
    age: r => (r.characteristic_age === 'Total' ? 'total' : (r.characteristic_age ?? null)),
    target: 'stock',
  },
  'sen2_age_new_plans.csv': {
    period: 'calendar',
    value: 'Total_new_all',
    age: r => (r.characteristic_age === 'Total' ? null : (r.characteristic_age ?? null)),
    target: 'newPlans',
  },
  'caseload.csv': {
    period: 'january',
    value: 'ehcplans',
    age: r =>
      r.breakdown_topic === 'All EHC plans'
        ? 'total'
        : r.breakdown_topic === 'Child or young persons age'
          ? (r.breakdown ?? null)
          : null,
    target: 'stock',
  },
  'newplans.csv': {
    period: 'calendar',
    value: 'new_ehc_plans',
    age: r => (r.breakdown_topic === 'Age when plan started' ? (r.breakdown ?? null) : null),
    target: 'newPlans',
  },
}

const areaKey = (row: Record<string, string>): string | null =>
  row.geographic_level === 'National'
    ? ENGLAND_KEY
    : row.geographic_level === 'Local authority' && row.old_la_code
      ? row.old_la_code.trim()
      : null

/**
 * Reads a release's forecast files into one series per area (England, and each authority by its old
 * LA code). Files are given oldest release first: a later release's figure for the same January,
 * year and band replaces an earlier one, as DfE revises them.
 */
export function readPublishedSeries(files: readonly { name: string; text: string }[]): Map<string, PublishedSeries> {
  const areas = new Map<string, AreaData>()
  for (const file of files) {
    const reader = READERS[file.name as keyof typeof READERS]
    if (!reader) continue
    const rows = parse(file.text, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[]
    // Within one file, a year's bands are gathered first so that they replace an earlier release's whole year.
    const fresh = new Map<string, Float64Array>()
    for (const row of rows) {
      const key = areaKey(row)
      if (!key) continue
      const age = reader.age(row)
      if (age === null) continue
      const year = periodYear(row.time_period ?? '', reader.period)
      if (year === null) continue
      const area = areas.get(key) ?? { name: '', stock: new Map(), newPlans: new Map(), totals: new Map() }
      areas.set(key, area)
      area.name = key === ENGLAND_KEY ? 'England' : (row.la_name ?? area.name)
      const value = classifyCell(row[reader.value] ?? '').value
      if (age === 'total') {
        if (value !== null) area.totals.set(year, value)
        continue
      }
      const band = bandOf(age)
      if (band === null) continue
      const id = `${key}\u0000${year}`
      let cells = fresh.get(id)
      if (!cells) {
        cells = new Float64Array(PUBLISHED_GROUPS.length)
        fresh.set(id, cells)
        ;(reader.target === 'stock' ? area.stock : area.newPlans).set(year, cells)
      }
      // A suppressed cell counts as none: suppression hides only very small numbers.
      cells[band]! += value ?? 0
    }
  }
  const out = new Map<string, PublishedSeries>()
  for (const [key, area] of areas) {
    const stockYears = [...area.stock.keys()].sort((a, b) => a - b)
    const newYears = [...area.newPlans.keys()].sort((a, b) => a - b)
    const totals = new Map(area.totals)
    // Where a January has its ages but no headline total, the bands are the total.
    for (const y of stockYears)
      if (!totals.has(y))
        totals.set(
          y,
          area.stock.get(y)!.reduce((a, b) => a + b, 0),
        )
    const headline = [...totals].map(([year, value]) => ({ year, value })).sort((a, b) => a.year - b.year)
    out.set(key, {
      area: key,
      name: area.name,
      history: {
        groups: PUBLISHED_GROUPS,
        strata: ['all'],
        januaries: stockYears.map(year => ({ year, stock: area.stock.get(year)! })),
        newPlans: newYears.map(year => ({ year, counts: area.newPlans.get(year)! })),
        totals: headline,
      },
      totals: headline,
    })
  }
  return out
}

/** The history as it stood at January `origin`: nothing published about later years. */
export function asAt(history: CohortHistory, origin: number): CohortHistory {
  return {
    ...history,
    januaries: history.januaries.filter(j => j.year <= origin),
    // New plans in year y are counted by January y + 1, so they are known at an origin after y.
    newPlans: history.newPlans.filter(n => n.year < origin),
    totals: history.totals?.filter(t => t.year <= origin),
  }
}

/** The method's projected total plans at each January after the origin (empty when it declines). */
export function projectedTotals(
  history: CohortHistory,
  origin: number,
  years: number,
  method: Method = METHOD,
): Point[] | null {
  const outcome = forecast(asAt(history, origin), years, NO_CHANGE, method)
  if (!outcome.ok || outcome.projection.origin !== origin) return null
  const p = outcome.projection
  return p.years.slice(1).map(y => ({ year: y.year, value: total(p, y.stock) }))
}

export const BACKTEST_ORIGINS = [2019, 2020, 2021, 2022] as const
export const BACKTEST_HORIZONS = [1, 2, 3] as const
export const METHODS = ['cohort', 'last value', 'linear trend'] as const
export type MethodName = (typeof METHODS)[number]

export type BacktestRow = {
  method: MethodName
  horizon: number
  mape: number
  bias: number
  /** Forecasts scored (authority × origin). */
  n: number
  /** The method's 10th and 90th percentile relative errors (the forecast's 80% band). */
  p10: number
  p90: number
}

export type Backtest = {
  origins: readonly number[]
  horizons: readonly number[]
  authorities: number
  /** Authorities left out, and why. */
  excluded: { area: string; name: string; reason: string }[]
  rows: BacktestRow[]
  /** Whether the cohort method's MAPE is below both baselines' at every horizon. */
  beatsBaselines: boolean
}

/**
 * Forecasts from each origin with the method and the two baselines, for every authority whose series
 * covers every origin and target, and scores them against the published totals.
 */
export function backtest(series: Iterable<PublishedSeries>, method: Method = METHOD): Backtest {
  const maxH = Math.max(...BACKTEST_HORIZONS)
  const pairs = new Map<string, { forecast: number; actual: number }[]>()
  const push = (m: MethodName, h: number, forecastValue: number, actual: number) => {
    const key = `${m}|${h}`
    const list = pairs.get(key) ?? []
    list.push({ forecast: forecastValue, actual })
    pairs.set(key, list)
  }
  const excluded: Backtest['excluded'] = []
  let authorities = 0
  for (const s of series) {
    if (s.area === ENGLAND_KEY) continue
    const actual = new Map(s.totals.map(p => [p.year, p.value]))
    const runs: { origin: number; cohort: Point[]; series: Point[] }[] = []
    let reason: string | null = null
    for (const origin of BACKTEST_ORIGINS) {
      const targets = BACKTEST_HORIZONS.map(h => origin + h)
      if (!targets.every(y => (actual.get(y) ?? 0) > 0)) {
        reason = `no published total for January ${targets.find(y => !((actual.get(y) ?? 0) > 0))}`
        break
      }
      const cohort = projectedTotals(s.history, origin, maxH, method)
      if (!cohort) {
        reason = `too little published history by age at January ${origin}`
        break
      }
      runs.push({ origin, cohort, series: s.totals.filter(p => p.year <= origin) })
    }
    if (reason) {
      excluded.push({ area: s.area, name: s.name, reason })
      continue
    }
    authorities++
    for (const run of runs) {
      const naive = lastValue(run.series, maxH)
      const trend = linearTrend(run.series, maxH)
      for (const h of BACKTEST_HORIZONS) {
        const a = actual.get(run.origin + h)!
        push('cohort', h, run.cohort[h - 1]!.value, a)
        push('last value', h, naive[h - 1]!, a)
        push('linear trend', h, trend[h - 1]!, a)
      }
    }
  }
  const rows: BacktestRow[] = []
  for (const method of METHODS) {
    for (const h of BACKTEST_HORIZONS) {
      const list = pairs.get(`${method}|${h}`) ?? []
      const errors = list.map(p => (p.forecast - p.actual) / p.actual)
      rows.push({ method, horizon: h, ...accuracy(list), p10: quantile(errors, 0.1), p90: quantile(errors, 0.9) })
    }
  }
  const mapeOf = (m: MethodName, h: number) => rows.find(r => r.method === m && r.horizon === h)!.mape
  const beatsBaselines = BACKTEST_HORIZONS.every(
    h => mapeOf('cohort', h) < mapeOf('last value', h) && mapeOf('cohort', h) < mapeOf('linear trend', h),
  )
  return { origins: BACKTEST_ORIGINS, horizons: BACKTEST_HORIZONS, authorities, excluded, rows, beatsBaselines }
}

import { z } from 'zod'

// The EHC plan forecast: a cohort-component projection. Each January's plans are counted by age group
// and by stratum (a primary need and locality, or one stratum for a published series). From one January
// to the next, the children in a group age on (a group w years wide passes 1/w of its plans to the next
// group), a share of them keep their plans (the continuation rate by age, so 1 − it is the rate of plans
// ceasing by age), and new plans start (counted by the group their holders are in at the next January).
// Both are projected forward with a damped linear trend fitted to the recent years. Works on plain
// arrays so that England's 700,000 plans project in well under a second; no dates, no I/O.

/** An age group: consecutive, youngest first. `firstAge` is the age at the start of the academic year. */
export type AgeGroup = { label: string; firstAge: number; width: number }

/** Counts by group and stratum, stratum-major: index = stratum × groups + group. */
export type Cells = Float64Array

export type CohortHistory = {
  groups: readonly AgeGroup[]
  strata: readonly string[]
  /** The plans in force at each January (ascending years). */
  januaries: readonly { year: number; stock: Cells }[]
  /** New plans in the year from January `year` to January `year + 1`, by their group and stratum at `year + 1`. */
  newPlans: readonly { year: number; counts: Cells }[]
  /** The plans at each January where they are known without the ages (a published headline); else the sums of `januaries`. */
  totals?: readonly Point[]
}

export type Scenario = {
  /** Change in new plans, per cent (e.g. 10 for 10% more new plans every year). */
  newPlansPercent: number
  /** Change in the rate of plans ceasing from age 16, per cent (e.g. 20 for a fifth more). */
  ceasingFrom16Percent: number
}

export const NO_CHANGE: Scenario = { newPlansPercent: 0, ceasingFrom16Percent: 0 }

/** The method's settings, fixed before the backtest was run (docs/forecasting.md says why each). */
export const METHOD = {
  /** How many recent years the trend lines are fitted to. */
  trendYears: 5,
  /** Each further year keeps this share of the previous year's trend. */
  damping: 0.8,
  /** Years of new plans whose mix by stratum splits a group's projected new plans. */
  mixYears: 3,
  /** New plans trend in their logarithm (growth by a share each year) rather than by a number each year. */
  newPlansTrend: 'linear' as 'linear' | 'log',
  /** Whether continuation rates follow their trend or stay at their recent level. */
  continuationTrend: true,
  /** Whether each year's level is the mean of the cohort projection and the linear trend of the totals. */
  blendWithTrend: true,
}
export type Method = typeof METHOD

/** Fewer than this many years of transitions and the forecast says so instead of guessing. */
export const MIN_TRANSITIONS = 1
export const MIN_NEW_PLAN_YEARS = 3

export type Projection = {
  groups: readonly AgeGroup[]
  strata: readonly string[]
  /** The January projected from (the last January of history). */
  origin: number
  /** The jump-off January and each projected January after it. */
  years: { year: number; stock: Cells }[]
  /** The continuation rates and new plans used for each projected year (index 0 is origin → origin + 1). */
  continuation: Float64Array[]
  newPlans: Float64Array[]
}

export type ForecastOutcome = { ok: true; projection: Projection } | { ok: false; reason: string }

/** What a group passes on at the next January before anyone ceases: its own stock that has not aged out, plus the younger group's that aged in. */
export function agedOn(groups: readonly AgeGroup[], stock: Cells, strata: number): Float64Array {
  const G = groups.length
  const out = new Float64Array(G * strata)
  for (let s = 0; s < strata; s++) {
    const base = s * G
    for (let g = 0; g < G; g++) {
      const w = groups[g]!.width
      let v = stock[base + g]! * (1 - 1 / w)
      if (g > 0) v += stock[base + g - 1]! / groups[g - 1]!.width
      out[base + g] = v
    }
  }
  return out
}

/** Sum over strata: a vector by group. */
export function byGroup(cells: Cells, groups: number, strata: number): Float64Array {
  const out = new Float64Array(groups)
  for (let s = 0; s < strata; s++) for (let g = 0; g < groups; g++) out[g]! += cells[s * groups + g]!
  return out
}

export type Point = { year: number; value: number }

/** Least-squares line through the points: level at `at` and slope per year. */
export function lineFit(points: readonly Point[], at: number): { level: number; slope: number } {
  const n = points.length
  if (n === 0) return { level: 0, slope: 0 }
  const mx = points.reduce((a, p) => a + p.year, 0) / n
  const my = points.reduce((a, p) => a + p.value, 0) / n
  let sxx = 0
  let sxy = 0
  for (const p of points) {
    sxx += (p.year - mx) ** 2
    sxy += (p.year - mx) * (p.value - my)
  }
  const slope = sxx > 0 ? sxy / sxx : 0
  return { level: my + slope * (at - mx), slope }
}

/**
 * A damped linear trend: the line through the last `trendYears` points, from its value at the last
 * point, each year ahead adding the slope times damping^h. Returns the value 1…`ahead` years on.
 */
export function dampedTrend(points: readonly Point[], ahead: number, method: Method = METHOD): number[] {
  const recent = points.slice(-method.trendYears)
  const last = recent[recent.length - 1]
  if (!last) return Array.from({ length: ahead }, () => 0)
  const { level, slope } = recent.length >= 3 ? lineFit(recent, last.year) : { level: last.value, slope: 0 }
  const out: number[] = []
  let drift = 0
  let factor = 1
  for (let h = 1; h <= ahead; h++) {
    factor *= method.damping
    drift += slope * factor
    out.push(level + drift)
  }
  return out
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

/** The continuation rate of each group for each transition that has both Januaries and its new plans. */
export function continuationHistory(history: CohortHistory): { year: number; rates: (number | null)[] }[] {
  const G = history.groups.length
  const S = history.strata.length
  const stockAt = new Map(history.januaries.map(j => [j.year, j.stock]))
  const out: { year: number; rates: (number | null)[] }[] = []
  for (const { year, counts } of history.newPlans) {
    const from = stockAt.get(year)
    const to = stockAt.get(year + 1)
    if (!from || !to) continue
    const exposure = byGroup(agedOn(history.groups, from, S), G, S)
    const arrived = byGroup(to, G, S)
    const started = byGroup(counts, G, S)
    const rates = Array.from(exposure, (e, g) => (e > 0 ? clamp((arrived[g]! - started[g]!) / e, 0, 1) : null))
    out.push({ year, rates })
  }
  return out
}

/** Checks that a history can carry a forecast; the reason is for a person to read. */
export function historyProblem(history: CohortHistory): string | null {
  const transitions = continuationHistory(history).length
  const newYears = history.newPlans.length
  const januaries = history.januaries.length
  if (januaries === 0)
    return 'There are no plans in force at any January in the records, so there is nothing to project.'
  if (transitions < MIN_TRANSITIONS || newYears < MIN_NEW_PLAN_YEARS) {
    return `A forecast needs at least ${MIN_NEW_PLAN_YEARS} years of new plans and two consecutive Januaries of plans by age; these records have ${newYears} year${newYears === 1 ? '' : 's'} of new plans and ${transitions} year-to-year change${transitions === 1 ? '' : 's'}. No forecast is shown rather than a guess.`
  }
  return null
}

/**
 * Projects the history `years` Januaries on from its last January, with the scenario applied. The
 * cohort projection gives the shape (by age, need and locality); its level each year is blended half
 * and half with the linear trend of the January totals, because the backtest showed the combination
 * more accurate than either (docs/forecasting.md). A scenario moves the cohort projection, and the
 * blend is applied to it in proportion, so a scenario's whole effect shows.
 */
export function forecast(
  history: CohortHistory,
  years: number,
  scenario: Scenario = NO_CHANGE,
  method: Method = METHOD,
): ForecastOutcome {
  const problem = historyProblem(history)
  if (problem) return { ok: false, reason: problem }
  const base = cohortProjection(history, years, NO_CHANGE, method)
  const moved =
    scenario.newPlansPercent === 0 && scenario.ceasingFrom16Percent === 0
      ? base
      : cohortProjection(history, years, scenario, method)
  if (!method.blendWithTrend) return { ok: true, projection: moved }
  const totals = history.totals ?? history.januaries.map(j => ({ year: j.year, value: sum(j.stock) }))
  const trend = linearTrend(
    totals.filter(t => t.year <= base.origin),
    years,
  )
  const years_ = moved.years.map((y, h) => {
    if (h === 0) return y
    const cohort = sum(base.years[h]!.stock)
    const k = cohort > 0 ? (cohort + trend[h - 1]!) / 2 / cohort : 1
    return { year: y.year, stock: y.stock.map(v => v * k) }
  })
  return { ok: true, projection: { ...moved, years: years_ } }
}

const sum = (cells: Cells) => cells.reduce((a, b) => a + b, 0)

/** The cohort-component projection alone. */
export function cohortProjection(
  history: CohortHistory,
  years: number,
  scenario: Scenario = NO_CHANGE,
  method: Method = METHOD,
): Projection {
  const { groups, strata } = history
  const G = groups.length
  const S = strata.length
  const jump = history.januaries[history.januaries.length - 1]!

  // Continuation rates by group: a damped trend through each group's own history.
  const rateHistory = continuationHistory(history)
  const continuation = Array.from({ length: years }, () => new Float64Array(G))
  // Factors below nothing mean nothing: a scenario never makes plans negative.
  const ceasing = Math.max(0, 1 + scenario.ceasingFrom16Percent / 100)
  for (let g = 0; g < G; g++) {
    const points = rateHistory.flatMap(r => (r.rates[g] === null ? [] : [{ year: r.year, value: r.rates[g]! }]))
    const ahead = !points.length
      ? Array.from({ length: years }, () => 0)
      : method.continuationTrend
        ? dampedTrend(points, years, method)
        : Array.from({ length: years }, () => mean(points.slice(-3).map(p => p.value)))
    for (let h = 0; h < years; h++) {
      let rate = clamp(ahead[h]!, 0, 1)
      if (groups[g]!.firstAge >= 16) rate = clamp(1 - (1 - rate) * ceasing, 0, 1)
      continuation[h]![g] = rate
    }
  }

  // New plans by group: a damped trend through each group's yearly totals; split across strata by the recent mix.
  const newPlans = Array.from({ length: years }, () => new Float64Array(G))
  const more = Math.max(0, 1 + scenario.newPlansPercent / 100)
  const totals = history.newPlans.map(n => ({ year: n.year, byGroup: byGroup(n.counts, G, S) }))
  for (let g = 0; g < G; g++) {
    const points = totals.map(t => ({ year: t.year, value: t.byGroup[g]! }))
    const ahead =
      method.newPlansTrend === 'log'
        ? dampedTrend(
            points.map(p => ({ year: p.year, value: Math.log1p(p.value) })),
            years,
            method,
          ).map(Math.expm1)
        : dampedTrend(points, years, method)
    for (let h = 0; h < years; h++) newPlans[h]![g] = Math.max(0, ahead[h]!) * more
  }
  const mix = strataMix(history, method.mixYears)

  const out: { year: number; stock: Cells }[] = [{ year: jump.year, stock: Float64Array.from(jump.stock) }]
  let stock: Cells = jump.stock
  for (let h = 0; h < years; h++) {
    const next = agedOn(groups, stock, S)
    for (let s = 0; s < S; s++) {
      for (let g = 0; g < G; g++) {
        const i = s * G + g
        next[i] = next[i]! * continuation[h]![g]! + newPlans[h]![g]! * mix[i]!
      }
    }
    out.push({ year: jump.year + h + 1, stock: next })
    stock = next
  }
  return { groups, strata, origin: jump.year, years: out, continuation, newPlans }
}

/**
 * Each stratum's share of a group's new plans over the last `years` years (pooled, so a sparse group is
 * not split by one year's chance), falling back to its share of all new plans when the group had none.
 */
export function strataMix(history: CohortHistory, years: number): Float64Array {
  const G = history.groups.length
  const S = history.strata.length
  const sum = new Float64Array(G * S)
  for (const n of history.newPlans.slice(-years)) for (let i = 0; i < sum.length; i++) sum[i]! += n.counts[i]!
  const perGroup = byGroup(sum, G, S)
  const perStratum = new Float64Array(S)
  let all = 0
  for (let s = 0; s < S; s++) for (let g = 0; g < G; g++) perStratum[s]! += sum[s * G + g]!
  for (let s = 0; s < S; s++) all += perStratum[s]!
  const mix = new Float64Array(G * S)
  for (let s = 0; s < S; s++) {
    for (let g = 0; g < G; g++) {
      const i = s * G + g
      mix[i] = perGroup[g]! > 0 ? sum[i]! / perGroup[g]! : all > 0 ? perStratum[s]! / all : 1 / S
    }
  }
  return mix
}

/** The total of the cells whose stratum and group the predicates keep. */
export function total(
  projection: Pick<Projection, 'groups' | 'strata'>,
  cells: Cells,
  keepStratum: (s: number) => boolean = () => true,
  keepGroup: (g: number) => boolean = () => true,
): number {
  const G = projection.groups.length
  let sum = 0
  for (let s = 0; s < projection.strata.length; s++) {
    if (!keepStratum(s)) continue
    for (let g = 0; g < G; g++) if (keepGroup(g)) sum += cells[s * G + g]!
  }
  return sum
}

/**
 * The 80% interval around a forecast h years ahead, as relative errors [low, high]: the 10th and 90th
 * percentiles of the method's errors per horizon in the published backtest (docs/forecasting.md), and
 * beyond 3 years the 3-year interval widened in proportion to the horizon (a stated assumption).
 */
export const INTERVAL_BY_HORIZON: readonly (readonly [number, number])[] = [
  [-0.077, 0.044],
  [-0.14, 0.061],
  [-0.206, 0.068],
]

export function interval(horizon: number): readonly [number, number] {
  if (horizon <= 0) return [0, 0]
  const known = INTERVAL_BY_HORIZON[horizon - 1]
  if (known) return known
  const [lo, hi] = INTERVAL_BY_HORIZON[INTERVAL_BY_HORIZON.length - 1]!
  const scale = horizon / INTERVAL_BY_HORIZON.length
  return [Math.max(-0.95, lo * scale), hi * scale]
}

export type ForecastPoint = { year: number; value: number; low: number; high: number }

/** A projected series with its band, rounded to whole plans (the jump-off January is its own band). */
export function withBands(origin: number, values: readonly Point[]): ForecastPoint[] {
  return values.map(({ year, value }) => {
    const [lo, hi] = interval(year - origin)
    return {
      year,
      value: Math.round(value),
      low: Math.round(value * (1 + lo)),
      high: Math.round(value * (1 + hi)),
    }
  })
}

// --- Naive baselines and accuracy ------------------------------------------------------------------

/** Last value: every future January is the same as the last. */
export function lastValue(series: readonly Point[], ahead: number): number[] {
  const last = series[series.length - 1]?.value ?? 0
  return Array.from({ length: ahead }, () => last)
}

/** Linear trend: the least-squares line through the last five Januaries, carried on. */
export function linearTrend(series: readonly Point[], ahead: number, years = 5): number[] {
  const recent = series.slice(-years)
  const last = recent[recent.length - 1]
  if (!last) return Array.from({ length: ahead }, () => 0)
  const { level, slope } = lineFit(recent, last.year)
  return Array.from({ length: ahead }, (_, i) => Math.max(0, level + slope * (i + 1)))
}

/** Mean absolute percentage error and mean signed percentage error (bias; positive means forecasts too high). */
export function accuracy(pairs: readonly { forecast: number; actual: number }[]): {
  mape: number
  bias: number
  n: number
} {
  const usable = pairs.filter(p => p.actual > 0)
  if (!usable.length) return { mape: NaN, bias: NaN, n: 0 }
  let abs = 0
  let signed = 0
  for (const p of usable) {
    const e = (p.forecast - p.actual) / p.actual
    abs += Math.abs(e)
    signed += e
  }
  return { mape: (100 * abs) / usable.length, bias: (100 * signed) / usable.length, n: usable.length }
}

/** The q-quantile (0…1) of the values, by linear interpolation. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (!sorted.length) return NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

// --- Scenario input --------------------------------------------------------------------------------

const percent = (name: string, min: number, max: number) =>
  z.preprocess(
    v => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z.coerce
      .number({ message: `${name} must be a number, such as 10 or -5` })
      .refine(Number.isFinite, { message: `${name} must be a number, such as 10 or -5` })
      .refine(v => Number.isInteger(v), { message: `${name} must be a whole number of per cent` })
      .refine(v => v >= min && v <= max, { message: `${name} must be between ${min}% and ${max}%` })
      .default(0),
  )

export const scenarioSchema = z.object({
  newPlansPercent: percent('Change in new plans', -50, 100),
  ceasingFrom16Percent: percent('Change in plans ceasing from age 16', -100, 200),
  years: z.preprocess(
    v => (v === undefined || (typeof v === 'string' && v.trim() === '') ? undefined : v),
    z.coerce
      .number({ message: 'Years ahead must be 3, 4 or 5' })
      .refine(v => v === 3 || v === 4 || v === 5, { message: 'Years ahead must be 3, 4 or 5' })
      .default(5),
  ),
})
export type ScenarioInput = z.infer<typeof scenarioSchema>

// The forecast at England's scale: about 700,000 synthetic EHC plans (made up here, deterministically:
// dates of birth, issue and cease dates, 13 primary needs, 152 authorities as localities) held in plain
// columns, read into the cohort history (the six Januaries the service reads) and projected five years ahead with a
// scenario, with every breakdown, run after run. Target < 5 s. When BENCH_ENGLAND_DATABASE_URL names a
// database made by `opensend generate england`, it also times the forecast page's work for the largest
// authority read from that database on PostgreSQL: the six Januaries' caseloads, then the projection.
import { censusDate } from '../src/insight/rules/caseload.ts'
import { ForecastService, HISTORY_YEARS, summarise as breakdowns } from '../src/planning/forecast-service.ts'
import { createDb } from '../src/platform/db/index.ts'
import { systemClock } from '../src/platform/time/clock.ts'
import { forecast, NO_CHANGE } from '../src/planning/rules/forecast.ts'
import { dayNumber, historyFromPlans, NOT_CEASED, type PlanColumns } from '../src/planning/rules/forecast-plans.ts'
import { machine, report, summarise } from './lib.ts'

const before = machine()
const PLANS = Number(process.env.BENCH_FORECAST_PLANS ?? 700_000)
const RUNS = Number(process.env.BENCH_RUNS_FORECAST ?? 7)
const TARGET_MS = 5000
const ORIGIN = 2026
const YEARS = Array.from({ length: HISTORY_YEARS }, (_, i) => ORIGIN - HISTORY_YEARS + 1 + i)
const NEEDS = ['ASD', 'SEMH', 'SLCN', 'MLD', 'SPLD', 'SLD', 'PMLD', 'PD', 'HI', 'VI', 'MSI', 'OTH', 'DS']
const AUTHORITIES = 152

function synthesise(n: number): PlanColumns {
  let seed = 20260115
  const random = () => {
    // mulberry32: small, fast and the same on every machine.
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  const strata = AUTHORITIES * NEEDS.length
  const columns: PlanColumns = {
    strata: Array.from({ length: strata }, (_, s) => `${NEEDS[s % NEEDS.length]}|LA${Math.floor(s / NEEDS.length)}`),
    issued: new Int32Array(n),
    ceased: new Int32Array(n),
    ncAtLast: new Int16Array(n),
    stratum: new Int32Array(n),
  }
  const lastCensus = dayNumber(censusDate(ORIGIN))
  for (let i = 0; i < n; i++) {
    // Issued over 2012–2025, more each year (the square root skews towards recent years).
    const issued = dayNumber('2012-01-01') + Math.floor(Math.sqrt(random()) * 14 * 365)
    const ageAtIssue = 2 + Math.floor(random() * 16)
    const born = issued - ageAtIssue * 365 - Math.floor(random() * 365)
    const ceaseAge = random() < 0.5 ? 16 + Math.floor(random() * 4) : 19 + Math.floor(random() * 7)
    const ceased = born + ceaseAge * 365 + Math.floor(random() * 365)
    columns.issued[i] = issued
    columns.ceased[i] = ceased > issued && random() < 0.9 ? ceased : NOT_CEASED
    // NC year at the last January: age on the previous 31 August minus 4.
    columns.ncAtLast[i] = Math.floor((lastCensus - 140 - born) / 365.25) - 4
    columns.stratum[i] = Math.floor(random() * strata)
  }
  return columns
}

const plans = synthesise(PLANS)
const censusDays = YEARS.map(y => dayNumber(censusDate(y)))
const samples: number[] = []
let inForce = 0
let last = 0
for (let i = 0; i < RUNS + 1; i++) {
  const started = performance.now()
  const history = historyFromPlans(plans, YEARS, censusDays)
  const scenario = { newPlansPercent: 10, ceasingFrom16Percent: 20 }
  const moved = forecast(history, 5, scenario)
  const base = forecast(history, 5, NO_CHANGE)
  if (!moved.ok || !base.ok) throw new Error('the forecast declined')
  const view = breakdowns(moved.projection, base.projection, {})
  inForce = view.series[0]!.value
  last = view.series[view.series.length - 1]!.value
  if (i > 0) samples.push(performance.now() - started)
}
const figures = summarise(samples)

/** The forecast for one authority read from the generated England database, or null without one. */
async function fromDatabase(url: string | undefined, laCode: string) {
  if (!url) return null
  const database = await createDb({ databaseUrl: url })
  try {
    const service = new ForecastService(database.db, laCode, systemClock)
    const times: number[] = []
    let plansAtOrigin = 0
    for (let i = 0; i < RUNS + 1; i++) {
      const started = performance.now()
      const history = await service.history()
      const moved = forecast(history, 5, { newPlansPercent: 10, ceasingFrom16Percent: 20 })
      const base = forecast(history, 5, NO_CHANGE)
      if (!moved.ok || !base.ok) throw new Error(`the forecast declined for LA ${laCode}`)
      plansAtOrigin = breakdowns(moved.projection, base.projection, {}).series[0]!.value
      if (i > 0) times.push(performance.now() - started)
    }
    return { la: laCode, plans_at_origin: plansAtOrigin, ...summarise(times) }
  } finally {
    await database.close()
  }
}
const database = await fromDatabase(process.env.BENCH_ENGLAND_DATABASE_URL, process.env.BENCH_ENGLAND_LA ?? '886')

report('forecast-england', {
  ...figures,
  from_database:
    database ?? 'skipped: set BENCH_ENGLAND_DATABASE_URL to a database made by `opensend generate england`',
  target_ms: TARGET_MS,
  pass: figures.median_ms < TARGET_MS,
  plans: PLANS,
  in_force_at_jump_off: inForce,
  projected_in_5_years: last,
  strata: plans.strata.length,
  machine_before: before,
  machine_after: machine(),
})

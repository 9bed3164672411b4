import type { Kysely } from 'kysely'
import { caseloadRecords, type CaseloadRow } from '../insight/caseload.ts'
import { AGE_BANDS, ageBandOf, censusDate, type AgeBand } from '../insight/rules/caseload.ts'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import {
  forecast,
  METHOD,
  NO_CHANGE,
  scenarioSchema,
  total,
  withBands,
  type CohortHistory,
  type ForecastPoint,
  type Projection,
  type Scenario,
  type ScenarioInput,
} from './rules/forecast.ts'
import { cohortHistory } from './rules/forecast-plans.ts'

// The forecast of this authority's EHC plans from its own records: the plans in force at each January
// census date (the insight caseload, src/insight/caseload.ts, the one definition of a plan in force),
// by NC year, primary need and the locality of the named setting. New plans between two Januaries are
// those in force at the second and not the first. The projection itself is the pure rule in
// rules/forecast.ts.

export const FORECAST_ROLES: readonly Role[] = ['la_admin', 'send_manager', 'finance_officer']

/** Januaries of history read: as many as the trend lines are fitted to, and the January before them. */
export const HISTORY_YEARS = METHOD.trendYears + 1

export type ProjectedPlansOptions = {
  /** Januaries ahead, 1–10 (default 5). */
  years?: number
  newPlansPercent?: number
  ceasingFrom16Percent?: number
}

export type ForecastFilter = { need?: string; ageBand?: AgeBand; locality?: string }

export type ForecastView =
  | {
      ok: true
      origin: number
      censusDate: string
      scenario: ScenarioInput
      /** The total (within the filter) at the jump-off January and each January ahead, with the band. */
      series: ForecastPoint[]
      /** The same with no scenario applied, for comparison. */
      baseline: ForecastPoint[]
      byNeed: { key: string; values: number[] }[]
      byAgeBand: { key: string; values: number[] }[]
      byNcYear: { key: string; values: number[] }[]
      byLocality: { key: string; values: number[] }[]
      years: number[]
      needs: string[]
      localities: string[]
    }
  | { ok: false; reason: string; scenario: ScenarioInput; needs: string[]; localities: string[] }

export class ForecastService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {}

  mayRead(actor: Actor): boolean {
    return FORECAST_ROLES.includes(actor.role)
  }

  /** The last January census date on or before today: the forecast's jump-off. */
  origin(): number {
    const today = this.clock.today()
    const year = Number(today.slice(0, 4))
    return censusDate(year) <= today ? year : year - 1
  }

  /** The plans in force at each January of history, as the cohort rule reads them. */
  async history(): Promise<CohortHistory> {
    return (await this.historyWithRecords()).history
  }

  /** The history, and the plans in force at its last January one by one (for sufficiency's placement mix). */
  async historyWithRecords(): Promise<{ history: CohortHistory; latest: CaseloadRow[] }> {
    const origin = this.origin()
    const years = Array.from({ length: HISTORY_YEARS }, (_, i) => origin - HISTORY_YEARS + 1 + i)
    const records = await Promise.all(years.map(y => caseloadRecords(this.db, this.laCode, censusDate(y))))
    return { history: cohortHistory(years, records), latest: records[records.length - 1]! }
  }

  /**
   * Total EHC plans at each January for the next `years` Januaries (after the last census date), with
   * the 80% band, under the scenario. Empty when the records hold too little history to forecast.
   * For other areas' services (the High Needs budget's deficit trajectory): no actor, no audit, aggregates only.
   */
  async projectedPlans(options: ProjectedPlansOptions = {}): Promise<ForecastPoint[]> {
    const years = Math.min(10, Math.max(1, Math.round(options.years ?? 5)))
    const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : 0)
    const scenario: Scenario = {
      newPlansPercent: finite(options.newPlansPercent),
      ceasingFrom16Percent: finite(options.ceasingFrom16Percent),
    }
    const outcome = forecast(await this.history(), years, scenario)
    if (!outcome.ok) return []
    const p = outcome.projection
    return withBands(
      p.origin,
      p.years.slice(1).map(y => ({ year: y.year, value: total(p, y.stock) })),
    )
  }

  /** The forecast page: a scenario and filters checked (ValidationError naming each problem), read audited. */
  async view(actor: Actor, input: Record<string, unknown>, filter: ForecastFilter): Promise<ForecastView> {
    if (!this.mayRead(actor)) throw new ForbiddenError()
    const scenario = parseOrThrow(scenarioSchema, input)
    const history = await this.history()
    const needs = [...new Set(history.strata.map(s => s.split('|')[0]!))].sort()
    const localities = [...new Set(history.strata.map(s => s.split('|')[1]!))].sort()
    await audit(this.db, this.laCode, actor, {
      action: 'planning.forecast.read',
      details: { scenario, filter },
    })
    const outcome = forecast(history, scenario.years, scenario)
    if (!outcome.ok) return { ok: false, reason: outcome.reason, scenario, needs, localities }
    const base = forecast(history, scenario.years, NO_CHANGE)
    return {
      ok: true,
      ...summarise(outcome.projection, base.ok ? base.projection : outcome.projection, filter),
      scenario,
      needs,
      localities,
    }
  }
}

/** A projection read through the filter: the total, and the breakdowns, at each January. */
export function summarise(projection: Projection, baseline: Projection, filter: ForecastFilter) {
  const G = projection.groups.length
  const needOf = projection.strata.map(s => s.split('|')[0]!)
  const localityOf = projection.strata.map(s => s.split('|')[1]!)
  const bandOfGroup = projection.groups.map(g => ageBandOf(Number(g.label)))
  const keepStratum = (s: number) =>
    (!filter.need || needOf[s] === filter.need) && (!filter.locality || localityOf[s] === filter.locality)
  const keepGroup = (g: number) => !filter.ageBand || bandOfGroup[g] === filter.ageBand
  const seriesOf = (p: Projection) =>
    withBands(
      p.origin,
      p.years.map(y => ({ year: y.year, value: total(p, y.stock, keepStratum, keepGroup) })),
    )
  const breakdown = (keys: readonly string[], keyOfCell: (s: number, g: number) => string) => {
    const out = new Map<string, number[]>()
    for (const k of keys)
      out.set(
        k,
        projection.years.map(() => 0),
      )
    projection.years.forEach((y, t) => {
      for (let s = 0; s < projection.strata.length; s++) {
        if (!keepStratum(s)) continue
        for (let g = 0; g < G; g++) {
          if (!keepGroup(g)) continue
          const row = out.get(keyOfCell(s, g))
          if (row) row[t]! += y.stock[s * G + g]!
        }
      }
    })
    return [...out]
      .map(([key, values]) => ({ key, values: values.map(Math.round) }))
      .filter(r => r.values.some(v => v > 0))
  }
  return {
    origin: projection.origin,
    censusDate: censusDate(projection.origin),
    years: projection.years.map(y => y.year),
    series: seriesOf(projection),
    baseline: seriesOf(baseline),
    byNeed: breakdown([...new Set(needOf)].sort(), s => needOf[s]!),
    byAgeBand: breakdown(
      AGE_BANDS.map(b => b.code),
      (_, g) => bandOfGroup[g]!,
    ),
    byLocality: breakdown([...new Set(localityOf)].sort(), s => localityOf[s]!),
    // NC years before nursery (-2 and below) share one row, "Early years", as the dashboards show them.
    byNcYear: breakdown([...new Set(projection.groups.map(g => String(Math.max(-2, Number(g.label)))))], (_, g) =>
      String(Math.max(-2, Number(projection.groups[g]!.label))),
    ),
  }
}

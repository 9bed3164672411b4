import type { AgeGroup, CohortHistory } from './forecast.ts'

// From plans to the cohort history the forecast reads: the plans in force at each January census by NC
// year and stratum (primary need and locality), and the new plans between one January and the next
// (in force at the second and not the first). Two ways in that give the same answer (the tests hold
// them together): the caseload records at each January, as src/insight/caseload.ts reads them for an
// authority; and plain columns of plans, for England-scale data held in memory.

/** The NC years the cohort runs over, one group each: nursery-age and younger share the first, 20 and over the last. */
export const NC_FROM = -4
export const NC_TO = 20
export const NC_GROUPS: readonly AgeGroup[] = Array.from({ length: NC_TO - NC_FROM + 1 }, (_, i) => ({
  label: String(NC_FROM + i),
  firstAge: NC_FROM + i + 4,
  width: 1,
}))

export const ncIndex = (nc: number) => Math.min(NC_TO, Math.max(NC_FROM, nc)) - NC_FROM

/** A plan in force at a January, as the caseload records it. */
export type JanuaryRecord = { planId: string; ncYear: number; need: string; locality: string }

export const stratumKey = (need: string, locality: string) => `${need}|${locality}`

/** Januaries before the first plan carry nothing to learn from. */
function fromFirstPlan(history: CohortHistory): CohortHistory {
  const first = history.januaries.findIndex(j => j.stock.some(v => v > 0))
  if (first < 0) return { ...history, januaries: [], newPlans: [] }
  return { ...history, januaries: history.januaries.slice(first), newPlans: history.newPlans.slice(first) }
}

/** Cohort history from the caseload records at consecutive Januaries. */
export function cohortHistory(years: readonly number[], records: readonly (readonly JanuaryRecord[])[]): CohortHistory {
  const strata = [...new Set(records.flat().map(r => stratumKey(r.need, r.locality)))].sort()
  const index = new Map(strata.map((s, i) => [s, i]))
  const G = NC_GROUPS.length
  const cell = (r: JanuaryRecord) => index.get(stratumKey(r.need, r.locality))! * G + ncIndex(r.ncYear)
  const januaries = years.map((year, t) => {
    const stock = new Float64Array(G * strata.length)
    for (const r of records[t]!) stock[cell(r)]! += 1
    return { year, stock }
  })
  const newPlans = years.slice(0, -1).map((year, t) => {
    const before = new Set(records[t]!.map(r => r.planId))
    const counts = new Float64Array(G * strata.length)
    for (const r of records[t + 1]!) if (!before.has(r.planId)) counts[cell(r)]! += 1
    return { year, counts }
  })
  return fromFirstPlan({ groups: NC_GROUPS, strata, januaries, newPlans })
}

/**
 * Plans as columns: when each was issued and ceased (day numbers; ceased at or after NOT_CEASED for
 * none), the holder's NC year at the last January, and the plan's stratum (an index into `strata`).
 */
export type PlanColumns = {
  strata: readonly string[]
  issued: Int32Array
  ceased: Int32Array
  ncAtLast: Int16Array
  stratum: Int32Array
}

export const NOT_CEASED = 2 ** 31 - 1

/** Days since 1970-01-01 of an ISO date. */
export const dayNumber = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000)

/**
 * Cohort history from plan columns at the census days of consecutive Januaries (the last is the one
 * `ncAtLast` refers to). A child's NC year goes up by exactly one each January.
 */
export function historyFromPlans(
  plans: PlanColumns,
  years: readonly number[],
  censusDays: readonly number[],
): CohortHistory {
  const G = NC_GROUPS.length
  const S = plans.strata.length
  const T = years.length
  const stock = years.map(() => new Float64Array(G * S))
  const counts = years.slice(0, -1).map(() => new Float64Array(G * S))
  const n = plans.issued.length
  for (let i = 0; i < n; i++) {
    const issued = plans.issued[i]!
    const ceased = plans.ceased[i]!
    const base = plans.stratum[i]! * G
    const nc = plans.ncAtLast[i]!
    let was = false
    for (let t = 0; t < T; t++) {
      const day = censusDays[t]!
      const now = issued <= day && ceased > day
      if (now) {
        const c = base + ncIndex(nc - (T - 1 - t))
        stock[t]![c]! += 1
        if (t > 0 && !was) counts[t - 1]![c]! += 1
      }
      was = now
    }
  }
  return fromFirstPlan({
    groups: NC_GROUPS,
    strata: plans.strata,
    januaries: years.map((year, t) => ({ year, stock: stock[t]! })),
    newPlans: years.slice(0, -1).map((year, t) => ({ year, counts: counts[t]! })),
  })
}

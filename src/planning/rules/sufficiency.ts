import type { Projection } from './forecast.ts'

// Sufficiency: how many of the forecast plans will want a special-school or resource-base place. The
// share of plans in each provision is taken from the plans in force now, by primary need, locality and
// age group, and applied to the forecast of the same need, locality and age group: today's pattern of
// placement carried forward, so the demand at the jump-off January is exactly the plans placed now. A
// plan's locality is its named setting's, so a special school's pupils count where the school is.

export const PROVISIONS = ['special', 'resource_base'] as const
export type Provision = (typeof PROVISIONS)[number]

export type PlacedPlan = { need: string; locality: string; ageBand: string; provision: Provision | null }

/** The share of plans of each need, locality and age group in each provision: key `need|locality|ageBand|provision`. */
export function placementMix(plans: readonly PlacedPlan[]): Map<string, number> {
  const all = new Map<string, number>()
  const placed = new Map<string, number>()
  for (const p of plans) {
    const cell = `${p.need}|${p.locality}|${p.ageBand}`
    all.set(cell, (all.get(cell) ?? 0) + 1)
    if (p.provision) placed.set(`${cell}|${p.provision}`, (placed.get(`${cell}|${p.provision}`) ?? 0) + 1)
  }
  const mix = new Map<string, number>()
  for (const [key, n] of placed) mix.set(key, n / all.get(key.split('|').slice(0, 3).join('|'))!)
  return mix
}

/**
 * Demand for places at each January of the projection: by `locality|provision` and by `need|provision`.
 * Strata are `need|locality`; `bandOf` names each age group's age band.
 */
export function projectedDemand(
  projection: Pick<Projection, 'groups' | 'strata' | 'years'>,
  mix: ReadonlyMap<string, number>,
  bandOf: (group: number) => string,
): { byLocality: Map<string, number[]>; byNeed: Map<string, number[]> } {
  const G = projection.groups.length
  const T = projection.years.length
  const byLocality = new Map<string, number[]>()
  const byNeed = new Map<string, number[]>()
  const add = (map: Map<string, number[]>, key: string, t: number, v: number) => {
    const row = map.get(key) ?? Array.from({ length: T }, () => 0)
    row[t]! += v
    map.set(key, row)
  }
  projection.strata.forEach((stratum, s) => {
    const [need, locality] = stratum.split('|') as [string, string]
    for (const provision of PROVISIONS) {
      add(byLocality, `${locality}|${provision}`, 0, 0)
      for (let g = 0; g < G; g++) {
        const share = mix.get(`${need}|${locality}|${bandOf(g)}|${provision}`) ?? 0
        if (!share) continue
        projection.years.forEach((y, t) => {
          const v = y.stock[s * G + g]! * share
          add(byLocality, `${locality}|${provision}`, t, v)
          add(byNeed, `${need}|${provision}`, t, v)
        })
      }
    }
  })
  return { byLocality, byNeed }
}

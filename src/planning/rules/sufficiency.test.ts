import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ageBandOf } from '../../insight/rules/caseload.ts'
import { forecast } from './forecast.ts'
import { cohortHistory, type JanuaryRecord } from './forecast-plans.ts'
import { placementMix, projectedDemand, PROVISIONS, type Provision } from './sufficiency.ts'

const planArb = fc.record({
  ncYear: fc.integer({ min: -2, max: 16 }),
  need: fc.constantFrom('ASD', 'SEMH', 'SLD'),
  locality: fc.constantFrom('N', 'S'),
  provision: fc.constantFrom<Provision | null>('special', 'resource_base', null, null),
})

describe('sufficiency: demand for specialist places', () => {
  it('starts from exactly the plans placed now, in each locality and for each need, and never goes negative', () => {
    fc.assert(
      fc.property(fc.array(planArb, { minLength: 1, maxLength: 80 }), plans => {
        // Four Januaries of the same caseload, each child a year older: enough history to project.
        const years = [2023, 2024, 2025, 2026]
        const records: JanuaryRecord[][] = years.map((_, t) =>
          plans.map((p, i) => ({ planId: String(i), ncYear: p.ncYear - (3 - t), need: p.need, locality: p.locality })),
        )
        const out = forecast(cohortHistory(years, records), 3)
        assert.ok(out.ok)
        const p = out.projection
        const mix = placementMix(plans.map(x => ({ ...x, ageBand: ageBandOf(x.ncYear) })))
        const demand = projectedDemand(p, mix, g => ageBandOf(Number(p.groups[g]!.label)))
        for (const locality of ['N', 'S']) {
          for (const provision of PROVISIONS) {
            const now = plans.filter(x => x.locality === locality && x.provision === provision).length
            const row = demand.byLocality.get(`${locality}|${provision}`) ?? [0]
            assert.ok(Math.abs(row[0]! - now) < 1e-6, `${locality} ${provision}: ${row[0]} not ${now}`)
            for (const v of row) assert.ok(v >= 0)
          }
        }
        for (const need of ['ASD', 'SEMH', 'SLD']) {
          const now = plans.filter(x => x.need === need && x.provision === 'special').length
          assert.ok(Math.abs((demand.byNeed.get(`${need}|special`) ?? [0])[0]! - now) < 1e-6)
        }
      }),
    )
  })
})

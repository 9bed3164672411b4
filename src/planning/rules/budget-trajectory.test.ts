import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { deficitTrajectory, mitigatedPlans, type TrajectoryAssumptions } from './budget-trajectory.ts'

const assumptions: TrajectoryAssumptions = {
  firstYear: 2026,
  openingDeficitPence: 34_000_000_00,
  fundingPence: 60_000_000_00,
  fundingGrowthPercent: 3,
  costPerPlanPence: 17_000_00,
  costInflationPercent: 2,
  otherSpendPence: 5_000_000_00,
}

const arbAssumptions = fc.record({
  firstYear: fc.integer({ min: 2020, max: 2030 }),
  openingDeficitPence: fc.integer({ min: -1e10, max: 1e10 }),
  fundingPence: fc.integer({ min: 0, max: 1e11 }),
  fundingGrowthPercent: fc.integer({ min: -10, max: 10 }),
  costPerPlanPence: fc.integer({ min: 1, max: 1e8 }),
  costInflationPercent: fc.integer({ min: -10, max: 10 }),
  otherSpendPence: fc.integer({ min: 0, max: 1e10 }),
})
const arbPlans = fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 6 })
const arbScenario = fc.record({
  key: fc.constant('s'),
  label: fc.constant('S'),
  savingsPerYearPence: fc.integer({ min: 0, max: 1e9 }),
  savingsFromYear: fc.integer({ min: 2020, max: 2036 }),
  growthReductionPercent: fc.integer({ min: 0, max: 100 }),
})

describe('deficit trajectory', () => {
  it('grows the deficit by each year’s overspend, in whole pence', () => {
    const years = deficitTrajectory(assumptions, [4000, 4400])
    // 2026-27: 4,000 plans × £17,000 + £5m − £60m = £13m overspend.
    assert.equal(years[0]!.inYearPence, 13_000_000_00)
    assert.equal(years[0]!.cumulativeDeficitPence, 47_000_000_00)
    // 2027-28: 4,400 × £17,340 + £5.1m − £61.8m = £19.596m.
    assert.equal(years[1]!.inYearPence, 4400 * 17_340_00 + 5_100_000_00 - 61_800_000_00)
    assert.equal(years[1]!.cumulativeDeficitPence, 47_000_000_00 + 19_596_000_00)
  })

  it('the cumulative deficit is always the opening plus the sum of in-year figures, exactly', () => {
    fc.assert(
      fc.property(arbAssumptions, arbPlans, fc.option(arbScenario), (a, plans, s) => {
        const years = deficitTrajectory(a, plans, s)
        assert.equal(years.length, plans.length)
        let sum = a.openingDeficitPence
        for (const y of years) {
          sum += y.inYearPence
          assert.equal(y.cumulativeDeficitPence, sum)
          assert.ok(Number.isSafeInteger(y.spendPence) && Number.isSafeInteger(y.inYearPence))
          assert.equal(y.inYearPence, y.spendPence - y.fundingPence)
        }
      }),
    )
  })

  it('a mitigation never leaves a year’s deficit higher than doing nothing, and a null one changes nothing', () => {
    fc.assert(
      fc.property(arbAssumptions, arbPlans, arbScenario, (a, plans, s) => {
        const none = deficitTrajectory(a, plans)
        const mitigated = deficitTrajectory(a, plans, s)
        mitigated.forEach((y, i) => assert.ok(y.cumulativeDeficitPence <= none[i]!.cumulativeDeficitPence))
        const nothing = deficitTrajectory(a, plans, { ...s, savingsPerYearPence: 0, growthReductionPercent: 0 })
        assert.deepEqual(nothing, none)
      }),
    )
  })

  it('cutting growth by 100% holds plans where they rise from; falls still count', () => {
    assert.deepEqual(mitigatedPlans([100, 120, 110, 130], 100), [100, 100, 90, 90])
    assert.deepEqual(mitigatedPlans([100, 120, 140], 50), [100, 110, 120])
  })
})

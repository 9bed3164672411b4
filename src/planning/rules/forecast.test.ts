import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  agedOn,
  dampedTrend,
  forecast,
  historyProblem,
  interval,
  linearTrend,
  lastValue,
  METHOD,
  NO_CHANGE,
  scenarioSchema,
  total,
  withBands,
  type AgeGroup,
  type CohortHistory,
} from './forecast.ts'

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0)

/** A random history: a few groups of random widths, two strata, several Januaries and years of new plans. */
const historyArb = fc
  .record({
    widths: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 6 }),
    years: fc.integer({ min: 4, max: 8 }),
    seed: fc.array(fc.nat({ max: 400 }), { minLength: 200, maxLength: 200 }),
  })
  .map(({ widths, years, seed }): CohortHistory => {
    let age = 0
    const groups: AgeGroup[] = widths.map((width, g) => {
      const group = { label: `g${g}`, firstAge: age, width }
      age += width
      return group
    })
    let k = 0
    const next = () => seed[k++ % seed.length]!
    const cells = () => Float64Array.from({ length: groups.length * 2 }, next)
    return {
      groups,
      strata: ['a', 'b'],
      januaries: Array.from({ length: years }, (_, i) => ({ year: 2015 + i, stock: cells() })),
      newPlans: Array.from({ length: years - 1 }, (_, i) => ({ year: 2015 + i, counts: cells() })),
    }
  })

describe('forecast: the cohort method', () => {
  it('ages a group on without losing anyone but those who age out of the oldest group', () => {
    fc.assert(
      fc.property(historyArb, h => {
        const stock = h.januaries[0]!.stock
        const aged = agedOn(h.groups, stock, h.strata.length)
        const G = h.groups.length
        const top = h.groups[G - 1]!.width
        const out = stock[G - 1]! / top + stock[2 * G - 1]! / top
        assert.ok(Math.abs(sum(aged) - (sum(stock) - out)) < 1e-6)
      }),
    )
  })

  it('projects finite, non-negative numbers for every group and stratum, whatever the scenario', () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -1000, max: 1000 }),
        (h, years, newPlansPercent, ceasingFrom16Percent) => {
          const out = forecast(h, years, { newPlansPercent, ceasingFrom16Percent })
          assert.ok(out.ok)
          assert.equal(out.projection.years.length, years + 1)
          for (const y of out.projection.years) for (const v of y.stock) assert.ok(Number.isFinite(v) && v >= 0)
        },
      ),
    )
  })

  it('keeps a steady caseload steady: the same new plans each year, nobody ceasing until they age out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 1, max: 500 }), (G, n) => {
        const groups = Array.from({ length: G }, (_, g) => ({ label: String(g), firstAge: g, width: 1 }))
        // n new plans a year, all at the youngest age, every one kept until it ages out of the top.
        const stock = new Float64Array(G).fill(n)
        const counts = new Float64Array(G)
        counts[0] = n
        const history: CohortHistory = {
          groups,
          strata: ['all'],
          januaries: [2019, 2020, 2021, 2022, 2023].map(year => ({ year, stock })),
          newPlans: [2019, 2020, 2021, 2022].map(year => ({ year, counts })),
        }
        const out = forecast(history, 5)
        assert.ok(out.ok)
        for (const y of out.projection.years) {
          for (const v of y.stock) assert.ok(Math.abs(v - n) < 1e-6, `${y.year}: ${v} not ${n}`)
        }
      }),
    )
  })

  it('more new plans never means fewer plans anywhere; more ceasing from 16 never more, and leaves the under-16s alone', () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 200 }), (h, more, cease) => {
        const base = forecast(h, 4)
        const moreNew = forecast(h, 4, { newPlansPercent: more, ceasingFrom16Percent: 0 })
        const moreCeasing = forecast(h, 4, { newPlansPercent: 0, ceasingFrom16Percent: cease })
        assert.ok(base.ok && moreNew.ok && moreCeasing.ok)
        const G = h.groups.length
        base.projection.years.forEach((y, t) => {
          y.stock.forEach((v, i) => {
            assert.ok(moreNew.projection.years[t]!.stock[i]! >= v - 1e-9)
            const c = moreCeasing.projection.years[t]!.stock[i]!
            assert.ok(c <= v + 1e-9)
            // Groups starting under 16 whose younger neighbours also do: untouched by ceasing from 16.
            if (h.groups[i % G]!.firstAge + h.groups[i % G]!.width <= 16) assert.ok(Math.abs(c - v) < 1e-9)
          })
        })
      }),
    )
  })

  it('adds up: the total is the sum of the strata and of the groups', () => {
    fc.assert(
      fc.property(historyArb, h => {
        const out = forecast(h, 3)
        assert.ok(out.ok)
        const p = out.projection
        for (const y of p.years) {
          const all = total(p, y.stock)
          const byStratum = total(p, y.stock, s => s === 0) + total(p, y.stock, s => s === 1)
          const byGroup = p.groups.reduce((a, _, g) => a + total(p, y.stock, undefined, x => x === g), 0)
          assert.ok(Math.abs(all - byStratum) < 1e-6 && Math.abs(all - byGroup) < 1e-6)
        }
      }),
    )
  })

  it('says there is too little history instead of guessing', () => {
    const groups = [{ label: 'all', firstAge: 0, width: 5 }]
    const one = Float64Array.of(10)
    const short: CohortHistory = {
      groups,
      strata: ['all'],
      januaries: [{ year: 2024, stock: one }],
      newPlans: [{ year: 2023, counts: one }],
    }
    const out = forecast(short, 3)
    assert.equal(out.ok, false)
    assert.match(historyProblem(short)!, /at least 3 years of new plans/)
    assert.match(historyProblem({ ...short, januaries: [] })!, /no plans in force/)
  })
})

describe('forecast: trends, baselines and bands', () => {
  it('an undamped trend carries a straight line on exactly; damping bends it towards flat', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 1000 }), (slope, start) => {
        const line = [0, 1, 2, 3, 4].map(i => ({ year: 2020 + i, value: start + slope * i }))
        const ahead = dampedTrend(line, 3, { ...METHOD, damping: 1 })
        ahead.forEach((v, i) => assert.ok(Math.abs(v - (start + slope * (5 + i))) < 1e-6))
        const damped = dampedTrend(line, 3)
        damped.forEach((v, i) => assert.ok(Math.abs(v - start - slope * 4) <= Math.abs(slope) * (i + 1) + 1e-6))
        assert.deepEqual(
          linearTrend(line, 2).map(v => Math.round(v)),
          [start + slope * 5, start + slope * 6].map(v => Math.max(0, v)),
        )
      }),
    )
    assert.deepEqual(lastValue([{ year: 2024, value: 7 }], 2), [7, 7])
  })

  it('bands hold the forecast, and widen with the horizon', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 10 }), (value, h) => {
        const [p] = withBands(2025, [{ year: 2025 + h, value }])
        assert.ok(p!.low <= p!.value && p!.value <= p!.high)
        const [lo, hi] = interval(h)
        const [lo2, hi2] = interval(h + 1)
        assert.ok(lo2 <= lo && hi2 >= hi)
      }),
    )
  })
})

describe('forecast: scenario settings', () => {
  it('accepts whole per cents in range and 3 to 5 years, defaulting to no change over 5 years', () => {
    assert.deepEqual(scenarioSchema.parse({}), { ...NO_CHANGE, years: 5 })
    assert.deepEqual(scenarioSchema.parse({ newPlansPercent: ' 10 ', ceasingFrom16Percent: '-5', years: '3' }), {
      newPlansPercent: 10,
      ceasingFrom16Percent: -5,
      years: 3,
    })
  })

  it('names each problem', () => {
    const result = scenarioSchema.safeParse({ newPlansPercent: 'lots', ceasingFrom16Percent: '500', years: '9' })
    assert.equal(result.success, false)
    const messages = Object.fromEntries(result.error!.issues.map(i => [i.path.join('.'), i.message]))
    assert.match(messages.newPlansPercent!, /Change in new plans must be a number/)
    assert.match(messages.ceasingFrom16Percent!, /between -100% and 200%/)
    assert.match(messages.years!, /3, 4 or 5/)
    assert.match(
      scenarioSchema.safeParse({ newPlansPercent: '2.5' }).error!.issues[0]!.message,
      /whole number of per cent/,
    )
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  clusterShares,
  formulaProblems,
  largestRemainder,
  WHOLE,
  type ClusterMeasures,
  type Weights,
} from './cluster-formula.ts'

const arbCluster = fc.record({
  key: fc.constant('c'),
  pupils: fc.integer({ min: 1, max: 20_000 }),
  ehcps: fc.integer({ min: 0, max: 800 }),
  senSupport: fc.integer({ min: 0, max: 3_000 }),
  deprivation: fc.integer({ min: 0, max: 5_000 }),
})
// Four weights that add up to 100% exactly.
const arbWeights = fc
  .tuple(fc.integer({ min: 0, max: WHOLE }), fc.integer({ min: 0, max: WHOLE }), fc.integer({ min: 0, max: WHOLE }))
  .map(([a, b, c]) => {
    const [x, y, z] = [a, b, c].sort((p, q) => p - q) as [number, number, number]
    return { pupils: x, ehcps: y - x, senSupport: z - y, deprivation: WHOLE - z } satisfies Weights
  })

describe('cluster formula', () => {
  it('shares always add up to the pot exactly, each within a penny of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000_000_000 }),
        arbWeights,
        fc.array(arbCluster, { minLength: 1, maxLength: 60 }),
        (pot, weights, raw) => {
          // A factor with weight must have some measure somewhere, or the formula is refused.
          const clusters = raw.map((c, i) =>
            i === 0 ? { ...c, ehcps: c.ehcps + 1, senSupport: c.senSupport + 1, deprivation: c.deprivation + 1 } : c,
          )
          assert.deepEqual(formulaProblems(pot, weights, clusters), [])
          const shares = clusterShares(pot, weights, clusters)
          assert.equal(
            shares.reduce((s, v) => s + v, 0),
            pot,
          )
          assert.ok(shares.every(s => Number.isInteger(s) && s >= 0))
          const totals = { pupils: 0, ehcps: 0, senSupport: 0, deprivation: 0 }
          for (const c of clusters) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += c[k]
          clusters.forEach((c, i) => {
            const exact = (Object.keys(totals) as (keyof typeof totals)[]).reduce(
              (s, k) => s + (pot * weights[k] * c[k]) / (WHOLE * totals[k]),
              0,
            )
            assert.ok(Math.abs(shares[i]! - exact) < 1.001, `share ${shares[i]} vs exact ${exact}`)
          })
        },
      ),
    )
  })

  it('splits a penny to the largest remainder', () => {
    assert.deepEqual(largestRemainder(100, [33.3, 33.3, 33.4]), [33, 33, 34])
    assert.deepEqual(largestRemainder(10, [10 / 3, 10 / 3, 10 / 3]), [4, 3, 3])
  })

  it('refuses weights that do not add up to 100%, naming the sum, and a weight nothing can carry', () => {
    const clusters: ClusterMeasures[] = [{ key: 'a', pupils: 10, ehcps: 0, senSupport: 2, deprivation: 1 }]
    const problems = formulaProblems(-5, { pupils: 5000, ehcps: 3000, senSupport: 1000, deprivation: 500 }, clusters)
    assert.deepEqual(
      problems.map(p => p.field),
      ['pot', 'pupils', 'ehcps'],
    )
    assert.match(problems[1]!.message, /add up to 100% \(they add up to 95\.00%\)/)
    assert.match(problems[2]!.message, /No cluster has any ehc plans/)
  })
})

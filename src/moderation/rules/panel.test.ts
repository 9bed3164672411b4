import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { consistency, consistencyTotal, needsTraining } from './panel.ts'

describe('panel consistency rules', () => {
  it('marks a group for training from 3 decisions with 30% or more changed', () => {
    assert.equal(needsTraining({ decided: 3, changedPercent: 30 }), true)
    assert.equal(needsTraining({ decided: 3, changedPercent: 29 }), false)
    assert.equal(needsTraining({ decided: 2, changedPercent: 100 }), false)
    assert.equal(needsTraining({ decided: 10, changedPercent: 0 }), false)
  })

  it('totals every decision that set a level, or zeros when there is none', () => {
    const total = consistencyTotal([
      { proposed: 1, decided: 2 },
      { proposed: 3, decided: 1 },
      { proposed: 2, decided: 2 },
      { proposed: 2, decided: null },
    ])
    assert.deepEqual(total, {
      key: 'all',
      label: 'All decisions',
      decided: 3,
      agreed: 1,
      raised: 1,
      lowered: 1,
      changedPercent: 67,
      meanShift: -0.33,
    })
    assert.deepEqual(consistencyTotal([], 'None'), {
      key: 'all',
      label: 'None',
      decided: 0,
      agreed: 0,
      raised: 0,
      lowered: 0,
      changedPercent: 0,
      meanShift: 0,
    })
  })

  it('the groups add up to the total', () => {
    const decision = fc.record({
      group: fc.constantFrom('A', 'B', 'C'),
      proposed: fc.option(fc.integer({ min: 0, max: 8 })),
      decided: fc.option(fc.integer({ min: 0, max: 8 })),
    })
    fc.assert(
      fc.property(fc.array(decision, { maxLength: 40 }), decisions => {
        const total = consistencyTotal(decisions)
        const groups = consistency(
          decisions,
          d => d.group,
          d => d.group,
        )
        for (const k of ['decided', 'agreed', 'raised', 'lowered'] as const) {
          assert.equal(
            groups.reduce((sum, g) => sum + g[k], 0),
            total[k],
          )
        }
        assert.equal(total.agreed + total.raised + total.lowered, total.decided)
      }),
    )
  })
})

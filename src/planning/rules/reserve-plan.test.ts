import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { lineCost, lineProblems, planProblems, summarise, termMonths, type ReserveLine } from './reserve-plan.ts'

// Seed 001: Dudley's £511k School Specific Contingency Reserve plan (Schools Forum, 21 June 2022).
const SEED_001: ReserveLine[] = [
  {
    kind: 'post',
    title: 'SEND Lead Practitioner (secondment)',
    salaryPence: 55_000_00,
    onCostsPence: 18_000_00,
    posts: 1,
    startDate: '2022-09-01',
    endDate: '2024-08-31',
    spentPence: 0,
  },
  {
    kind: 'post',
    title: 'SEND Improvement Officer',
    salaryPence: 42_000_00,
    onCostsPence: 13_000_00,
    posts: 2,
    startDate: '2022-09-01',
    endDate: '2024-08-31',
    spentPence: 0,
  },
  {
    kind: 'programme',
    title: 'CPD network development',
    amountPence: 80_000_00,
    startDate: null,
    endDate: null,
    spentPence: 0,
  },
]

describe('reserve plan arithmetic', () => {
  it('costs seed 001’s lines as the paper does, and finds its total does not add up', () => {
    assert.deepEqual(SEED_001.map(lineCost), [146_000_00, 220_000_00, 80_000_00])
    const s = summarise(511_000_00, SEED_001)
    // The paper prints a total of £466,000, but its own lines add up to £446,000; its £65,000 left is 511 − 446.
    assert.equal(s.plannedPence, 446_000_00)
    assert.equal(s.leftToAllocatePence, 65_000_00)
  })

  it('counts whole months of a fixed term', () => {
    assert.equal(termMonths('2022-09-01', '2024-08-31'), 24)
    assert.equal(termMonths('2022-09-05', '2023-09-04'), 12)
    assert.equal(termMonths('2022-09-05', '2023-09-10'), null)
    assert.equal(termMonths('2022-09-05', '2022-09-04'), null)
  })

  it('names each problem with a line that does not add up', () => {
    const bad: ReserveLine = {
      kind: 'post',
      title: ' ',
      salaryPence: -1,
      onCostsPence: 100,
      posts: 0,
      startDate: '2024-09-01',
      endDate: '2024-08-31',
      spentPence: 0,
    }
    assert.deepEqual(
      lineProblems(bad).map(p => p.field),
      ['title', 'salary', 'posts', 'endDate'],
    )
    assert.match(lineProblems(bad).at(-1)!.message, /must end after it starts/)
    assert.deepEqual(
      planProblems(100_00, SEED_001).map(p => p.field),
      ['form'],
    )
  })

  it('the plan’s total is the sum of its lines, and planned + left is always the fund', () => {
    const post = fc.record({
      kind: fc.constant('post' as const),
      title: fc.constant('Post'),
      salaryPence: fc.integer({ min: 0, max: 20_000_000 }),
      onCostsPence: fc.integer({ min: 0, max: 10_000_000 }),
      posts: fc.integer({ min: 1, max: 10 }),
      startDate: fc.constant('2024-04-01'),
      endDate: fc.constantFrom('2024-04-30', '2025-03-31', '2026-03-31', '2027-09-30'),
      spentPence: fc.constant(0),
    })
    const programme = fc.record({
      kind: fc.constant('programme' as const),
      title: fc.constant('CPD'),
      amountPence: fc.integer({ min: 0, max: 100_000_000 }),
      startDate: fc.constant(null),
      endDate: fc.constant(null),
      spentPence: fc.constant(0),
    })
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e10 }),
        fc.array(fc.oneof(post, programme), { maxLength: 8 }),
        (fund, lines) => {
          const s = summarise(fund, lines)
          assert.equal(
            s.plannedPence,
            s.lines.reduce((t, l) => t + l.cost, 0),
          )
          assert.equal(s.plannedPence + s.leftToAllocatePence, fund)
          assert.ok(s.lines.every(l => Number.isInteger(l.cost) && l.cost >= 0))
          assert.equal(planProblems(fund, lines).length, s.leftToAllocatePence < 0 ? 1 : 0)
        },
      ),
    )
  })
})

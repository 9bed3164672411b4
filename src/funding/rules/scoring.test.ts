import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { fixture } from './fixtures/index.ts'
import type { MatrixVersionSpec } from './matrix-version.ts'
import { fundingLines, tableRate, totalPence } from './money.ts'
import { answerSlots, checkChoices, missingAreas, scoreAssessment, type Choices } from './scoring.ts'

const islington = fixture('islington')
const telford = fixture('telford')
const dudley = fixture('dudley')

/** The same descriptor position (0 = no need, 1 = first descriptor, …) in every slot matching `slots`. */
function everywhere(spec: MatrixVersionSpec, position: number, slots: RegExp = /./): Choices {
  const choices: Record<string, string | null> = {}
  for (const area of spec.areas) {
    for (const slot of area.domains ?? [{ code: area.code, descriptors: area.descriptors ?? [] }]) {
      const at = slots.test(area.code) ? position : 0
      choices[slot.code] = at === 0 ? null : slot.descriptors[at - 1]!.code
    }
  }
  return choices
}

/** The annual amount the version's table pays for a score over its whole first financial year. */
function annualFor(spec: MatrixVersionSpec, choices: Choices): number {
  const score = scoreAssessment(spec, choices)
  const fy = spec.rates[0]!.financialYear
  const from = `${fy.slice(0, 4)}-04-01`
  const to = `${Number(fy.slice(0, 4)) + 1}-03-31`
  return totalPence(fundingLines({ start: from, end: null }, { from, to }, tableRate(spec, 'mainstream', score.level)))
}

/** Random complete assessments: per slot, no need or one of its descriptors. */
function assessments(spec: MatrixVersionSpec) {
  const slots = spec.areas.flatMap(area => area.domains ?? [{ code: area.code, descriptors: area.descriptors ?? [] }])
  return fc
    .tuple(...slots.map(slot => fc.integer({ min: 0, max: slot.descriptors.length })))
    .map(positions => ({ positions, slots }))
}
const toChoices = ({
  positions,
  slots,
}: {
  positions: number[]
  slots: { code: string; descriptors: { code: string }[] }[]
}) =>
  Object.fromEntries(
    slots.map((slot, i) => [slot.code, positions[i] ? slot.descriptors[positions[i] - 1]!.code : null]),
  )

describe('scoring an assessment', () => {
  it('Islington: severities weighted by area, C&L capped at 16 before its ×4 weight, into the 2021-22 tariffs', () => {
    const moderate = scoreAssessment(islington, everywhere(islington, 3)) // severity 2 in all 11 domains
    assert.deepEqual(
      moderate.areas.map(a => [a.code, a.points, a.capped, a.weighted]),
      [
        ['SP', 4, 4, 16],
        ['CI', 4, 4, 8],
        ['SEMH', 4, 4, 16],
        ['CL', 10, 10, 40],
      ],
    )
    assert.equal(moderate.total, 80)
    assert.equal(moderate.levelRow.label, 'Tariff 5')
    assert.equal(annualFor(islington, everywhere(islington, 3)), 1_157_000)

    const learningOnly = scoreAssessment(islington, everywhere(islington, 5, /^CL$/)) // severity 4 in the 5 C&L domains
    const cl = learningOnly.areas.find(a => a.code === 'CL')!
    assert.deepEqual([cl.points, cl.cap, cl.capped, cl.weighted], [20, 16, 16, 64])
    assert.equal(learningOnly.levelRow.label, 'Tariff 3')
    assert.equal(annualFor(islington, everywhere(islington, 5, /^CL$/)), 551_000)

    assert.equal(scoreAssessment(islington, everywhere(islington, 5)).total, 32 + 16 + 32 + 64)
    assert.equal(annualFor(islington, everywhere(islington, 5)), 1_691_000)
    assert.equal(annualFor(islington, everywhere(islington, 0)), 0)
    assert.equal(annualFor(islington, everywhere(islington, 3, /^(SP|SEMH)$/)), 124_000) // (2 + 2) × 4 twice = 32: Tariff 1
    assert.equal(annualFor(islington, everywhere(islington, 4, /^(SP|CI)$/)), 322_000) // (3 + 3) × 4 + (3 + 3) × 2 = 36: Tariff 2
  })

  it('Islington: every tariff amount as published', () => {
    const published = [1_240_00, 3_220_00, 5_510_00, 8_740_00, 11_570_00, 16_910_00]
    assert.deepEqual(
      islington.rates.filter(r => r.level > 0).map(r => r.annualPence),
      published,
    )
  })

  it('Telford: bands 1–8 pay nothing; band 9 is £1,044.85, rising £1,044.85 a band to band 16 at £8,358.80', () => {
    assert.equal(scoreAssessment(telford, everywhere(telford, 3)).level, 7) // 4 × 8 = 32
    assert.equal(annualFor(telford, everywhere(telford, 3)), 0)
    assert.equal(scoreAssessment(telford, everywhere(telford, 5)).level, 12) // 4 × 14 = 56
    assert.equal(annualFor(telford, everywhere(telford, 5)), 4 * 104_485)
    assert.equal(scoreAssessment(telford, everywhere(telford, 7)).level, 16) // 80
    assert.equal(annualFor(telford, everywhere(telford, 7)), 835_880)
    for (let band = 9; band <= 16; band++) {
      assert.equal(tableRate(telford, 'mainstream', band)('2023-24'), (band - 8) * 104_485)
    }
  })

  it('takes the highest area under max aggregation', () => {
    const spec = { ...dudley, aggregation: 'max' as const }
    const score = scoreAssessment(spec, { CI: 'CI2', CL: 'CL5', SEMH: null, SP: 'SP1' })
    assert.equal(score.total, 9)
    assert.equal(score.level, 2)
  })

  it('compares a total with hundredths after rounding it down', () => {
    const spec = fixture('dudley')
    spec.areas[0]!.weight = 1.5
    const score = scoreAssessment(spec, { CI: 'CI3', CL: 'CL2', SEMH: 'SEMH1', SP: 'SP2' }) // 4 × 1.5 + 2 + 1 + 2
    assert.equal(score.total, 11)
    const half = scoreAssessment(spec, { CI: 'CI1', CL: 'CL6', SEMH: null, SP: null }) // 1.5 + 12
    assert.equal(half.total, 13.5)
    assert.equal(half.comparedTotal, 13)
  })

  it('a matrix missing an area cannot be submitted; "no need" is an answer', () => {
    assert.deepEqual(missingAreas(dudley, { CI: 'CI2', CL: null }), ['SEMH', 'SP'])
    assert.deepEqual(missingAreas(dudley, { CI: 'CI2', CL: null, SEMH: null, SP: 'SP6' }), [])
    assert.deepEqual(missingAreas(islington, everywhere(islington, 1)), [])
    const { LIT: _, ...withoutLiteracy } = everywhere(islington, 1)
    assert.deepEqual(missingAreas(islington, withoutLiteracy), ['LIT'])
    assert.deepEqual(
      checkChoices(dudley, { CI: 'CI9', CL: null, SEMH: 'SEMH1', XX: 'X' }).map(p => p.path),
      ['CI', 'SP', 'XX'],
    )
    assert.throws(
      () => scoreAssessment(dudley, { CI: 'CL1' }),
      /CL1 is not a descriptor of Communication & Interaction/,
    )
  })

  for (const name of ['dudley', 'islington', 'telford'] as const) {
    const spec = fixture(name)
    it(`${name}: the level's thresholds contain the total`, () => {
      fc.assert(
        fc.property(assessments(spec), a => {
          const score = scoreAssessment(spec, toChoices(a))
          assert.ok(score.levelRow.min <= score.comparedTotal)
          assert.ok(score.levelRow.max === null || score.comparedTotal <= score.levelRow.max)
        }),
      )
    })

    it(`${name}: more points never give a lower level`, () => {
      const slotCount = answerSlots(spec).length
      fc.assert(
        fc.property(assessments(spec), fc.nat({ max: slotCount - 1 }), (a, slot) => {
          const max = a.slots[slot]!.descriptors.length
          fc.pre(a.positions[slot]! < max)
          const higher = { ...a, positions: a.positions.map((p, i) => (i === slot ? p + 1 : p)) }
          const before = scoreAssessment(spec, toChoices(a))
          const after = scoreAssessment(spec, toChoices(higher))
          assert.ok(after.total >= before.total)
          assert.ok(after.level >= before.level)
        }),
      )
    })
  }
})

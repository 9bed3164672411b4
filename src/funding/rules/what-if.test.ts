import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { fixture } from './fixtures/index.ts'
import { SETTING_TYPES, type FundedSettingType, type MatrixVersionSpec } from './matrix-version.ts'
import { tableRate } from './money.ts'
import { answerSlots, scoreAssessment, type Choices } from './scoring.ts'
import { whatIf, type CurrentAward, type GroupChange } from './what-if.ts'

const FY = '2025-26'
const approved = fixture('dudley')

/** A draft: Cognition & Learning descriptors worth more, Level 4 and above paid 5% more. */
function draftVersion(): MatrixVersionSpec {
  const draft = fixture('dudley')
  draft.name = 'Dudley-shaped draft'
  draft.areas[1]!.descriptors!.forEach(d => (d.points += 1))
  for (const r of draft.rates) if (r.level >= 4) r.annualPence = Math.round(r.annualPence * 1.05)
  return draft
}

const slots = answerSlots(approved).map(s => ({
  code: s.code,
  descriptors: approved.areas[s.area]!.descriptors!.map(d => d.code),
}))

const award: fc.Arbitrary<CurrentAward> = fc
  .record({
    id: fc.nat(),
    school: fc.constantFrom('S1', 'S2', 'S3', 'S4'),
    locality: fc.constantFrom('NORTH', 'SOUTH', null),
    settingType: fc.constantFrom<FundedSettingType>('mainstream', 'mainstream', 'resource_base', 'special'),
    positions: fc.tuple(...slots.map(s => fc.integer({ min: 0, max: s.descriptors.length }))),
  })
  .map(r => {
    const choices: Choices = Object.fromEntries(
      slots.map((s, i) => [s.code, r.positions[i] ? s.descriptors[r.positions[i] - 1]! : null]),
    )
    const score = scoreAssessment(approved, choices)
    const currentAnnualPence =
      score.bespoke || r.settingType === 'special' ? 4_000_000 : tableRate(approved, r.settingType, score.level)(FY)
    return {
      awardId: `A${r.id}`,
      childId: `C${r.id}`,
      settingId: r.school,
      localityCode: r.locality,
      settingType: r.settingType,
      currentLevel: score.level,
      currentAnnualPence,
      choices,
    }
  })

/** The slow, obvious what-if: score each award with scoreAssessment and look its rate up. */
function reference(draft: MatrixVersionSpec, a: CurrentAward): { level: number; pence: number } {
  const score = scoreAssessment(draft, a.choices)
  if (score.bespoke || !draft.rates.some(r => r.settingType === a.settingType && r.financialYear === FY)) {
    return { level: score.level, pence: a.currentAnnualPence }
  }
  return { level: score.level, pence: tableRate(draft, a.settingType, score.level)(FY) }
}

const sumOf = (groups: GroupChange[], field: keyof Omit<GroupChange, 'key'>) => groups.reduce((s, g) => s + g[field], 0)

describe('what-if', () => {
  it('gives each award the level and amount that scoring it under the draft gives', () => {
    const draft = draftVersion()
    fc.assert(
      fc.property(fc.array(award, { minLength: 1, maxLength: 60 }), awards => {
        const result = whatIf(draft, FY, awards)
        awards.forEach((a, i) => {
          const expected = reference(draft, a)
          assert.equal(result.draftLevel[i], expected.level)
          assert.equal(result.draftAnnualPence[i], expected.pence)
        })
        const current = awards.reduce((s, a) => s + a.currentAnnualPence, 0)
        const next = awards.reduce((s, _, i) => s + result.draftAnnualPence[i]!, 0)
        assert.equal(result.overall.currentPence, current)
        assert.equal(result.overall.draftPence, next)
        assert.equal(result.overall.netPence, result.overall.gainsPence - result.overall.lossesPence)
        for (const groups of [result.bySchool, result.byLocality, result.byLevel]) {
          for (const field of [
            'awards',
            'gaining',
            'losing',
            'unchanged',
            'notPriced',
            'gainsPence',
            'lossesPence',
            'netPence',
          ] as const) {
            assert.equal(sumOf(groups, field), result.overall[field], field)
          }
        }
        const o = result.overall
        assert.equal(o.gaining + o.losing + o.unchanged + o.notPriced, awards.length)
        assert.equal(o.notPriced, result.notRescored + result.notTableFunded + result.toBespoke)
        assert.equal(
          result.levelMoves.reduce((s, m) => s + m.awards, 0),
          awards.length - result.notRescored,
        )
      }),
    )
  })

  it('re-run under the approved version itself, nobody gains or loses', () => {
    fc.assert(
      fc.property(fc.array(award, { minLength: 1, maxLength: 40 }), awards => {
        const o = whatIf(approved, FY, awards).overall
        assert.equal(o.gaining + o.losing, 0)
        assert.equal(o.netPence, 0)
      }),
    )
  })

  it('names who gains and loses per school, locality and level', () => {
    const draft = draftVersion()
    const base = { childId: 'C', localityCode: 'NORTH', settingType: 'mainstream' as const }
    const awards: CurrentAward[] = [
      // Level 3 (14 points) → 15 under the draft: still Level 3, whose rate is unchanged.
      {
        ...base,
        awardId: 'a',
        settingId: 'S1',
        currentLevel: 3,
        currentAnnualPence: 360_500,
        choices: { CI: 'CI3', CL: 'CL3', SEMH: 'SEMH3', SP: 'SP2' },
      },
      // Level 4 (16) → 17: still Level 4, 5% more (£5,150 → £5,407.50).
      {
        ...base,
        awardId: 'b',
        settingId: 'S1',
        currentLevel: 4,
        currentAnnualPence: 515_000,
        choices: { CI: 'CI3', CL: 'CL3', SEMH: 'SEMH3', SP: 'SP3' },
      },
      // Level 2 paid above the table (a protected legacy amount): loses down to the table rate.
      {
        ...base,
        awardId: 'c',
        settingId: 'S2',
        localityCode: 'SOUTH',
        currentLevel: 2,
        currentAnnualPence: 300_000,
        choices: { CI: 'CI2', CL: 'CL2', SEMH: 'SEMH2', SP: null },
      },
      // A descriptor code the draft does not have: not rescored.
      {
        ...base,
        awardId: 'd',
        settingId: 'S2',
        localityCode: 'SOUTH',
        currentLevel: 2,
        currentAnnualPence: 206_000,
        choices: { CI: 'CI7', CL: 'CL2', SEMH: 'SEMH2', SP: null },
      },
      // Special school (19 points → 20, Level 4): provision-led, no table rate.
      {
        ...base,
        awardId: 'e',
        settingId: 'S3',
        settingType: 'special',
        currentLevel: 4,
        currentAnnualPence: 2_000_000,
        choices: { CI: 'CI5', CL: 'CL3', SEMH: 'SEMH4', SP: null },
      },
      // 39 points (Level 7) → 40 under the draft: Level 8, a package for panel.
      {
        ...base,
        awardId: 'f',
        settingId: 'S3',
        currentLevel: 7,
        currentAnnualPence: 1_287_500,
        choices: { CI: 'CI6', CL: 'CL5', SEMH: 'SEMH5', SP: 'SP5' },
      },
    ]
    const result = whatIf(draft, FY, awards)
    assert.deepEqual(Array.from(result.draftLevel), [3, 4, 2, -1, 4, 8])
    assert.deepEqual(Array.from(result.draftAnnualPence), [360_500, 540_750, 206_000, 206_000, 2_000_000, 1_287_500])
    assert.deepEqual([result.notRescored, result.notTableFunded, result.toBespoke], [1, 1, 1])
    const s1 = result.bySchool.find(g => g.key === 'S1')!
    assert.deepEqual([s1.gaining, s1.unchanged, s1.gainsPence, s1.netPence], [1, 1, 25_750, 25_750])
    const south = result.byLocality.find(g => g.key === 'SOUTH')!
    assert.deepEqual([south.losing, south.notPriced, south.lossesPence, south.netPence], [1, 1, 94_000, -94_000])
    assert.deepEqual(
      result.byLevel.map(g => g.key),
      ['2', '3', '4', '7'],
    )
    assert.equal(result.overall.netPence, 25_750 - 94_000)
    assert.deepEqual(result.levelMoves, [
      { from: 2, to: 2, awards: 1 },
      { from: 3, to: 3, awards: 1 },
      { from: 4, to: 4, awards: 2 },
      { from: 7, to: 8, awards: 1 },
    ])
  })

  it('covers every setting type without error, including ones the version never mentions', () => {
    const awards = SETTING_TYPES.map((settingType, i) => ({
      awardId: `${i}`,
      childId: `${i}`,
      settingId: 'S',
      localityCode: null,
      settingType,
      currentLevel: 1,
      currentAnnualPence: 100,
      choices: { CI: null, CL: null, SEMH: null, SP: null },
    }))
    const result = whatIf(approved, FY, awards)
    assert.equal(result.notTableFunded, SETTING_TYPES.length - 2)
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkMatrixVersion, parseMatrixVersion, type Problem } from './consistency.ts'
import { FIXTURES, fixture } from './fixtures/index.ts'
import type { MatrixVersionSpec } from './matrix-version.ts'

const paths = (problems: Problem[]) => problems.map(p => p.path).sort()

function assertProblem(problems: Problem[], path: string, words: RegExp) {
  assert.ok(
    problems.some(p => p.path === path && words.test(p.message)),
    `expected a problem at ${path} matching ${words}; got ${JSON.stringify(problems, null, 2)}`,
  )
}

describe('matrix version consistency', () => {
  for (const name of Object.keys(FIXTURES) as (keyof typeof FIXTURES)[]) {
    it(`accepts the ${name} fixture`, () => {
      assert.deepEqual(checkMatrixVersion(fixture(name)), [])
      assert.equal(parseMatrixVersion(FIXTURES[name]).ok, true)
    })
  }

  it('names a gap and an overlap between thresholds', () => {
    const spec = fixture('dudley')
    spec.levels[2]!.min = 12 // Level 2 ends at 10: 11 belongs to no level
    spec.levels[4]!.min = 20 // Level 4 ends at 21: 20 and 21 in two levels
    const problems = checkMatrixVersion(spec)
    assertProblem(problems, 'levels[2].min', /Gap between level 2 \(up to 10\) and level 3 \(from 12\)/)
    assertProblem(problems, 'levels[4].min', /Level 5 \(from 20\) overlaps level 4 \(up to 21\)/)
    assert.equal(problems.length, 2, JSON.stringify(problems))
  })

  it('names every problem of a badly broken version at once', () => {
    const spec = fixture('dudley')
    spec.areas[1]!.code = 'CI' // duplicate code
    spec.areas[0]!.descriptors![2]!.points = 1 // out of order (after 2)
    spec.areas[2]!.descriptors![0]!.points = -3 // negative
    spec.areas[3]!.domains = [{ code: 'X', name: 'X', descriptors: [{ code: 'X1', text: 'x', points: 1 }] }] // both
    spec.levels[0]!.min = 3 // a total of 0 has no level
    spec.levels[7]!.max = 99 // top level bounded
    spec.rates = spec.rates.filter(
      r => !(r.level === 3 && r.settingType === 'resource_base' && r.financialYear === '2025-26'),
    )
    spec.rates.push({ financialYear: '2024-25', settingType: 'mainstream', level: 8, annualPence: 5_000_000 }) // L8 amount
    spec.rates.push({ financialYear: '2024-25', settingType: 'mainstream', level: 1, annualPence: 1 }) // duplicate row
    spec.rates.push({ financialYear: '2024-25', settingType: 'early_years', level: 1, annualPence: 1 }) // not in applies
    spec.applies.push({ settingType: 'special', from: '2022-04-01' }) // duplicate setting type
    const problems = checkMatrixVersion(spec)
    assertProblem(problems, 'areas[1].code', /code CI is already used at areas\[0\]/)
    assertProblem(problems, 'areas[0].descriptors', /ascending order of points/)
    assertProblem(problems, 'areas[2].descriptors[0].points', /negative points \(-3\)/)
    assertProblem(problems, 'areas[3].descriptors', /either descriptors or domains, not both/)
    assertProblem(problems, 'levels[0].min', /starts at 3, but a total can be as low as -3/)
    assertProblem(problems, 'levels[7].max', /top level \(8\) must have no upper bound/)
    assertProblem(problems, 'levels[2]', /Level 3 has no rate for resource_base in 2025-26/)
    assertProblem(problems, `rates[${spec.rates.length - 3}].level`, /bespoke .* must have no table amount/)
    assertProblem(problems, `rates[${spec.rates.length - 2}]`, /Second rate for level 1, mainstream, 2024-25/)
    assertProblem(problems, `rates[${spec.rates.length - 1}].settingType`, /early_years, which is not in applies/)
    assertProblem(problems, 'applies[3].settingType', /special is listed twice/)
    // One early-years rate asks for a rate for every other level, in every year, too.
    for (const i of [1, 2, 3, 4, 5, 6]) assertProblem(problems, `levels[${i}]`, /no rate for early_years in 2024-25/)
    assertProblem(problems, 'levels[0]', /Level 1 has no rate for early_years in 2026-27/)
    assert.ok(!problems.some(p => /Level 8 has no rate/.test(p.message)), 'a bespoke level needs no rate')
  })

  it('names an area with neither descriptors nor domains, and repeated level numbers and codes', () => {
    const spec = fixture('islington')
    delete spec.areas[0]!.domains
    spec.areas[3]!.domains![1]!.code = 'LIT'
    spec.areas[3]!.domains![2]!.descriptors[4]!.code = 'MEM3'
    spec.levels[3]!.level = 2
    const problems = checkMatrixVersion(spec)
    assertProblem(problems, 'areas[0].descriptors', /not neither/)
    assertProblem(problems, 'areas[3].domains[1].code', /code LIT is already used at areas\[3\]\.domains\[0\]/)
    assertProblem(problems, 'areas[3].domains[2].descriptors[4].code', /MEM3 is repeated/)
    assertProblem(problems, 'levels[3].level', /Level 2 is listed twice/)
    assertProblem(problems, 'levels[3].level', /ascending order/)
  })

  it('refuses a bespoke level that is not the top, and two bespoke levels', () => {
    const spec = fixture('dudley')
    spec.levels[6]!.bespoke = true
    spec.rates = spec.rates.filter(r => r.level !== 7)
    const problems = checkMatrixVersion(spec)
    assertProblem(problems, 'levels[6].bespoke', /Only the top level may be bespoke/)
    assertProblem(problems, 'levels', /At most one level may be bespoke; 7, 8 are/)
  })

  it('refuses non-whole thresholds and weights finer than hundredths', () => {
    const spec = fixture('islington')
    spec.areas[1]!.weight = 2.005
    spec.levels[1]!.max = 34.5
    const problems = checkMatrixVersion(spec)
    assertProblem(problems, 'areas[1].weight', /multiple of 0.01/)
    assertProblem(problems, 'levels[1].max', /whole number/)
  })

  it('parses JSON: shape problems with their paths, then consistency problems', () => {
    const notAVersion = parseMatrixVersion({
      name: '',
      aggregation: 'mean',
      areas: [],
      levels: [],
      rates: [],
      applies: [],
    })
    assert.equal(notAVersion.ok, false)
    if (!notAVersion.ok)
      assert.deepEqual(paths(notAVersion.problems), ['aggregation', 'applies', 'areas', 'levels', 'name'])

    const badPoints = structuredClone(FIXTURES.telford) as { areas: { descriptors: { points: unknown }[] }[] }
    badPoints.areas[2]!.descriptors[1]!.points = 'five'
    const shape = parseMatrixVersion(badPoints)
    assert.equal(shape.ok, false)
    if (!shape.ok) assert.deepEqual(paths(shape.problems), ['areas[2].descriptors[1].points'])

    const gapped = structuredClone(FIXTURES.telford) as MatrixVersionSpec
    gapped.levels[15]!.min = 80
    const consistency = parseMatrixVersion(gapped)
    assert.equal(consistency.ok, false)
    if (!consistency.ok) assert.deepEqual(paths(consistency.problems), ['levels[15].min'])
  })
})

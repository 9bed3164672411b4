import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FIXTURES } from './fixtures/index.ts'
import { matrixVersionSpec } from './matrix-version.ts'
import { matrixStartByType, monthsOf, periodDates, runFunding, TERMS, type RunAward, type RunLegacy } from './run.ts'

const pupil = (n: number, settingId = 'S1') => ({
  childId: `C${n}`,
  childName: `Pupil ${n}`,
  settingId,
  settingName: `School ${settingId}`,
  localityCode: 'N',
  localityName: 'Northtown',
})

const award = (n: number, over: Partial<RunAward> = {}): RunAward => ({
  ...pupil(n),
  awardId: `A${n}`,
  settingType: 'mainstream',
  level: 3,
  annualPence: 366_000,
  startDate: '2020-01-01',
  endDate: null,
  versionName: 'Test version',
  spec: null,
  totalPoints: 12,
  band: null,
  ...over,
})

const none = new Map()

describe('funding runs', () => {
  it('pays a whole leap financial year, and a mid-year start by its days', () => {
    const run = runFunding(
      { kind: 'year', financialYear: '2023-24' },
      [award(1), award(2, { startDate: '2023-10-01' })],
      [],
      none,
    )
    // 2023-24 has 366 days; 1 October to 31 March is 183 of them.
    assert.deepEqual(
      run.lines.map(l => [l.childId, l.days, l.amountPence]),
      [
        ['C1', 366, 366_000],
        ['C2', 183, 183_000],
      ],
    )
    assert.equal(run.totalPence, 549_000)
    assert.match(run.lines[1]!.explanation, /£3,660\.00 × 183 ÷ 366 days \(2023-10-01 to 2024-03-31\) = £1,830\.00/)
  })

  it('rounds each line half up once, and the total is the sum of lines', () => {
    // £1,000 × 212 ÷ 365 = £580.8219… → £580.82
    const run = runFunding(
      { kind: 'year', financialYear: '2025-26' },
      [award(1, { annualPence: 100_000, startDate: '2025-09-01' }), award(2, { annualPence: 100_001 })],
      [],
      none,
    )
    assert.deepEqual(
      run.lines.map(l => l.amountPence),
      [58_082, 100_001],
    )
    assert.equal(
      run.totalPence,
      run.lines.reduce((s, l) => s + l.amountPence, 0),
    )
    assert.equal(run.bySchool[0]!.amountPence, run.totalPence)
    assert.equal(run.byLocality[0]!.amountPence, run.totalPence)
  })

  it('takes the rate for each financial year from the version table', () => {
    const spec = matrixVersionSpec.parse(FIXTURES.dudley)
    const rate = spec.rates.find(r => r.financialYear === '2025-26' && r.settingType === 'mainstream' && r.level === 3)!
    const run = runFunding({ kind: 'year', financialYear: '2025-26' }, [award(1, { spec, annualPence: 1 })], [], none)
    assert.equal(run.lines[0]!.amountPence, rate.annualPence)
    assert.equal(run.byLevel[0]!.label, 'Level 3')
  })

  it('cuts months and terms from the year so they add up to it exactly', () => {
    const awards = [
      award(1, { annualPence: 123_457 }),
      award(2, { annualPence: 99_999, startDate: '2023-06-17', endDate: '2024-02-03' }),
    ]
    const year = runFunding({ kind: 'year', financialYear: '2023-24' }, awards, [], none).totalPence
    const months = monthsOf('2023-24').map(
      month => runFunding({ kind: 'month', financialYear: '2023-24', month }, awards, [], none).totalPence,
    )
    assert.equal(months.length, 12)
    assert.equal(
      months.reduce((s, m) => s + m, 0),
      year,
    )
    const terms = TERMS.map(
      term => runFunding({ kind: 'term', financialYear: '2023-24', term }, awards, [], none).totalPence,
    )
    assert.equal(
      terms.reduce((s, m) => s + m, 0),
      year,
    )
    assert.deepEqual(periodDates({ kind: 'month', financialYear: '2023-24', month: '2024-02' }), {
      from: '2024-02-01',
      to: '2024-02-29',
    })
  })

  it('pays a special school pupil the band amount per place for the year', () => {
    const band = { code: 'C', name: 'Complex', annualPenceByYear: { '2025-26': 1_825_000 } }
    const run = runFunding(
      { kind: 'year', financialYear: '2025-26' },
      [award(1, { settingType: 'special', band, startDate: '2025-10-01' })],
      [],
      none,
    )
    // 1 October to 31 March: 182 of 365 days of £18,250.
    assert.equal(run.lines[0]!.amountPence, 910_000)
    assert.equal(run.lines[0]!.source, 'band')
    assert.match(run.lines[0]!.explanation, /provision band C \(Complex\) pays £18,250\.00 a place/)
  })

  it('pays a legacy amount until the matrix starts for the setting type, then the award', () => {
    const spec = matrixVersionSpec.parse(FIXTURES.dudley)
    const starts = matrixStartByType([spec])
    assert.equal(starts.get('mainstream'), '2021-09-01')
    const legacy: RunLegacy = {
      ...pupil(1),
      legacyId: 'L1',
      settingType: 'mainstream',
      annualPence: 365_000,
      startDate: '2020-04-01',
      endDate: null,
      note: null,
    }
    const postSixteen: RunLegacy = { ...legacy, ...pupil(2), legacyId: 'L2', settingType: 'post_16' }
    const run = runFunding(
      { kind: 'year', financialYear: '2021-22' },
      [award(1, { annualPence: 365_000, startDate: '2021-04-01' })],
      [legacy, postSixteen],
      starts,
    )
    assert.deepEqual(
      run.lines.map(l => [l.childId, l.source, l.from, l.to, l.amountPence]),
      [
        ['C1', 'legacy', '2021-04-01', '2021-08-31', 153_000],
        ['C1', 'matrix', '2021-09-01', '2022-03-31', 212_000],
        ['C2', 'legacy', '2021-04-01', '2022-03-31', 365_000],
      ],
    )
    assert.equal(runFunding({ kind: 'year', financialYear: '2022-23' }, [], [legacy], starts).lines.length, 0)
  })
})

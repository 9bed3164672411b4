import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays } from '../../platform/time/dates.ts'
import { FIXTURES } from './fixtures/index.ts'
import { matrixVersionSpec } from './matrix-version.ts'
import {
  matrixStartByType,
  monthsOf,
  periodDates,
  runFunding,
  TERMS,
  type RunAward,
  type RunLegacy,
  type RunPeriod,
} from './run.ts'

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
  protection: null,
  moderation: null,
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
      kind: 'phased',
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

describe('legacy exceptional funding and transitional protection', () => {
  const spec = matrixVersionSpec.parse(FIXTURES.dudley)
  const starts = matrixStartByType([spec])
  const exceptional: RunLegacy = {
    ...pupil(1),
    legacyId: 'L1',
    kind: 'exceptional',
    settingType: 'mainstream',
    annualPence: 600_000,
    startDate: '2024-09-01',
    endDate: '2026-11-15',
    note: null,
  }

  it('pays an exceptional amount to its end date, whatever the matrix start of its setting type', () => {
    const run = runFunding({ kind: 'year', financialYear: '2026-27' }, [], [exceptional], starts)
    // 1 April to 15 November 2026: 229 of 365 days of £6,000 = £3,764.38
    assert.deepEqual(
      run.lines.map(l => [l.source, l.from, l.to, l.amountPence]),
      [['legacy', '2026-04-01', '2026-11-15', 376_438]],
    )
    assert.match(run.lines[0]!.explanation, /exceptional-funding amount paid until its matrix award is agreed/)
    const phased = runFunding(
      { kind: 'year', financialYear: '2026-27' },
      [],
      [{ ...exceptional, kind: 'phased' }],
      starts,
    )
    assert.equal(phased.lines.length, 0)
  })

  it('adds a protection line for the difference until the protection date, and groups it by its label', () => {
    const run = runFunding(
      { kind: 'year', financialYear: '2026-27' },
      [
        award(1, {
          annualPence: 155_000,
          startDate: '2026-11-16',
          protection: { legacyAnnualPence: 600_000, until: '2027-08-31' },
        }),
      ],
      [exceptional],
      none,
    )
    // 16 November 2026 to 31 March 2027 is 136 days: (£6,000 − £1,550) × 136 ÷ 365 = £1,658.08
    assert.deepEqual(
      run.lines.map(l => [l.source, l.from, l.to, l.amountPence]),
      [
        ['legacy', '2026-04-01', '2026-11-15', 376_438],
        ['matrix', '2026-11-16', '2027-03-31', 57_753],
        ['protection', '2026-11-16', '2027-03-31', 165_808],
      ],
    )
    const line = run.lines[2]!
    assert.equal(line.levelLabel, 'Transitional protection')
    assert.match(line.explanation, /until 31 August 2027/)
    assert.match(line.explanation, /£6,000\.00 a year/)
    assert.match(line.explanation, /£1,550\.00 a year/)
    assert.match(line.explanation, /difference of £4,450\.00 a year/)
    assert.deepEqual(
      run.byLevel.map(g => [g.label, g.amountPence]),
      [
        ['Legacy amount', 376_438],
        ['Level 3', 57_753],
        ['Transitional protection', 165_808],
      ],
    )
  })

  it('says what the moderation panel decided on the award line', () => {
    const run = runFunding(
      { kind: 'year', financialYear: '2026-27' },
      [
        award(1, {
          level: 2,
          moderation: {
            outcome: 'change_level',
            proposedLevel: 1,
            decidedLevel: 2,
            reason: 'An adult is needed for most of the day.',
            decidedOn: '2026-11-16',
          },
        }),
        award(2, {
          level: 1,
          moderation: { outcome: 'agree', proposedLevel: 1, decidedLevel: 1, reason: null, decidedOn: '2026-11-16' },
        }),
      ],
      [],
      none,
    )
    assert.match(
      run.lines[0]!.explanation,
      / Agreed by the moderation panel on 16 November 2026 at Level 2 \(the school proposed Level 1\): An adult is needed for most of the day\.$/,
    )
    assert.match(run.lines[1]!.explanation, /on 16 November 2026 at Level 1, the level the school proposed\.$/)
  })

  // Any award (dates, amount) and protection (old amount, date), over any year, month or term.
  const day = (offset: number) => addDays('2024-04-01', offset)
  const periodArb: fc.Arbitrary<RunPeriod> = fc.oneof(
    fc.constantFrom('2024-25', '2025-26', '2026-27').map(financialYear => ({ kind: 'year' as const, financialYear })),
    fc
      .tuple(fc.constantFrom('2024-25', '2025-26', '2026-27'), fc.integer({ min: 0, max: 11 }))
      .map(([financialYear, i]) => ({ kind: 'month' as const, financialYear, month: monthsOf(financialYear)[i]! })),
    fc
      .tuple(fc.constantFrom('2024-25', '2025-26', '2026-27'), fc.constantFrom(...TERMS))
      .map(([financialYear, term]) => ({ kind: 'term' as const, financialYear, term })),
  )
  const caseArb = fc.record({
    start: fc.integer({ min: 0, max: 1000 }),
    length: fc.option(fc.integer({ min: 0, max: 800 }), { nil: null }),
    protectedDays: fc.integer({ min: 0, max: 900 }),
    annual: fc.integer({ min: 0, max: 5_000_000 }),
    legacy: fc.integer({ min: 0, max: 5_000_000 }),
    // When the matrix reached the setting type, if it did: neither line pays before it.
    matrixFrom: fc.option(fc.integer({ min: 0, max: 1200 }), { nil: null }),
    period: periodArb,
  })
  type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never
  const build = (c: Case) => {
    const startDate = day(c.start)
    const endDate = c.length === null ? null : day(c.start + c.length)
    const until = day(c.start + c.protectedDays)
    const protectedAward = award(1, {
      annualPence: c.annual,
      startDate,
      endDate,
      protection: { legacyAnnualPence: c.legacy, until },
    })
    const starts = new Map(c.matrixFrom === null ? [] : [['mainstream' as const, day(c.matrixFrom)]])
    return { startDate, endDate, until, protectedAward, starts }
  }

  it('award and protection lines pay what the higher amount alone would, to within a penny a line', () => {
    fc.assert(
      fc.property(caseArb, c => {
        const { startDate, endDate, until, protectedAward, starts } = build(c)
        const run = runFunding(c.period, [protectedAward], [], starts)
        // The higher amount alone: the greater of the two to the protection date, then the award's own.
        const protectedEnd = endDate !== null && endDate < until ? endDate : until
        const alone = [
          award(1, { annualPence: Math.max(c.annual, c.legacy), startDate, endDate: protectedEnd }),
          award(1, { annualPence: c.annual, startDate: addDays(until, 1), endDate }),
        ].filter(a => a.endDate === null || a.endDate >= a.startDate)
        const higher = runFunding(c.period, alone, [], starts)
        const lines = run.lines.length + higher.lines.length
        assert.ok(
          Math.abs(run.totalPence - higher.totalPence) <= lines,
          `${run.totalPence} vs ${higher.totalPence} over ${lines} lines`,
        )
      }),
      { numRuns: 400 },
    )
  })

  it('protection never pays before the award starts or after its date, nor when the new amount is higher', () => {
    fc.assert(
      fc.property(caseArb, c => {
        const { startDate, until, protectedAward, starts } = build(c)
        const protection = runFunding(c.period, [protectedAward], [], starts).lines.filter(
          l => l.source === 'protection',
        )
        for (const line of protection) {
          assert.ok(line.from >= startDate, `${line.from} before ${startDate}`)
          assert.ok(line.to <= until, `${line.to} after ${until}`)
          assert.equal(line.annualPence, c.legacy - c.annual)
        }
        if (c.annual >= c.legacy) assert.equal(protection.length, 0)
      }),
      { numRuns: 400 },
    )
  })
})

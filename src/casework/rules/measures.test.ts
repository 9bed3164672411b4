import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, toIso } from '../../platform/time/dates.ts'
import {
  twentyWeekMonthTable,
  annualReviewsOutstanding,
  CEASE_REASON_CODES,
  issuedWithinTwentyWeeks,
  percentage,
  plansCeasedByReason,
  twentyWeekMeasure,
  type NewPlan,
} from './measures.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)

describe('percentages as published', () => {
  it('round to 1 decimal place, halves up, matching the DfE national figures for 2019', () => {
    assert.equal(percentage(31_313, 53_327).percent, 58.7) // including exceptions
    assert.equal(percentage(29_895, 49_519).percent, 60.4) // excluding exceptions
    assert.equal(percentage(1, 8).percent, 12.5)
    assert.equal(percentage(1, 16).percent, 6.3) // 6.25 → 6.3
    assert.equal(percentage(2, 3).percent, 66.7)
    assert.equal(percentage(0, 0).percent, null)
  })
})

describe('the 20-week measure', () => {
  const plan = (requestReceivedOn: string, days: number, hasException = false): NewPlan => ({
    requestReceivedOn,
    issuedOn: addDays(requestReceivedOn, days),
    hasException,
  })

  it('counts 140 days as within 20 weeks and 141 as not', () => {
    assert.equal(issuedWithinTwentyWeeks(plan('2026-01-05', 140)), true)
    assert.equal(issuedWithinTwentyWeeks(plan('2026-01-05', 141)), false)
    assert.throws(() => issuedWithinTwentyWeeks(plan('2026-01-05', -1)), RangeError)
  })

  it('equals a hand count for a fixture year', () => {
    const plans = [
      plan('2025-10-01', 120), // issued 29 Jan 2026, in time
      plan('2025-09-01', 150, true), // issued 29 Jan 2026, late, exception
      plan('2026-01-05', 140), // issued 25 May 2026, in time (day 140)
      plan('2026-01-05', 141), // issued 26 May 2026, late
      plan('2026-02-02', 100, true), // issued 13 May 2026, in time, exception
      plan('2026-06-01', 200), // issued 18 Dec 2026, late
      plan('2025-06-02', 140), // issued 20 Oct 2025: another year, not counted
    ]
    const m = twentyWeekMeasure(plans, 2026)
    // Including: 3 of 6 in time (50.0 %). Excluding: the 4 without exceptions, 2 in time (50.0 %).
    assert.deepEqual(m.including, { numerator: 3, denominator: 6, percent: 50 })
    assert.deepEqual(m.excluding, { numerator: 2, denominator: 4, percent: 50 })
    assert.deepEqual(m.byMonth[0], {
      month: 1,
      including: { numerator: 1, denominator: 2, percent: 50 },
      excluding: { numerator: 1, denominator: 1, percent: 100 },
    })
    assert.deepEqual(m.byMonth[4], {
      month: 5,
      including: { numerator: 2, denominator: 3, percent: 66.7 },
      excluding: { numerator: 1, denominator: 2, percent: 50 },
    })
    assert.deepEqual(m.byMonth[1]!.including, { numerator: 0, denominator: 0, percent: null })
  })

  it('including counts every plan issued in the year, excluding only those without exceptions; both in [0, 100]', () => {
    const arbitraryPlan = fc.record({
      requestReceivedOn: isoDate('2024-01-01', '2026-12-31'),
      days: fc.nat(400),
      hasException: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(arbitraryPlan, { maxLength: 60 }), fc.constantFrom(2024, 2025, 2026), (raw, year) => {
        const plans = raw.map(p => plan(p.requestReceivedOn, p.days, p.hasException))
        const inYear = plans.filter(p => p.issuedOn.startsWith(`${year}-`))
        const m = twentyWeekMeasure(plans, year)
        assert.equal(m.including.denominator, inYear.length)
        assert.equal(m.excluding.denominator, inYear.filter(p => !p.hasException).length)
        assert.equal(m.including.numerator, inYear.filter(issuedWithinTwentyWeeks).length)
        assert.ok(m.excluding.numerator <= m.including.numerator)
        for (const f of [m, ...m.byMonth]) {
          for (const p of [f.including, f.excluding]) {
            assert.ok(p.numerator <= p.denominator)
            assert.ok(p.percent === null ? p.denominator === 0 : p.percent >= 0 && p.percent <= 100)
          }
        }
        const sum = (k: 'including' | 'excluding', n: 'numerator' | 'denominator') =>
          m.byMonth.reduce((total, month) => total + month[k][n], 0)
        assert.equal(sum('including', 'denominator'), m.including.denominator)
        assert.equal(sum('excluding', 'numerator'), m.excluding.numerator)
      }),
    )
  })
})

describe('the 20-week table', () => {
  it('has a row per month and the year, and the months add up to the year', () => {
    const plans = [
      { requestReceivedOn: '2025-01-02', issuedOn: '2025-03-10', hasException: false },
      { requestReceivedOn: '2025-01-02', issuedOn: '2025-08-01', hasException: true },
      { requestReceivedOn: '2025-02-01', issuedOn: '2025-08-20', hasException: false },
    ]
    const { header, rows } = twentyWeekMonthTable(twentyWeekMeasure(plans, 2025))
    assert.equal(header.length, 7)
    assert.equal(rows.length, 13)
    assert.deepEqual(rows[12], ['2025', 3, 1, 33.3, 2, 1, 50])
    for (const column of [1, 2, 4, 5]) {
      const months = rows.slice(0, 12).reduce((sum, r) => sum + (r[column] as number), 0)
      assert.equal(months, rows[12]![column])
    }
  })
})

describe('annual reviews outstanding', () => {
  it('lists plans whose review date has passed without a meeting or a decision', () => {
    const plans = [
      { planId: 'a', issuedOrLastReviewedOn: '2025-03-31', meetingHeldOn: null, decisionOn: null }, // due 31 Mar 2026
      { planId: 'b', issuedOrLastReviewedOn: '2025-03-31', meetingHeldOn: '2026-03-01', decisionOn: null },
      { planId: 'c', issuedOrLastReviewedOn: '2025-03-31', meetingHeldOn: '2026-03-01', decisionOn: '2026-03-20' },
      { planId: 'd', issuedOrLastReviewedOn: '2025-06-30', meetingHeldOn: null, decisionOn: null }, // due 30 Jun 2026
      {
        planId: 'e',
        issuedOrLastReviewedOn: '2024-01-10',
        meetingHeldOn: null,
        decisionOn: null,
        ceasedOn: '2025-12-01',
      },
    ]
    assert.deepEqual(annualReviewsOutstanding(plans, '2026-04-01'), [
      { planId: 'a', reviewBy: '2026-03-31', daysOverdue: 1, missing: 'meeting' },
      { planId: 'b', reviewBy: '2026-03-31', daysOverdue: 1, missing: 'decision' },
    ])
    assert.deepEqual(annualReviewsOutstanding(plans, '2026-03-31'), []) // due today is not yet outstanding
    // a decision sent after the date asked about does not count on that date
    assert.deepEqual(annualReviewsOutstanding([{ ...plans[2]!, decisionOn: '2026-04-05' }], '2026-04-01'), [
      { planId: 'c', reviewBy: '2026-03-31', daysOverdue: 1, missing: 'decision' },
    ])
  })
})

describe('plans ceased by reason', () => {
  it('counts plans ceased in the period by SEN2 reason, listing every reason', () => {
    const r = plansCeasedByReason(
      [
        { ceaseDate: '2026-01-01', ceaseReason: 1 },
        { ceaseDate: '2026-07-31', ceaseReason: 1 },
        { ceaseDate: '2026-12-31', ceaseReason: 5 },
        { ceaseDate: '2025-12-31', ceaseReason: 8 }, // before the period
        { ceaseDate: null, ceaseReason: null }, // still in force
      ],
      '2026-01-01',
      '2026-12-31',
    )
    assert.equal(r.total, 3)
    assert.deepEqual(r.byReason, { 1: 2, 2: 0, 3: 0, 4: 0, 5: 1, 6: 0, 7: 0, 8: 0, 9: 0 })
    assert.deepEqual(CEASE_REASON_CODES, [1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert.throws(() =>
      plansCeasedByReason([{ ceaseDate: '2026-03-01', ceaseReason: null }], '2026-01-01', '2026-12-31'),
    )
  })
})

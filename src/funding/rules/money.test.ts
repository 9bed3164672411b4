import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, toIso } from '../../platform/time/dates.ts'
import {
  daysInFinancialYear,
  divideRoundHalfUp,
  financialYearEnd,
  financialYearOf,
  financialYearStart,
  fundingLines,
  MAX_ANNUAL_PENCE,
  proRata,
  schedule,
  totalPence,
  type RateFor,
} from './money.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)
const ordered = (min: string, max: string) =>
  fc.tuple(isoDate(min, max), isoDate(min, max)).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }))
const annual = fc.integer({ min: 0, max: 10_000_000 }) // up to £100,000 a year
/** A different rate in each financial year, derived from one seed so a test can compare two runs. */
const ratesBy =
  (base: number, step: number): RateFor =>
  fy =>
    base + step * (Number(fy.slice(0, 4)) - 2000)

describe('financial years', () => {
  it('run from April to March', () => {
    assert.equal(financialYearOf('2024-03-31'), '2023-24')
    assert.equal(financialYearOf('2024-04-01'), '2024-25')
    assert.equal(financialYearOf('1999-12-31'), '1999-00')
    assert.equal(financialYearStart('2024-25'), '2024-04-01')
    assert.equal(financialYearEnd('2024-25'), '2025-03-31')
  })

  it('have 366 days when they contain 29 February', () => {
    assert.equal(daysInFinancialYear('2023-24'), 366)
    assert.equal(daysInFinancialYear('2024-25'), 365)
    assert.equal(daysInFinancialYear('2027-28'), 366)
    assert.equal(daysInFinancialYear('1999-00'), 366) // 2000 is a leap year
    assert.equal(daysInFinancialYear('2099-00'), 365) // 2100 is not
  })
})

describe('pro rata to whole pence', () => {
  it('rounds half up, once', () => {
    assert.equal(proRata(1_000_000, 30, 365), 82_192) // 82,191.78
    assert.equal(proRata(183, 1, 366), 1) // exactly ½
    assert.equal(proRata(182, 1, 366), 0) // just under ½
    assert.equal(proRata(0, 200, 365), 0)
  })

  it('agrees with exact BigInt arithmetic up to the largest annual amount allowed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_ANNUAL_PENCE }),
        fc.integer({ min: 365, max: 366 }),
        fc.integer({ min: 0, max: 366 }),
        (a, daysInYear, d) => {
          const days = Math.min(d, daysInYear)
          const exact = (2n * BigInt(a) * BigInt(days) + BigInt(daysInYear)) / (2n * BigInt(daysInYear))
          assert.equal(BigInt(proRata(a, days, daysInYear)), exact)
        },
      ),
    )
    assert.throws(() => proRata(MAX_ANNUAL_PENCE + 1, 1, 365), RangeError)
    assert.throws(() => proRata(10.5, 1, 365), RangeError)
    assert.equal(divideRoundHalfUp(5, 2), 3)
  })
})

describe('funding lines', () => {
  it('split a period at each financial year, and pay a whole year exactly its annual amount', () => {
    const lines = fundingLines(
      { start: '2023-09-01', end: null },
      { from: '2023-01-01', to: '2025-08-31' },
      ratesBy(500_000, 10_000),
    )
    assert.deepEqual(
      lines.map(l => [l.from, l.to, l.days, l.financialYear, l.daysInYear, l.annualPence, l.amountPence]),
      [
        ['2023-09-01', '2024-03-31', 213, '2023-24', 366, 730_000, proRata(730_000, 213, 366)],
        ['2024-04-01', '2025-03-31', 365, '2024-25', 365, 740_000, 740_000],
        ['2025-04-01', '2025-08-31', 153, '2025-26', 365, 750_000, proRata(750_000, 153, 365)],
      ],
    )
  })

  it('pay nothing for a period wholly before the start or after the end', () => {
    const award = { start: '2024-09-01', end: '2025-07-20' }
    assert.deepEqual(
      fundingLines(award, { from: '2024-01-01', to: '2024-08-31' }, () => 1_000_000),
      [],
    )
    assert.deepEqual(
      fundingLines(award, { from: '2025-07-21', to: '2026-03-31' }, () => 1_000_000),
      [],
    )
  })

  it('a whole financial year gives exactly the annual amount, leap or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2100 }), annual, (year, a) => {
        const fy = financialYearOf(`${year}-04-01`)
        const lines = fundingLines(
          { start: '1980-01-01', end: null },
          { from: financialYearStart(fy), to: financialYearEnd(fy) },
          () => a,
        )
        assert.equal(lines.length, 1)
        assert.equal(lines[0]!.days, daysInFinancialYear(fy))
        assert.equal(lines[0]!.amountPence, a)
      }),
    )
  })

  it('count no money before the start or after the end', () => {
    fc.assert(
      fc.property(
        ordered('2018-01-01', '2030-12-31'),
        fc.option(isoDate('2018-01-01', '2030-12-31')),
        ordered('2016-01-01', '2032-12-31'),
        annual,
        (award, end, period, a) => {
          const lines = fundingLines({ start: award.from, end: end ?? null }, period, () => a)
          for (const line of lines) {
            assert.ok(line.from >= award.from && line.from >= period.from)
            assert.ok(line.to <= period.to && (end === null || line.to <= end))
            assert.ok(line.from <= line.to)
          }
          // The days counted are exactly the days the award runs within the period.
          const from = award.from > period.from ? award.from : period.from
          const to = end !== null && end < period.to ? end : period.to
          const expected = from <= to ? (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 : 0
          assert.equal(
            lines.reduce((s, l) => s + l.days, 0),
            expected,
          )
        },
      ),
    )
  })

  it('splitting a period at any day changes the total by at most 1p per line', () => {
    fc.assert(
      fc.property(
        ordered('2019-01-01', '2029-12-31'),
        fc.nat(),
        annual,
        fc.integer({ min: 0, max: 50_000 }),
        (period, at, base, step) => {
          const award = { start: '2018-01-01', end: null }
          const days = (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000
          fc.pre(days >= 1)
          const splitTo = addDays(period.from, at % days) // first part ends here; second starts the next day
          const whole = fundingLines(award, period, ratesBy(base, step))
          const first = fundingLines(award, { from: period.from, to: splitTo }, ratesBy(base, step))
          const second = fundingLines(award, { from: addDays(splitTo, 1), to: period.to }, ratesBy(base, step))
          const difference = Math.abs(totalPence(whole) - totalPence(first) - totalPence(second))
          assert.ok(
            difference <= first.length + second.length,
            `${difference}p over ${first.length + second.length} lines`,
          )
          assert.equal(
            first.reduce((s, l) => s + l.days, 0) + second.reduce((s, l) => s + l.days, 0),
            whole.reduce((s, l) => s + l.days, 0),
          )
        },
      ),
    )
  })

  it('a higher rate never gives less money', () => {
    fc.assert(
      fc.property(ordered('2019-01-01', '2029-12-31'), annual, annual, (period, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a]
        const award = { start: '2019-01-01', end: null }
        assert.ok(
          totalPence(fundingLines(award, period, () => low)) <= totalPence(fundingLines(award, period, () => high)),
        )
      }),
    )
  })
})

describe('payment schedules', () => {
  it('pay a leap financial year in twelve months, adding up to the year exactly', () => {
    const lines = fundingLines(
      { start: '2020-01-01', end: null },
      { from: '2023-04-01', to: '2024-03-31' },
      () => 1_234_567,
    )
    const months = schedule(lines, 'month')
    assert.deepEqual(
      months.map(m => m.period),
      [
        '2023-04',
        '2023-05',
        '2023-06',
        '2023-07',
        '2023-08',
        '2023-09',
        '2023-10',
        '2023-11',
        '2023-12',
        '2024-01',
        '2024-02',
        '2024-03',
      ],
    )
    assert.equal(months.find(m => m.period === '2024-02')!.days, 29)
    assert.equal(totalPence(months), 1_234_567)
    const terms = schedule(lines, 'term')
    assert.deepEqual(
      terms.map(t => [t.period, t.from, t.to]),
      [
        ['summer 2023', '2023-04-01', '2023-08-31'],
        ['autumn 2023', '2023-09-01', '2023-12-31'],
        ['spring 2024', '2024-01-01', '2024-03-31'],
      ],
    )
    assert.equal(totalPence(terms), 1_234_567)
  })

  it('instalments of any period add up to its lines exactly and cover the same days', () => {
    fc.assert(
      fc.property(
        ordered('2019-01-01', '2027-12-31'),
        annual,
        fc.constantFrom('month' as const, 'term' as const),
        (period, a, by) => {
          const lines = fundingLines({ start: '2018-06-01', end: null }, period, () => a)
          const instalments = schedule(lines, by)
          assert.equal(totalPence(instalments), totalPence(lines))
          assert.equal(
            instalments.reduce((s, i) => s + i.days, 0),
            lines.reduce((s, l) => s + l.days, 0),
          )
          for (const i of instalments) assert.ok(i.amountPence >= 0)
        },
      ),
    )
  })
})

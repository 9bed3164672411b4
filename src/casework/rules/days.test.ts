import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, daysBetween, parts, toIso } from '../../platform/time/dates.ts'
import { addWorkingDays, calendarWith, isWorkingDay, nextWorkingDay } from './bank-holidays.ts'
import { daysBeginningWith, DELIVERY_METHODS, legalDate, londonLocal, monthsFrom, weeksFrom } from './days.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`)
const calendar = calendarWith()
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const monthIndex = (iso: string) => parts(iso).year * 12 + parts(iso).month

describe('weeks', () => {
  it('"N weeks from X" is X + 7N days, always', () => {
    assert.equal(weeksFrom('2026-01-05', 20), '2026-05-25')
    fc.assert(
      fc.property(isoDate('1990-01-01', '2090-12-31'), fc.integer({ min: -104, max: 104 }), (d, n) => {
        assert.equal(daysBetween(d, weeksFrom(d, n)), 7 * n)
        assert.equal(weeksFrom(d, n), addDays(d, 7 * n))
      }),
    )
  })
})

describe('months', () => {
  it('end on the corresponding date, or the last day of a shorter month', () => {
    assert.equal(monthsFrom('2026-01-31', 1), '2026-02-28')
    assert.equal(monthsFrom('2024-01-31', 1), '2024-02-29') // leap year
    assert.equal(monthsFrom('2028-01-30', 1), '2028-02-29') // leap year
    assert.equal(monthsFrom('2100-01-31', 1), '2100-02-28') // 2100 is not a leap year
    assert.equal(monthsFrom('2000-01-31', 1), '2000-02-29') // 2000 is
    assert.equal(monthsFrom('2024-02-29', 12), '2025-02-28')
    assert.equal(monthsFrom('2024-02-29', 48), '2028-02-29')
    assert.equal(monthsFrom('2026-03-31', 1), '2026-04-30')
    assert.equal(monthsFrom('2026-12-31', 2), '2027-02-28')
    assert.equal(monthsFrom('2026-11-15', 2), '2027-01-15')
    assert.equal(monthsFrom('2026-07-31', -5), '2026-02-28')
    assert.equal(monthsFrom('2026-01-15', -1), '2025-12-15')
  })

  it('move the month by exactly N and keep the day unless the month is too short', () => {
    fc.assert(
      fc.property(isoDate('1990-01-01', '2110-12-31'), fc.integer({ min: -60, max: 60 }), (d, n) => {
        const r = monthsFrom(d, n)
        assert.equal(monthIndex(r) - monthIndex(d), n)
        const { day } = parts(d)
        const got = parts(r)
        const lastDay = new Date(Date.UTC(got.year, got.month, 0)).getUTCDate()
        assert.equal(got.day, Math.min(day, lastDay))
      }),
    )
  })

  it('12 months from 29 February is 28 February unless the next year is leap', () => {
    fc.assert(
      fc.property(fc.constantFrom(1996, 2000, 2004, 2024, 2028, 2096), fc.integer({ min: 1, max: 8 }), (y, years) => {
        const r = monthsFrom(`${y}-02-29`, 12 * years)
        assert.equal(r, `${y + years}-02-${isLeap(y + years) ? 29 : 28}`)
      }),
    )
  })

  it('N months before a date: N months from it end on or before that date, at most 3 days short of the latest such day', () => {
    assert.equal(monthsFrom('2030-02-28', -5), '2029-09-28') // 29 and 30 September would also do: we take the earlier
    fc.assert(
      fc.property(isoDate('1990-01-01', '2110-12-31'), fc.integer({ min: 1, max: 24 }), (d, n) => {
        const before = monthsFrom(d, -n)
        assert.ok(monthsFrom(before, n) <= d)
        let latest = before
        while (monthsFrom(addDays(latest, 1), n) <= d) latest = addDays(latest, 1)
        assert.ok(daysBetween(before, latest) <= 3)
        // the latest day is only later when d is the last day of a month shorter than the one counted back to
        if (latest !== before) assert.equal(parts(addDays(d, 1)).day, 1)
      }),
    )
  })

  it('never put a later start before an earlier one', () => {
    fc.assert(
      fc.property(isoDate('2000-01-01', '2040-12-31'), isoDate('2000-01-01', '2040-12-31'), fc.nat(36), (a, b, n) => {
        const [x, y] = a <= b ? [a, b] : [b, a]
        assert.ok(monthsFrom(x, n) <= monthsFrom(y, n))
      }),
    )
  })
})

describe('periods beginning with the day of service', () => {
  it('count that day as day 1', () => {
    assert.equal(daysBeginningWith('2026-04-01', 15), '2026-04-15')
    assert.equal(daysBeginningWith('2026-04-01', 1), '2026-04-01')
    assert.throws(() => daysBeginningWith('2026-04-01', 0), RangeError)
  })
})

describe('the legal received or served date', () => {
  it('is that day by hand or email before 17:00 on a working day, otherwise the next working day', () => {
    assert.equal(legalDate(calendar, { method: 'email', on: '2026-03-06', at: '16:59' }), '2026-03-06')
    assert.equal(legalDate(calendar, { method: 'email', on: '2026-03-06', at: '17:00' }), '2026-03-09') // Friday
    assert.equal(legalDate(calendar, { method: 'hand', on: '2026-03-07', at: '09:00' }), '2026-03-09') // Saturday
    assert.equal(legalDate(calendar, { method: 'email', on: '2026-04-03', at: '10:00' }), '2026-04-07') // Good Friday
    assert.throws(() => legalDate(calendar, { method: 'email', on: '2026-03-06' }), RangeError)
    assert.throws(() => legalDate(calendar, { method: 'email', on: '2026-03-06', at: '24:00' }), RangeError)
  })

  it('is the next working day after posting first class, the second working day second class', () => {
    assert.equal(legalDate(calendar, { method: 'first_class_post', on: '2026-03-05' }), '2026-03-06')
    assert.equal(legalDate(calendar, { method: 'first_class_post', on: '2026-12-24' }), '2026-12-29')
    assert.equal(legalDate(calendar, { method: 'second_class_post', on: '2026-12-23' }), '2026-12-29')
    assert.equal(legalDate(calendar, { method: 'second_class_post', on: '2026-03-05' }), '2026-03-09')
  })

  it('is never before the sending day, is a working day, and is the same day only on a working day before 17:00', () => {
    fc.assert(
      fc.property(isoDate('2015-01-01', '2030-12-20'), time, fc.constantFrom(...DELIVERY_METHODS), (on, at, method) => {
        const legal = legalDate(calendar, { method, on, at })
        assert.ok(legal >= on)
        assert.ok(isWorkingDay(calendar, legal))
        const sameDayAllowed = (method === 'hand' || method === 'email') && isWorkingDay(calendar, on) && at < '17:00'
        assert.equal(legal === on, sameDayAllowed)
        if (legal !== on) assert.ok(legal >= nextWorkingDay(calendar, on))
        if (method === 'second_class_post') assert.equal(legal, addWorkingDays(calendar, on, 2))
      }),
    )
  })
})

describe('London local time', () => {
  it('turns an instant into the local date and time, across the clock changes', () => {
    assert.deepEqual(londonLocal('2026-06-01T16:30:00Z'), { on: '2026-06-01', at: '17:30' }) // BST
    assert.deepEqual(londonLocal('2026-01-15T16:59:00Z'), { on: '2026-01-15', at: '16:59' }) // GMT
    assert.deepEqual(londonLocal('2026-03-29T00:30:00Z'), { on: '2026-03-29', at: '00:30' }) // before BST starts
    assert.deepEqual(londonLocal('2026-03-29T01:30:00Z'), { on: '2026-03-29', at: '02:30' })
    assert.deepEqual(londonLocal('2026-07-31T23:30:00Z'), { on: '2026-08-01', at: '00:30' })
    assert.throws(() => londonLocal('yesterday'), RangeError)
    // an email at 16:30 UTC on a summer Monday arrived after 17:00 in London
    const { on, at } = londonLocal('2026-06-01T16:30:00Z')
    assert.equal(legalDate(calendar, { method: 'email', on, at }), '2026-06-02')
  })
})

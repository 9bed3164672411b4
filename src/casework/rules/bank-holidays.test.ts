import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, daysBetween, toIso } from '../../platform/time/dates.ts'
import {
  addWorkingDays,
  calendarWith,
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
  FIRST_SHIPPED_YEAR,
  isCoveredByShippedList,
  isWeekend,
  isWorkingDay,
  LAST_SHIPPED_YEAR,
  nextWorkingDay,
  workingDayOnOrAfter,
  workingDaysBetween,
} from './bank-holidays.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)
const calendar = calendarWith()
const inYear = (year: number) => ENGLAND_AND_WALES_BANK_HOLIDAYS.filter(d => d.startsWith(`${year}-`))

// An independent derivation of the usual pattern, to check the shipped list against (not used at run time).
function easterSunday(y: number): string {
  const a = y % 19
  const b = Math.floor(y / 100)
  const c = y % 100
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}
const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay()
const monday = (iso: string, step: 1 | -1) => {
  let d = iso
  while (weekday(d) !== 1) d = addDays(d, step)
  return d
}
function usualPattern(y: number): string[] {
  const easter = easterSunday(y)
  const christmas = weekday(`${y}-12-25`)
  const christmasDays =
    christmas === 6
      ? [`${y}-12-27`, `${y}-12-28`]
      : christmas === 0
        ? [`${y}-12-26`, `${y}-12-27`]
        : christmas === 5
          ? [`${y}-12-25`, `${y}-12-28`]
          : [`${y}-12-25`, `${y}-12-26`]
  return [
    isWeekend(`${y}-01-01`) ? monday(`${y}-01-01`, 1) : `${y}-01-01`,
    addDays(easter, -2),
    addDays(easter, 1),
    monday(`${y}-05-01`, 1),
    monday(`${y}-05-31`, -1),
    monday(`${y}-08-31`, -1),
    ...christmasDays,
  ].sort()
}

describe('England and Wales bank holidays', () => {
  it('match the published lists', () => {
    assert.deepEqual(inYear(2024), [
      '2024-01-01',
      '2024-03-29',
      '2024-04-01',
      '2024-05-06',
      '2024-05-27',
      '2024-08-26',
      '2024-12-25',
      '2024-12-26',
    ])
    assert.deepEqual(inYear(2026), [
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28', // Boxing Day is a Saturday
    ])
    assert.deepEqual(inYear(2021), [
      '2021-01-01',
      '2021-04-02',
      '2021-04-05',
      '2021-05-03',
      '2021-05-31',
      '2021-08-30',
      '2021-12-27', // Christmas Day is a Saturday
      '2021-12-28', // Boxing Day is a Sunday
    ])
    assert.deepEqual(inYear(2022), [
      '2022-01-03', // New Year's Day is a Saturday
      '2022-04-15',
      '2022-04-18',
      '2022-05-02',
      '2022-06-02', // Platinum Jubilee: the late May bank holiday moved
      '2022-06-03', // Platinum Jubilee
      '2022-08-29',
      '2022-09-19', // State Funeral of Queen Elizabeth II
      '2022-12-26',
      '2022-12-27', // Christmas Day is a Sunday
    ])
    assert.ok(inYear(2020).includes('2020-05-08') && !inYear(2020).includes('2020-05-04')) // VE Day
    assert.ok(inYear(2023).includes('2023-05-01') && inYear(2023).includes('2023-05-08')) // Coronation
  })

  it('follow the usual pattern in every shipped year except for the one-off changes', () => {
    const oneOff: Record<number, { add: string[]; remove: string[] }> = {
      2020: { add: ['2020-05-08'], remove: ['2020-05-04'] },
      2022: { add: ['2022-06-02', '2022-06-03', '2022-09-19'], remove: ['2022-05-30'] },
      2023: { add: ['2023-05-08'], remove: [] },
    }
    for (let y = FIRST_SHIPPED_YEAR; y <= LAST_SHIPPED_YEAR; y++) {
      const change = oneOff[y] ?? { add: [], remove: [] }
      const expected = [...usualPattern(y).filter(d => !change.remove.includes(d)), ...change.add].sort()
      assert.deepEqual(inYear(y), expected, `${y}`)
    }
  })

  it('are sorted, distinct and all on weekdays', () => {
    const list = ENGLAND_AND_WALES_BANK_HOLIDAYS
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]! < list[i]!, list[i])
    for (const d of list) assert.ok(!isWeekend(d), d)
    assert.equal(list.length, 16 * 8 + 2 + 1)
  })
})

describe('working days', () => {
  it('skip weekends, bank holidays and dates an admin adds', () => {
    assert.equal(nextWorkingDay(calendar, '2026-04-02'), '2026-04-07') // Good Friday, weekend, Easter Monday
    assert.equal(addWorkingDays(calendar, '2026-12-24', 1), '2026-12-29')
    assert.equal(addWorkingDays(calendar, '2026-12-24', 0), '2026-12-24')
    assert.equal(workingDaysBetween(calendar, '2026-12-24', '2027-01-04'), 4) // 29, 30, 31 Dec and 4 Jan
    assert.equal(workingDayOnOrAfter(calendar, '2026-05-25'), '2026-05-26')
    assert.equal(workingDayOnOrAfter(calendar, '2026-05-26'), '2026-05-26')
    const withClosure = calendarWith(['2026-12-29'])
    assert.equal(isWorkingDay(calendar, '2026-12-29'), true)
    assert.equal(isWorkingDay(withClosure, '2026-12-29'), false)
    assert.equal(nextWorkingDay(withClosure, '2026-12-24'), '2026-12-30')
    assert.throws(() => calendarWith(['2026-02-30']), RangeError)
    assert.throws(() => addWorkingDays(calendar, '2026-01-01', -1), RangeError)
    assert.throws(() => workingDaysBetween(calendar, '2026-01-02', '2026-01-01'), RangeError)
    assert.equal(isCoveredByShippedList('2030-12-31'), true)
    assert.equal(isCoveredByShippedList('2031-01-01'), false)
  })

  it('addWorkingDays lands on a working day and workingDaysBetween inverts it', () => {
    fc.assert(
      fc.property(isoDate('2015-01-01', '2030-11-30'), fc.integer({ min: 1, max: 40 }), (d, n) => {
        const later = addWorkingDays(calendar, d, n)
        assert.ok(isWorkingDay(calendar, later))
        assert.ok(later > d)
        assert.equal(workingDaysBetween(calendar, d, later), n)
        // and it is the first such day: one day earlier there were only n − 1
        assert.equal(workingDaysBetween(calendar, d, addDays(later, -1)), n - 1)
      }),
    )
  })

  it('nextWorkingDay is the first working day after, with none in between', () => {
    fc.assert(
      fc.property(isoDate('2015-01-01', '2030-12-20'), d => {
        const next = nextWorkingDay(calendar, d)
        assert.ok(isWorkingDay(calendar, next))
        assert.ok(daysBetween(d, next) >= 1 && daysBetween(d, next) <= 5) // Christmas + weekend is the longest run
        for (let x = addDays(d, 1); x < next; x = addDays(x, 1)) assert.ok(!isWorkingDay(calendar, x))
      }),
    )
  })

  it('adding a non-working date never makes a working-day period shorter', () => {
    fc.assert(
      fc.property(isoDate('2015-01-01', '2030-11-30'), isoDate('2015-01-01', '2030-12-31'), (d, closed) => {
        const later = addWorkingDays(calendarWith([closed]), d, 10)
        assert.ok(later >= addWorkingDays(calendar, d, 10))
        assert.notEqual(later, closed)
      }),
    )
  })
})

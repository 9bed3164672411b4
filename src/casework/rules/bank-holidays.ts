import { addDays, daysBetween, isIsoDate, parts } from '../../platform/time/dates.ts'

// England and Wales bank holidays, 2015–2030, as proclaimed (gov.uk/bank-holidays). The list below is
// the source: it was generated (Easter by the Meeus/Jones/Butcher algorithm, substitute days for
// New Year, Christmas and Boxing Day falling at a weekend) and then checked against the published
// lists, with the one-off changes written in: 2020-05-08 (early May moved for VE Day), 2022-06-02 and
// 2022-06-03 (Platinum Jubilee; no late May Monday that year), 2022-09-19 (State Funeral of Queen
// Elizabeth II), 2023-05-08 (Coronation). A new proclamation is an admin-added date, not a code change.

export const FIRST_SHIPPED_YEAR = 2015
export const LAST_SHIPPED_YEAR = 2030

export const ENGLAND_AND_WALES_BANK_HOLIDAYS: readonly string[] = [
  // 2015
  '2015-01-01',
  '2015-04-03',
  '2015-04-06',
  '2015-05-04',
  '2015-05-25',
  '2015-08-31',
  '2015-12-25',
  '2015-12-28',
  // 2016
  '2016-01-01',
  '2016-03-25',
  '2016-03-28',
  '2016-05-02',
  '2016-05-30',
  '2016-08-29',
  '2016-12-26',
  '2016-12-27',
  // 2017
  '2017-01-02',
  '2017-04-14',
  '2017-04-17',
  '2017-05-01',
  '2017-05-29',
  '2017-08-28',
  '2017-12-25',
  '2017-12-26',
  // 2018
  '2018-01-01',
  '2018-03-30',
  '2018-04-02',
  '2018-05-07',
  '2018-05-28',
  '2018-08-27',
  '2018-12-25',
  '2018-12-26',
  // 2019
  '2019-01-01',
  '2019-04-19',
  '2019-04-22',
  '2019-05-06',
  '2019-05-27',
  '2019-08-26',
  '2019-12-25',
  '2019-12-26',
  // 2020
  '2020-01-01',
  '2020-04-10',
  '2020-04-13',
  '2020-05-08',
  '2020-05-25',
  '2020-08-31',
  '2020-12-25',
  '2020-12-28',
  // 2021
  '2021-01-01',
  '2021-04-02',
  '2021-04-05',
  '2021-05-03',
  '2021-05-31',
  '2021-08-30',
  '2021-12-27',
  '2021-12-28',
  // 2022
  '2022-01-03',
  '2022-04-15',
  '2022-04-18',
  '2022-05-02',
  '2022-06-02',
  '2022-06-03',
  '2022-08-29',
  '2022-09-19',
  '2022-12-26',
  '2022-12-27',
  // 2023
  '2023-01-02',
  '2023-04-07',
  '2023-04-10',
  '2023-05-01',
  '2023-05-08',
  '2023-05-29',
  '2023-08-28',
  '2023-12-25',
  '2023-12-26',
  // 2024
  '2024-01-01',
  '2024-03-29',
  '2024-04-01',
  '2024-05-06',
  '2024-05-27',
  '2024-08-26',
  '2024-12-25',
  '2024-12-26',
  // 2025
  '2025-01-01',
  '2025-04-18',
  '2025-04-21',
  '2025-05-05',
  '2025-05-26',
  '2025-08-25',
  '2025-12-25',
  '2025-12-26',
  // 2026
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
  // 2027
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27',
  '2027-12-28',
  // 2028
  '2028-01-03',
  '2028-04-14',
  '2028-04-17',
  '2028-05-01',
  '2028-05-29',
  '2028-08-28',
  '2028-12-25',
  '2028-12-26',
  // 2029
  '2029-01-01',
  '2029-03-30',
  '2029-04-02',
  '2029-05-07',
  '2029-05-28',
  '2029-08-27',
  '2029-12-25',
  '2029-12-26',
  // 2030
  '2030-01-01',
  '2030-04-19',
  '2030-04-22',
  '2030-05-06',
  '2030-05-27',
  '2030-08-26',
  '2030-12-25',
  '2030-12-26',
]

/** The days that are not working days besides Saturdays and Sundays: bank holidays and admin-added dates. */
export type Calendar = { readonly nonWorkingDays: ReadonlySet<string> }

/** The shipped bank holidays plus any dates an admin has added (a new proclamation, a local closure day). */
export function calendarWith(addedDates: readonly string[] = []): Calendar {
  for (const date of addedDates) if (!isIsoDate(date)) throw new RangeError(`Not an ISO date: ${date}`)
  return { nonWorkingDays: new Set([...ENGLAND_AND_WALES_BANK_HOLIDAYS, ...addedDates]) }
}

/** True when the shipped list covers the date's year; outside it only weekends and added dates are known. */
export function isCoveredByShippedList(iso: string): boolean {
  const { year } = parts(iso)
  return year >= FIRST_SHIPPED_YEAR && year <= LAST_SHIPPED_YEAR
}

export function isWeekend(iso: string): boolean {
  const { year, month, day } = parts(iso)
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay()
  return weekday === 0 || weekday === 6
}

/** Monday to Friday and not a bank holiday or added date. */
export function isWorkingDay(calendar: Calendar, iso: string): boolean {
  return !isWeekend(iso) && !calendar.nonWorkingDays.has(iso)
}

/** The first working day strictly after `iso`. */
export function nextWorkingDay(calendar: Calendar, iso: string): string {
  let day = addDays(iso, 1)
  while (!isWorkingDay(calendar, day)) day = addDays(day, 1)
  return day
}

/** `iso` itself when it is a working day, otherwise the next one. */
export function workingDayOnOrAfter(calendar: Calendar, iso: string): string {
  return isWorkingDay(calendar, iso) ? iso : nextWorkingDay(calendar, iso)
}

/** The n-th working day after `iso` (n ≥ 0; 0 gives `iso` back unchanged). */
export function addWorkingDays(calendar: Calendar, iso: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Working days must be a whole number ≥ 0: ${n}`)
  let day = iso
  for (let i = 0; i < n; i++) day = nextWorkingDay(calendar, day)
  return day
}

/** Working days after `from` up to and including `to` (so workingDaysBetween(d, addWorkingDays(d, n)) = n). */
export function workingDaysBetween(calendar: Calendar, from: string, to: string): number {
  if (to < from) throw new RangeError(`${to} is before ${from}`)
  let count = 0
  for (let i = 1, days = daysBetween(from, to); i <= days; i++) if (isWorkingDay(calendar, addDays(from, i))) count++
  return count
}

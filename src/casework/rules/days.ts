import { addDays, parts } from '../../platform/time/dates.ts'
import { isWorkingDay, nextWorkingDay, addWorkingDays, type Calendar } from './bank-holidays.ts'

// How the statutory periods are counted (statutory.md "Counting days"). Everything is a plain ISO date;
// times of day are Europe/London local 'HH:MM', so these functions stay pure.

/** "N weeks from X" ends on X + 7N days (calendar days). */
export function weeksFrom(iso: string, weeks: number): string {
  if (!Number.isInteger(weeks)) throw new RangeError(`Weeks must be whole: ${weeks}`)
  return addDays(iso, 7 * weeks)
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/**
 * "N months from X" ends on the corresponding date N months later; when that month is too short, on
 * its last day (31 January + 1 month = 28 or 29 February). This is the corresponding-date rule of
 * Dodds v Walker [1981] 1 WLR 1027 (HL). N may be negative, counting back the same way: "5 months
 * before 31 July" is 28/29 February, and before 28 February 2030 it is 28 September 2029 — not
 * 30 September, though 30 September + 5 months also ends on 28 February: we take the earlier, safer date.
 */
export function monthsFrom(iso: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`Months must be whole: ${months}`)
  const { year, month, day } = parts(iso)
  const index = year * 12 + (month - 1) + months
  const y = Math.floor(index / 12)
  const m = (index % 12) + 1
  const d = Math.min(day, daysInMonth(y, m))
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/**
 * The last day of a period of "at least N days beginning with the day on which X was served"
 * (regs 13(1), 22(2)): the day of service is day 1, so N days end on X + N − 1.
 */
export function daysBeginningWith(iso: string, days: number): string {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`Days must be a whole number ≥ 1: ${days}`)
  return addDays(iso, days - 1)
}

export type DeliveryMethod = 'hand' | 'email' | 'first_class_post' | 'second_class_post'

export const DELIVERY_METHODS: readonly DeliveryMethod[] = ['hand', 'email', 'first_class_post', 'second_class_post']

/** Documents handed over or emailed at or after this local time count from the next working day. */
export const CUT_OFF = '17:00'

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/

export type Sending = {
  method: DeliveryMethod
  /** Local (Europe/London) date it was handed over, emailed or posted. */
  on: string
  /** Local (Europe/London) 'HH:MM' it was handed over or emailed; not needed for post. */
  at?: string | null
}

/**
 * The legal date a document is received or served (statutory.md):
 * - by hand or email: that day if it is a working day and the time is before 17:00 (16:59 at the
 *   latest — we read "after 17:00" as "17:00 or later"), otherwise the next working day;
 * - first-class post: the next working day after posting;
 * - second-class post: the second working day after posting (our rule; statutory.md does not say).
 */
export function legalDate(calendar: Calendar, sending: Sending): string {
  switch (sending.method) {
    case 'hand':
    case 'email': {
      const at = sending.at
      if (!at || !HH_MM.test(at)) throw new RangeError(`A time 'HH:MM' is needed for ${sending.method}: ${at}`)
      const sameDay = isWorkingDay(calendar, sending.on) && at < CUT_OFF
      return sameDay ? sending.on : nextWorkingDay(calendar, sending.on)
    }
    case 'first_class_post':
      return nextWorkingDay(calendar, sending.on)
    case 'second_class_post':
      return addWorkingDays(calendar, sending.on, 2)
  }
}

const london = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** The Europe/London local date and 'HH:MM' of an instant such as '2026-06-01T16:30:00Z' (BST → 17:30). */
export function londonLocal(instant: string): { on: string; at: string } {
  const time = Date.parse(instant)
  if (Number.isNaN(time)) throw new RangeError(`Not a timestamp: ${instant}`)
  const p = Object.fromEntries(london.formatToParts(time).map(part => [part.type, part.value]))
  return { on: `${p.year}-${p.month}-${p.day}`, at: `${p.hour}:${p.minute}` }
}

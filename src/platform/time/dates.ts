// Calendar arithmetic on ISO 'YYYY-MM-DD' strings, done in UTC so no daylight-saving shift can move a date.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * A real calendar date written YYYY-MM-DD, years 0100 to 9999 (Date.UTC reads years below 100 as 19xx,
 * and PostgreSQL has no year 0, so those were never taken). Called per row by the rules, so it makes no
 * Date and no array.
 */
export function isIsoDate(text: string): boolean {
  if (typeof text !== 'string' || text.length !== 10 || !ISO_DATE.test(text)) return false
  const y = Number(text.slice(0, 4))
  const m = Number(text.slice(5, 7))
  const d = Number(text.slice(8, 10))
  if (y < 100 || m < 1 || m > 12 || d < 1) return false
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!)
}

export function parts(iso: string): { year: number; month: number; day: number } {
  if (!isIsoDate(iso)) throw new RangeError(`Not an ISO date: ${iso}`)
  return { year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) }
}

export function toIso(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function addDays(iso: string, days: number): string {
  const { year, month, day } = parts(iso)
  return toIso(new Date(Date.UTC(year, month - 1, day + days)))
}

export function daysBetween(from: string, to: string): number {
  const a = parts(from)
  const b = parts(to)
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000)
}

/** The calendar year in which the academic year (September–August) containing `iso` starts. */
export function academicYearStart(iso: string): number {
  const { year, month } = parts(iso)
  return month >= 9 ? year : year - 1
}

/** Whole years of age on `on`. */
export function ageOn(dateOfBirth: string, on: string): number {
  const b = parts(dateOfBirth)
  const d = parts(on)
  const hadBirthday = d.month > b.month || (d.month === b.month && d.day >= b.day)
  return d.year - b.year - (hadBirthday ? 0 : 1)
}

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

/** '5 March 2026', the GOV.UK style for dates. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const { year, month, day } = parts(iso)
  return longDate.format(new Date(Date.UTC(year, month - 1, day)))
}

import { z } from 'zod'
import { ValidationError } from '../platform/errors.ts'
import { toFieldErrors } from '../platform/http/validation.ts'
import { isIsoDate } from '../platform/time/dates.ts'
import { financialYearOf } from '../funding/rules/money.ts'
import { NEED_CODES } from '../people/rules/needs.ts'
import { AGE_BANDS, SETTING_TYPE_LABELS, type CaseloadFilter, type CaseloadSettingType } from './rules/caseload.ts'

// The dashboards' filters, read from the query string (GET, so a filtered page is a link). Every
// field is optional; a blank one means "all". Bad values are a ValidationError naming the field, which
// the page shows in its error summary with a 400.

const blank = (v: unknown) => (v === undefined || v === '' ? undefined : v)
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v)

const year = (what: string) =>
  z.preprocess(
    v => blank(text(v)),
    z.coerce
      .number({ error: `Enter the ${what} as a year, like 2024` })
      .int(`Enter the ${what} as a year, like 2024`)
      .min(2000, `Enter the ${what} as a year from 2000 to 2100`)
      .max(2100, `Enter the ${what} as a year from 2000 to 2100`)
      .optional(),
  )

const choice = <T extends string>(values: readonly T[], message: string) =>
  z.preprocess(v => blank(text(v)), z.enum(values as [T, ...T[]], { error: message }).optional())

export const PLAN_NEEDS = [...NEED_CODES.filter(c => c !== 'NSA'), 'none'] as const

const schema = z.object({
  date: z.preprocess(
    v => blank(text(v)),
    z
      .string({ error: 'Enter the date as a real date, like 2026-01-15' })
      .refine(isIsoDate, 'Enter the date as a real date, like 2026-01-15')
      .optional(),
  ),
  from: year('first year'),
  to: year('last year'),
  year: year('year'),
  fy: z.preprocess(
    v => blank(text(v)),
    z
      .string()
      .regex(/^\d{4}-\d{2}$/, 'Enter a financial year such as 2025-26')
      .refine(y => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), 'Enter a financial year such as 2025-26')
      .optional(),
  ),
  locality: z.preprocess(
    v => blank(text(v)),
    z
      .string()
      .regex(/^[A-Za-z0-9_ -]{1,20}$/, 'Choose a locality from the list')
      .optional(),
  ),
  need: choice(PLAN_NEEDS, 'Choose a primary need from the list'),
  age: choice(
    AGE_BANDS.map(b => b.code),
    'Choose an age group from the list',
  ),
  settingType: choice(
    Object.keys(SETTING_TYPE_LABELS) as CaseloadSettingType[],
    'Choose a type of setting from the list',
  ),
})

export type Filters = {
  /** The date the caseload is counted on (default today). */
  date: string
  /** The calendar years of the series. */
  from: number
  to: number
  /** The calendar year of a month-by-month table. */
  year: number
  /** The financial year of the money tables. */
  fy: string
  caseload: CaseloadFilter
  /** The query as the form shows it, and as links carry it. */
  query: Record<'date' | 'from' | 'to' | 'year' | 'fy' | 'locality' | 'need' | 'age' | 'settingType', string>
}

/** The longest series a page draws, in years. */
export const MAX_YEARS = 15

export function parseFilters(input: unknown, today: string, localities: readonly string[]): Filters {
  const raw = typeof input === 'object' && input !== null ? input : {}
  const result = schema.safeParse(raw)
  if (!result.success) throw new ValidationError(toFieldErrors(result.error))
  const q = result.data
  const errors: { field: string; message: string }[] = []
  if (q.locality && q.locality !== 'none' && !localities.includes(q.locality))
    errors.push({ field: 'locality', message: 'Choose a locality from the list' })
  const date = q.date ?? today
  const to = q.to ?? Number(date.slice(0, 4))
  const from = q.from ?? to - 6
  if (from > to) errors.push({ field: 'from', message: 'The first year must be the same as or before the last year' })
  else if (to - from + 1 > MAX_YEARS)
    errors.push({ field: 'from', message: `Choose at most ${MAX_YEARS} years from the first year to the last` })
  if (errors.length) throw new ValidationError(errors)
  const year = q.year ?? to
  const fy = q.fy ?? financialYearOf(date)
  const caseload: CaseloadFilter = {
    ...(q.locality ? { locality: q.locality } : {}),
    ...(q.need ? { need: q.need } : {}),
    ...(q.age ? { ageBand: q.age } : {}),
    ...(q.settingType ? { settingType: q.settingType } : {}),
  }
  return {
    date,
    from,
    to,
    year,
    fy,
    caseload,
    query: {
      date,
      from: String(from),
      to: String(to),
      year: String(year),
      fy,
      locality: q.locality ?? '',
      need: q.need ?? '',
      age: q.age ?? '',
      settingType: q.settingType ?? '',
    },
  }
}

/** The query string of the filters, for links and downloads. */
export function queryString(filters: Pick<Filters, 'query'>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...filters.query, ...extra })) if (v !== '') params.set(k, v)
  return params.toString()
}

import { academicYearStart, ageOn, isIsoDate } from '../../platform/time/dates.ts'
import { ncYear, ncYearLabel } from '../../people/rules/nc-year.ts'

// The EHCP caseload (statutory.md "The published measures"): the plans in force on a date — issued on
// or before it and not ceased by it — each with the child's NC year and age on that date, the plan's
// primary need (its rank-1 need), and the type and locality of the setting it names. These pure rules
// say what a plan in force is and how a caseload breaks down; src/insight/caseload.ts does the same
// in SQL (GROUP BY) for the dashboards, and the tests hold the two to each other.

export const CASELOAD_DIMENSIONS = ['ncYear', 'ageBand', 'need', 'locality', 'settingType'] as const
export type CaseloadDimension = (typeof CASELOAD_DIMENSIONS)[number]

/** Seed 004's "EHCP by NC Year Age Group", as bands of NC years (inclusive). */
export const AGE_BANDS = [
  { code: 'early-years', label: 'Under 5 (nursery and earlier)', from: -99, to: -1 },
  { code: 'primary', label: 'Reception to Year 6 (4 to 10)', from: 0, to: 6 },
  { code: 'secondary', label: 'Year 7 to Year 11 (11 to 15)', from: 7, to: 11 },
  { code: 'post-16', label: 'Year 12 to Year 14 (16 to 18)', from: 12, to: 14 },
  { code: 'post-19', label: 'Year 15 and over (19 to 25)', from: 15, to: 99 },
] as const
export type AgeBand = (typeof AGE_BANDS)[number]['code']

export function ageBandOf(nc: number): AgeBand {
  return AGE_BANDS.find(b => nc >= b.from && nc <= b.to)!.code
}

/** Counts by NC year folded into the age groups, largest first. */
export function ageBandCounts(byNcYear: readonly { key: string; n: number }[]): { key: string; n: number }[] {
  const bands = new Map<string, number>()
  for (const r of byNcYear) {
    const band = ageBandOf(Number(r.key))
    bands.set(band, (bands.get(band) ?? 0) + r.n)
  }
  return [...bands].map(([key, n]) => ({ key, n })).sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : 1))
}

/** The setting types a plan can name (setting.setting_type), and 'none' when it names a type of setting only. */
export const SETTING_TYPE_LABELS = {
  early_years: 'Early years',
  mainstream: 'Mainstream',
  special: 'Special',
  alternative_provision: 'Alternative provision',
  post_16: 'Post-16',
  independent: 'Independent',
  none: 'No setting named',
} as const
export type CaseloadSettingType = keyof typeof SETTING_TYPE_LABELS

/** A plan as the caseload reads it. */
export type CaseloadPlan = {
  issuedOn: string
  ceasedOn: string | null
  dateOfBirth: string
  /** The plan's rank-1 need; null when the plan records none. */
  primaryNeed: string | null
  settingType: CaseloadSettingType
  localityCode: string | null
}

/** A plan in force on `on`: issued on or before it, and not ceased on or before it. */
export function inForceOn(plan: Pick<CaseloadPlan, 'issuedOn' | 'ceasedOn'>, on: string): boolean {
  return plan.issuedOn <= on && (plan.ceasedOn === null || plan.ceasedOn > on)
}

export type CaseloadRecord = {
  ncYear: number
  age: number
  ageBand: AgeBand
  need: string
  locality: string
  settingType: CaseloadSettingType
}

/** Grouping keys for a missing need or locality. */
export const NO_NEED = 'none'
export const NO_LOCALITY = 'none'

export function caseloadRecord(plan: CaseloadPlan, on: string): CaseloadRecord {
  const nc = ncYear(plan.dateOfBirth, on)
  return {
    ncYear: nc,
    age: ageOn(plan.dateOfBirth, on),
    ageBand: ageBandOf(nc),
    need: plan.primaryNeed ?? NO_NEED,
    locality: plan.localityCode ?? NO_LOCALITY,
    settingType: plan.settingType,
  }
}

/** The caseload on a date, as records: only the plans in force then. */
export function caseloadOn(plans: readonly CaseloadPlan[], on: string): CaseloadRecord[] {
  return plans.filter(p => inForceOn(p, on)).map(p => caseloadRecord(p, on))
}

export type CaseloadFilter = {
  locality?: string
  need?: string
  ageBand?: AgeBand
  settingType?: CaseloadSettingType
}

export function matchesFilter(record: CaseloadRecord, filter: CaseloadFilter): boolean {
  return (
    (!filter.locality || record.locality === filter.locality) &&
    (!filter.need || record.need === filter.need) &&
    (!filter.ageBand || record.ageBand === filter.ageBand) &&
    (!filter.settingType || record.settingType === filter.settingType)
  )
}

/** How many records fall in each group of a breakdown (string keys; NC years as their number). */
export function tally(records: readonly CaseloadRecord[], by: CaseloadDimension): Map<string, number> {
  const out = new Map<string, number>()
  for (const r of records) {
    const key = String(r[by])
    out.set(key, (out.get(key) ?? 0) + 1)
  }
  return out
}

/**
 * The SEN2 reference date of a year: the third Thursday of January (sen2.md 1.2), the date the
 * January caseload is counted on.
 */
export function censusDate(year: number): string {
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay() // 0 Sunday … 4 Thursday
  const firstThursday = 1 + ((4 - jan1 + 7) % 7)
  return `${year}-01-${String(firstThursday + 14).padStart(2, '0')}`
}

/** The census dates from `fromYear` to `toYear`, leaving out any after `asAt`. */
export function januarySeries(fromYear: number, toYear: number, asAt: string): { year: number; date: string }[] {
  const out: { year: number; date: string }[] = []
  for (let y = fromYear; y <= toYear; y++) if (censusDate(y) <= asAt) out.push({ year: y, date: censusDate(y) })
  return out
}

/** Change from one count to the next: the difference and the percentage to 1 decimal place (null from 0). */
export function growth(previous: number, current: number): { change: number; percent: number | null } {
  return {
    change: current - previous,
    percent: previous === 0 ? null : Math.round((1000 * (current - previous)) / previous) / 10,
  }
}

/** Where the academic year containing `on` starts, for NC year arithmetic in SQL. */
export function academicYearOf(on: string): number {
  if (!isIsoDate(on)) throw new RangeError(`Not an ISO date: ${on}`)
  return academicYearStart(on)
}

/** The same NC year as ncYear(), from the birth year and month alone: what the SQL computes. */
export function ncYearFromParts(birthYear: number, birthMonth: number, academicYear: number): number {
  return academicYear - birthYear - (birthMonth >= 9 ? 1 : 0) - 4
}

export function ncYearText(nc: number): string {
  return ncYearLabel(nc)
}

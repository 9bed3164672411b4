import { divideRoundHalfUp } from '../../funding/rules/money.ts'
import { daysBetween, isIsoDate, parts } from '../../platform/time/dates.ts'
import { nextAnnualReview } from './clocks.ts'

// The published measures, computed from plain records the way the DfE computes them from SEN2
// (sen2.md 1.4). Which new plans belong in the population (e.g. leaving out transfers-in) is the
// caller's choice: pass only the plans to count.

/** "Within 20 weeks": the plan issued no more than 140 days after the request was received. */
export const TWENTY_WEEKS_IN_DAYS = 140

export type NewPlan = {
  requestReceivedOn: string
  issuedOn: string
  /** SEN2 Week20 = 1: an exception (exceptions.ts) was recorded on the assessment. */
  hasException: boolean
}

export type Percentage = { numerator: number; denominator: number; percent: number | null }

/**
 * numerator ÷ denominator as a percentage to 1 decimal place, halves rounded up, in exact integer
 * arithmetic (31,313 of 53,327 → 58.7, as published); null when there is nothing to count.
 */
export function percentage(numerator: number, denominator: number): Percentage {
  return {
    numerator,
    denominator,
    percent: denominator === 0 ? null : divideRoundHalfUp(1000 * numerator, denominator) / 10,
  }
}

export function issuedWithinTwentyWeeks(plan: NewPlan): boolean {
  const elapsed = daysBetween(plan.requestReceivedOn, plan.issuedOn)
  if (elapsed < 0) throw new RangeError(`Plan issued ${plan.issuedOn} before its request ${plan.requestReceivedOn}`)
  return elapsed <= TWENTY_WEEKS_IN_DAYS
}

export type TwentyWeekFigures = { including: Percentage; excluding: Percentage }

function figures(plans: readonly NewPlan[]): TwentyWeekFigures {
  const inTime = plans.filter(issuedWithinTwentyWeeks)
  const withoutException = plans.filter(p => !p.hasException)
  return {
    including: percentage(inTime.length, plans.length),
    excluding: percentage(inTime.filter(p => !p.hasException).length, withoutException.length),
  }
}

/**
 * The DfE timeliness measure for new plans issued in a calendar year, and for each month of it:
 * the % issued within 20 weeks including exceptions (every plan) and excluding exceptions (only the
 * plans with no exception, in both numerator and denominator).
 */
export function twentyWeekMeasure(
  plans: readonly NewPlan[],
  year: number,
): TwentyWeekFigures & { year: number; byMonth: (TwentyWeekFigures & { month: number })[] } {
  for (const p of plans) {
    if (!isIsoDate(p.requestReceivedOn) || !isIsoDate(p.issuedOn))
      throw new RangeError(`Not ISO dates: ${p.requestReceivedOn}, ${p.issuedOn}`)
  }
  // Each issue date parsed once (the dashboards call this for every year of a series).
  const dated = plans.map(p => ({ plan: p, issued: parts(p.issuedOn) })).filter(d => d.issued.year === year)
  const inYear = dated.map(d => d.plan)
  const byMonth = Array.from({ length: 12 }, (_, i) => ({
    month: i + 1,
    ...figures(dated.filter(d => d.issued.month === i + 1).map(d => d.plan)),
  }))
  return { year, ...figures(inYear), byMonth }
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/**
 * The 20-week measure as the table both the casework measures and the dashboards show: a row per
 * month and the year's total, each with numerators, denominators and both percentages.
 */
export function twentyWeekMonthTable(measure: ReturnType<typeof twentyWeekMeasure>): {
  header: string[]
  rows: (string | number | null)[][]
} {
  const row = (label: string, f: TwentyWeekFigures) => [
    label,
    f.including.denominator,
    f.including.numerator,
    f.including.percent,
    f.excluding.denominator,
    f.excluding.numerator,
    f.excluding.percent,
  ]
  return {
    header: [
      'Month',
      'Plans issued',
      'Within 20 weeks',
      '% including exceptions',
      'Plans without an exception',
      'Within 20 weeks without an exception',
      '% excluding exceptions',
    ],
    rows: [...measure.byMonth.map(m => row(MONTH_NAMES[m.month - 1]!, m)), row(String(measure.year), measure)],
  }
}

export type ReviewDue = {
  planId: string
  /** The plan's issue date, or the date of its last completed review (the LA's decision letter). */
  issuedOrLastReviewedOn: string
  /** The meeting of the review now due, if held. */
  meetingHeldOn: string | null
  /** The LA's decision after that meeting (keep, amend or cease), if sent. */
  decisionOn: string | null
  ceasedOn?: string | null
}

export type OutstandingReview = {
  planId: string
  reviewBy: string
  daysOverdue: number
  missing: 'meeting' | 'decision'
}

/**
 * Annual reviews outstanding on a date: plans in force whose R6 date has passed without the review
 * meeting being held, or without the LA's decision after it, by that date.
 */
export function annualReviewsOutstanding(plans: readonly ReviewDue[], on: string): OutstandingReview[] {
  const outstanding: OutstandingReview[] = []
  for (const plan of plans) {
    if (plan.ceasedOn && plan.ceasedOn <= on) continue
    const { reviewBy } = nextAnnualReview(plan.issuedOrLastReviewedOn)
    if (reviewBy >= on) continue
    const held = plan.meetingHeldOn !== null && plan.meetingHeldOn <= on
    const decided = plan.decisionOn !== null && plan.decisionOn <= on
    if (held && decided) continue
    outstanding.push({
      planId: plan.planId,
      reviewBy,
      daysOverdue: daysBetween(reviewBy, on),
      missing: held ? 'decision' : 'meeting',
    })
  }
  return outstanding
}

/** SEN2 CeaseReason codes (sen2.md 3.4). */
export const CEASE_REASONS = {
  1: 'Reached maximum age',
  2: 'Needs met without an EHC plan',
  3: 'Moved on to higher education',
  4: 'Moved on to paid employment (not an apprenticeship)',
  5: 'Transferred to another LA in England',
  6: 'No longer wishes to engage in education or training',
  7: 'Moved outside England',
  8: 'Deceased',
  9: 'Other',
} as const

export type CeaseReason = keyof typeof CEASE_REASONS

export const CEASE_REASON_CODES = Object.keys(CEASE_REASONS).map(Number) as CeaseReason[]

/** Plans ceased (by CeaseDate, inclusive dates) in a period, counted by SEN2 reason, every reason listed. */
export function plansCeasedByReason(
  plans: readonly { ceaseDate: string | null; ceaseReason: CeaseReason | null }[],
  from: string,
  to: string,
): { total: number; byReason: Record<CeaseReason, number> } {
  const byReason = Object.fromEntries(CEASE_REASON_CODES.map(code => [code, 0])) as Record<CeaseReason, number>
  let total = 0
  for (const plan of plans) {
    if (plan.ceaseDate === null || plan.ceaseDate < from || plan.ceaseDate > to) continue
    if (plan.ceaseReason === null || !(plan.ceaseReason in CEASE_REASONS))
      throw new RangeError(`A ceased plan needs a reason 1–9 (ceased ${plan.ceaseDate})`)
    byReason[plan.ceaseReason]++
    total++
  }
  return { total, byReason }
}

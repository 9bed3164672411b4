import { addDays, daysBetween, parts } from '../../platform/time/dates.ts'
import type { FundedSettingType, MatrixVersionSpec } from './matrix-version.ts'

// Top-up for a period: annual amount × days ÷ days in that financial year, one line per financial
// year, each rounded half up to whole pence once; a total is the sum of its lines. A change of level,
// setting or rate is a new award segment: call fundingLines for each segment over the same period.

/** '2024-25' for any date from 1 April 2024 to 31 March 2025. */
export function financialYearOf(iso: string): string {
  const { year, month } = parts(iso)
  const start = month >= 4 ? year : year - 1
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`
}

export function financialYearStart(financialYear: string): string {
  return `${financialYear.slice(0, 4)}-04-01`
}

export function financialYearEnd(financialYear: string): string {
  return `${Number(financialYear.slice(0, 4)) + 1}-03-31`
}

/** 366 when the year contains 29 February (2023-24 does: it ends in March 2024). */
export function daysInFinancialYear(financialYear: string): number {
  const y = Number(financialYear.slice(0, 4)) + 1
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return leap ? 366 : 365
}

// 2 × annual × days + daysInYear must stay below 2^53 for the arithmetic below to be exact:
// (2^53 − 1 − 366) ÷ (2 × 366) ≈ 1.23 × 10^13 pence, about £123 billion a year — far above any top-up.
export const MAX_ANNUAL_PENCE = Math.floor((Number.MAX_SAFE_INTEGER - 366) / (2 * 366))

/** round(numerator ÷ denominator), halves up, for non-negative safe integers, with no float error. */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
  const twice = 2 * numerator + denominator
  const divisor = 2 * denominator
  let q = Math.floor(twice / divisor)
  // The float quotient can only be off by one; the integer remainder settles it.
  const r = twice - q * divisor
  if (r < 0) q--
  else if (r >= divisor) q++
  return q
}

/** annual × days ÷ daysInYear, half up to whole pence. */
export function proRata(annualPence: number, days: number, daysInYear: number): number {
  if (!Number.isInteger(annualPence) || annualPence < 0 || annualPence > MAX_ANNUAL_PENCE) {
    throw new RangeError(`Annual amount must be whole pence from 0 to ${MAX_ANNUAL_PENCE}: ${annualPence}`)
  }
  return divideRoundHalfUp(annualPence * days, daysInYear)
}

export type AwardPeriod = { start: string; end: string | null }
export type Period = { from: string; to: string }
/** The annual top-up in pence that applies in a financial year. */
export type RateFor = (financialYear: string) => number

export type FundingLine = {
  from: string
  to: string
  days: number
  financialYear: string
  daysInYear: number
  annualPence: number
  amountPence: number
}

/** The days of `period` on which the award runs, one line per financial year. Inclusive dates. */
export function fundingLines(award: AwardPeriod, period: Period, rateFor: RateFor): FundingLine[] {
  const from = award.start > period.from ? award.start : period.from
  const to = award.end !== null && award.end < period.to ? award.end : period.to
  const lines: FundingLine[] = []
  for (let lineFrom = from; lineFrom <= to;) {
    const financialYear = financialYearOf(lineFrom)
    const yearEnd = financialYearEnd(financialYear)
    const lineTo = yearEnd < to ? yearEnd : to
    const days = daysBetween(lineFrom, lineTo) + 1
    const daysInYear = daysInFinancialYear(financialYear)
    const annualPence = rateFor(financialYear)
    lines.push({
      from: lineFrom,
      to: lineTo,
      days,
      financialYear,
      daysInYear,
      annualPence,
      amountPence: proRata(annualPence, days, daysInYear),
    })
    lineFrom = addDays(lineTo, 1)
  }
  return lines
}

export function totalPence(lines: readonly { amountPence: number }[]): number {
  return lines.reduce((s, l) => s + l.amountPence, 0)
}

/** The annual rate a version's table gives a level at a type of setting; throws where there is none. */
export function tableRate(spec: MatrixVersionSpec, settingType: FundedSettingType, level: number): RateFor {
  return financialYear => {
    const row = spec.rates.find(
      r => r.financialYear === financialYear && r.settingType === settingType && r.level === level,
    )
    if (!row) throw new RangeError(`${spec.name} has no rate for level ${level}, ${settingType}, ${financialYear}`)
    return row.annualPence
  }
}

export type Instalment = {
  /** '2024-09' for a month; 'autumn 2024', 'spring 2025', 'summer 2025' for a term. */
  period: string
  from: string
  to: string
  days: number
  financialYear: string
  amountPence: number
}

/**
 * Payment by month or by term, cut from the funding lines so that each line's instalments add up to
 * that line exactly: an instalment is the rounded cumulative amount at its end less the rounded
 * cumulative amount at its start. Terms are autumn (1 Sep–31 Dec), spring (1 Jan–31 Mar) and summer
 * (1 Apr–31 Aug): simpler than the school calendar, and they meet the financial year at 1 April.
 */
export function schedule(lines: readonly FundingLine[], by: 'month' | 'term'): Instalment[] {
  const instalments: Instalment[] = []
  for (const line of lines) {
    let daysSoFar = 0
    let paidSoFar = 0
    for (let from = line.from; from <= line.to;) {
      const { label, end } = by === 'month' ? monthOf(from) : termOf(from)
      const to = end < line.to ? end : line.to
      const days = daysBetween(from, to) + 1
      daysSoFar += days
      const cumulative = proRata(line.annualPence, daysSoFar, line.daysInYear)
      instalments.push({
        period: label,
        from,
        to,
        days,
        financialYear: line.financialYear,
        amountPence: cumulative - paidSoFar,
      })
      paidSoFar = cumulative
      from = addDays(to, 1)
    }
  }
  return instalments
}

function monthOf(iso: string): { label: string; end: string } {
  const { year, month } = parts(iso)
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`
  return { label: iso.slice(0, 7), end: addDays(next, -1) }
}

function termOf(iso: string): { label: string; end: string } {
  const { year, month } = parts(iso)
  if (month >= 9) return { label: `autumn ${year}`, end: `${year}-12-31` }
  if (month <= 3) return { label: `spring ${year}`, end: `${year}-03-31` }
  return { label: `summer ${year}`, end: `${year}-08-31` }
}

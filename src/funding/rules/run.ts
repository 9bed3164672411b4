import { addDays, formatDate, parts } from '../../platform/time/dates.ts'
import { formatPounds } from './explanation.ts'
import type { FundedSettingType, MatrixVersionSpec } from './matrix-version.ts'
import {
  financialYearEnd,
  financialYearOf,
  financialYearStart,
  fundingLines,
  schedule,
  type FundingLine,
  type Period,
} from './money.ts'

// A funding run: every agreed award (and every legacy amount still due) turned into the lines a
// school is paid for a financial year, a month or a term, each line with its explanation. Lines are
// cut from the whole financial year's lines (money.ts schedule), so a year's months or terms add up
// to the year exactly; totals are sums of lines.

export type RunPeriod =
  | { kind: 'year'; financialYear: string }
  | { kind: 'month'; financialYear: string; month: string }
  | { kind: 'term'; financialYear: string; term: 'summer' | 'autumn' | 'spring' }

export const TERMS = ['summer', 'autumn', 'spring'] as const

export type Pupil = {
  childId: string
  childName: string
  settingId: string
  settingName: string
  localityCode: string | null
  localityName: string | null
}

export type RunAward = Pupil & {
  awardId: string
  settingType: FundedSettingType
  level: number
  annualPence: number
  startDate: string
  endDate: string | null
  versionName: string
  /** The version's document, for its rate table and level labels; null falls back to the award's amount. */
  spec: MatrixVersionSpec | null
  totalPoints: number | null
  /** A special school's provision band: per financial year, the annual amount per place. */
  band: { code: string; name: string; annualPenceByYear: Record<string, number> } | null
  /** A linked legacy exceptional amount still protected: the higher of it and the award is paid until `until`. */
  protection: { legacyAnnualPence: number; until: string } | null
  /** The award's current issued panel decision, so its line can say what the panel decided and why. */
  moderation: RunModeration | null
}

export type RunModeration = {
  outcome: 'agree' | 'change_level' | 'return' | 'refer_level8'
  proposedLevel: number | null
  decidedLevel: number | null
  reason: string | null
  decidedOn: string
}

export type RunLegacy = Pupil & {
  legacyId: string
  /** 'phased' stops when the matrix reaches the setting type; 'exceptional' runs to its end date. */
  kind: 'phased' | 'exceptional'
  settingType: FundedSettingType
  annualPence: number
  startDate: string
  endDate: string | null
  note: string | null
}

export type RunLine = Pupil & {
  source: 'matrix' | 'band' | 'legacy' | 'protection'
  settingType: FundedSettingType
  level: number | null
  /** 'Level 3', 'Band B: Complex needs', 'Legacy amount' or 'Transitional protection': what the summary by level groups on. */
  levelLabel: string
  period: string
  from: string
  to: string
  days: number
  financialYear: string
  annualPence: number
  amountPence: number
  explanation: string
}

/** The inclusive dates of a run's period. */
export function periodDates(period: RunPeriod): Period {
  const from = financialYearStart(period.financialYear)
  const to = financialYearEnd(period.financialYear)
  if (period.kind === 'year') return { from, to }
  if (period.kind === 'month') {
    const { year, month } = parts(`${period.month}-01`)
    const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`
    return { from: `${period.month}-01`, to: addDays(next, -1) }
  }
  const start = Number(period.financialYear.slice(0, 4))
  if (period.term === 'summer') return { from, to: `${start}-08-31` }
  if (period.term === 'autumn') return { from: `${start}-09-01`, to: `${start}-12-31` }
  return { from: `${start + 1}-01-01`, to }
}

/** The months of a financial year, '2025-04' … '2026-03'. */
export function monthsOf(financialYear: string): string[] {
  const start = Number(financialYear.slice(0, 4))
  return Array.from({ length: 12 }, (_, i) => {
    const m = ((i + 3) % 12) + 1
    return `${i < 9 ? start : start + 1}-${String(m).padStart(2, '0')}`
  })
}

export function describePeriod(period: RunPeriod): string {
  if (period.kind === 'year') return `financial year ${period.financialYear}`
  const { from, to } = periodDates(period)
  if (period.kind === 'month') return `${period.month} (${from} to ${to})`
  return `${period.term} term of ${period.financialYear} (${from} to ${to})`
}

/**
 * The date from which each setting type is funded under an approved version: the earliest over the
 * versions. Before it, a pupil there keeps their legacy amount; after it, the matrix pays.
 */
export function matrixStartByType(specs: readonly MatrixVersionSpec[]): Map<FundedSettingType, string> {
  const out = new Map<FundedSettingType, string>()
  for (const spec of specs) {
    for (const a of spec.applies) {
      const seen = out.get(a.settingType)
      if (!seen || a.from < seen) out.set(a.settingType, a.from)
    }
  }
  return out
}

const later = (a: string, b: string | undefined) => (b && b > a ? b : a)

/** The lines of the period: whole-year lines first, then cut to the month or term. */
function linesInPeriod(
  award: { start: string; end: string | null },
  period: RunPeriod,
  rateFor: (financialYear: string) => number,
) {
  const year = { from: financialYearStart(period.financialYear), to: financialYearEnd(period.financialYear) }
  const lines = fundingLines(award, year, rateFor)
  if (period.kind === 'year') return lines.map(l => ({ ...l, period: period.financialYear }))
  const { from, to } = periodDates(period)
  const by = period.kind === 'month' ? 'month' : 'term'
  return schedule(lines, by)
    .filter(i => i.from >= from && i.to <= to)
    .map(i => {
      const line = lines.find(l => l.financialYear === i.financialYear)!
      return { ...line, ...i, annualPence: line.annualPence, daysInYear: line.daysInYear }
    })
}

type Cut = FundingLine & { period: string }

function instalmentNote(line: Cut, period: RunPeriod): string {
  return period.kind === 'year'
    ? ''
    : ` This ${period.kind}'s instalment is the year's amount to ${line.to} less the amount to the day before ${line.from}, so the instalments add up to the year.`
}

/** What pricing an award needs. */
export type Priced = Pick<RunAward, 'band' | 'spec' | 'settingType' | 'level' | 'annualPence'>

/** The version's table rate for the award's setting type and level in a financial year, if it has one. */
function tableRateOf(award: Priced, financialYear: string): number | undefined {
  return award.spec?.rates.find(
    r => r.financialYear === financialYear && r.settingType === award.settingType && r.level === award.level,
  )?.annualPence
}

/** What an agreed award pays a year: its band's amount per place, else its version's rate, else its agreed amount. */
export function annualPenceFor(award: Priced, financialYear: string): number {
  return award.band
    ? (award.band.annualPenceByYear[financialYear] ?? award.annualPence)
    : (tableRateOf(award, financialYear) ?? award.annualPence)
}

function awardLines(award: RunAward, period: RunPeriod, matrixFrom: string | undefined): RunLine[] {
  const start = later(award.startDate, matrixFrom)
  if (award.endDate !== null && award.endDate < start) return []
  const levelRow = award.spec?.levels.find(l => l.level === award.level)
  const levelLabel = levelRow?.label ?? `Level ${award.level}`
  const rateFor = (fy: string) => annualPenceFor(award, fy)
  const points = award.totalPoints === null ? '' : ` (total ${award.totalPoints} points)`
  return linesInPeriod({ start, end: award.endDate }, period, rateFor).map(line => {
    const rate = award.band
      ? `${award.settingName}'s provision band ${award.band.code} (${award.band.name}) pays ${formatPounds(line.annualPence)} a place in ${line.financialYear}`
      : tableRateOf(award, line.financialYear) !== undefined
        ? `the ${line.financialYear} ${award.settingType.replace('_', ' ')} rate for ${levelLabel} is ${formatPounds(line.annualPence)} a year`
        : `the agreed annual amount is ${formatPounds(line.annualPence)} (no table rate for ${line.financialYear})`
    const explanation =
      `Under ${award.versionName}: ${levelLabel}${points}; ${rate}; ` +
      `${formatPounds(line.annualPence)} × ${line.days} ÷ ${line.daysInYear} days (${line.from} to ${line.to}) = ${formatPounds(line.amountPence)}.` +
      instalmentNote(line, period) +
      moderationNote(award)
    return {
      ...pupilOf(award),
      source: award.band ? 'band' : 'matrix',
      settingType: award.settingType,
      level: award.level,
      levelLabel: award.band ? `Band ${award.band.code}: ${award.band.name}` : levelLabel,
      period: line.period,
      from: line.from,
      to: line.to,
      days: line.days,
      financialYear: line.financialYear,
      annualPence: line.annualPence,
      amountPence: line.amountPence,
      explanation,
    }
  })
}

const levelName = (award: RunAward, level: number) =>
  award.spec?.levels.find(l => l.level === level)?.label ?? `Level ${level}`

/** A sentence saying what the moderation panel decided about the award, and why. */
function moderationNote(award: RunAward): string {
  const m = award.moderation
  if (!m) return ''
  const on = formatDate(m.decidedOn)
  const why = m.reason ? `: ${m.reason.trim().replace(/[.\s]+$/, '')}.` : '.'
  if (m.outcome === 'refer_level8') return ` Referred for Level 8 by the moderation panel on ${on}${why}`
  if (m.outcome === 'return') return ` Returned by the moderation panel on ${on}${why}`
  const decided = levelName(award, m.decidedLevel ?? award.level)
  if (m.proposedLevel === null || m.proposedLevel === m.decidedLevel) {
    return ` Agreed by the moderation panel on ${on} at ${decided}, the level the school proposed${why}`
  }
  return ` Agreed by the moderation panel on ${on} at ${decided} (the school proposed ${levelName(award, m.proposedLevel)})${why}`
}

/**
 * Transitional protection: while a replaced legacy exceptional amount is higher than the award, the
 * difference for each financial year, over the days the award pays up to the protection date, so the
 * award and this line together pay what the higher amount alone would (to within a penny a line).
 */
function protectionLines(award: RunAward, period: RunPeriod, matrixFrom: string | undefined): RunLine[] {
  const p = award.protection
  if (!p) return []
  // The same first day as the award's own lines, so the two never pay different days.
  const start = later(award.startDate, matrixFrom)
  const end = award.endDate !== null && award.endDate < p.until ? award.endDate : p.until
  if (end < start) return []
  const difference = (fy: string) => Math.max(0, p.legacyAnnualPence - annualPenceFor(award, fy))
  return linesInPeriod({ start, end }, period, difference)
    .filter(line => line.annualPence > 0)
    .map(line => {
      const now = annualPenceFor(award, line.financialYear)
      return {
        ...pupilOf(award),
        source: 'protection' as const,
        settingType: award.settingType,
        level: award.level,
        levelLabel: 'Transitional protection',
        period: line.period,
        from: line.from,
        to: line.to,
        days: line.days,
        financialYear: line.financialYear,
        annualPence: line.annualPence,
        amountPence: line.amountPence,
        explanation:
          `Transitional protection until ${formatDate(p.until)}: the legacy exceptional amount was ${formatPounds(p.legacyAnnualPence)} a year ` +
          `and the matrix award pays ${formatPounds(now)} a year in ${line.financialYear}, so the difference of ${formatPounds(line.annualPence)} a year is paid too; ` +
          `${formatPounds(line.annualPence)} × ${line.days} ÷ ${line.daysInYear} days (${line.from} to ${line.to}) = ${formatPounds(line.amountPence)}.` +
          instalmentNote(line, period),
      }
    })
}

function legacyLines(legacy: RunLegacy, period: RunPeriod, matrixFrom: string | undefined): RunLine[] {
  // A phased amount stops the day before the matrix starts paying this type of setting. An exceptional
  // amount runs to its end date, which issuing the panel's decision sets to the day before the award.
  const stop = matrixFrom && legacy.kind === 'phased' ? addDays(matrixFrom, -1) : null
  const end = stop !== null && (legacy.endDate === null || stop < legacy.endDate) ? stop : legacy.endDate
  if (end !== null && end < legacy.startDate) return []
  const until =
    legacy.kind === 'exceptional'
      ? `, an exceptional-funding amount paid until its matrix award is agreed${legacy.endDate ? ` (to ${legacy.endDate})` : ''}`
      : matrixFrom
        ? `, paid until the matrix starts for this type of setting on ${matrixFrom}`
        : ''
  return linesInPeriod({ start: legacy.startDate, end }, period, () => legacy.annualPence).map(line => ({
    ...pupilOf(legacy),
    source: 'legacy' as const,
    settingType: legacy.settingType,
    level: null,
    levelLabel: 'Legacy amount',
    period: line.period,
    from: line.from,
    to: line.to,
    days: line.days,
    financialYear: line.financialYear,
    annualPence: line.annualPence,
    amountPence: line.amountPence,
    explanation:
      `Legacy (imported) amount of ${formatPounds(line.annualPence)} a year${until}; ` +
      `${formatPounds(line.annualPence)} × ${line.days} ÷ ${line.daysInYear} days (${line.from} to ${line.to}) = ${formatPounds(line.amountPence)}.` +
      instalmentNote(line, period),
  }))
}

const pupilOf = (p: Pupil): Pupil => ({
  childId: p.childId,
  childName: p.childName,
  settingId: p.settingId,
  settingName: p.settingName,
  localityCode: p.localityCode,
  localityName: p.localityName,
})

export type Group = { key: string; label: string; pupils: number; lines: number; amountPence: number }

export type FundingRun = {
  period: RunPeriod
  from: string
  to: string
  lines: RunLine[]
  bySchool: (Group & { localityName: string | null })[]
  byLocality: Group[]
  bySettingType: Group[]
  byLevel: Group[]
  totalPence: number
  pupils: number
}

/** Every line of the period, sorted by school then pupil then date, with the summaries. */
export function runFunding(
  period: RunPeriod,
  awards: readonly RunAward[],
  legacy: readonly RunLegacy[],
  matrixFrom: ReadonlyMap<FundedSettingType, string>,
): FundingRun {
  const { from, to } = periodDates(period)
  if (financialYearOf(from) !== period.financialYear || financialYearOf(to) !== period.financialYear) {
    throw new RangeError(`${describePeriod(period)} is not within ${period.financialYear}`)
  }
  const lines = [
    ...awards.flatMap(a => awardLines(a, period, matrixFrom.get(a.settingType))),
    ...awards.flatMap(a => protectionLines(a, period, matrixFrom.get(a.settingType))),
    ...legacy.flatMap(l => legacyLines(l, period, matrixFrom.get(l.settingType))),
  ].filter(l => l.from >= from && l.to <= to)
  lines.sort(
    (a, b) =>
      cmp(a.settingName, b.settingName) ||
      cmp(a.settingId, b.settingId) ||
      cmp(a.childName, b.childName) ||
      cmp(a.childId, b.childId) ||
      cmp(a.from, b.from),
  )
  const group = (keyOf: (l: RunLine) => string, labelOf: (l: RunLine) => string) => {
    const groups = new Map<string, Group & { children: Set<string> }>()
    for (const line of lines) {
      const key = keyOf(line)
      let g = groups.get(key)
      if (!g) {
        g = { key, label: labelOf(line), pupils: 0, lines: 0, amountPence: 0, children: new Set() }
        groups.set(key, g)
      }
      g.lines++
      g.amountPence += line.amountPence
      g.children.add(line.childId)
    }
    return [...groups.values()].map(({ children, ...g }) => ({ ...g, pupils: children.size }))
  }
  const byLabel = (a: Group, b: Group) => cmp(a.label, b.label)
  const localityOf = new Map(lines.map(l => [l.settingId, l.localityName]))
  return {
    period,
    from,
    to,
    lines,
    bySchool: group(
      l => l.settingId,
      l => l.settingName,
    ).map(g => ({ ...g, localityName: localityOf.get(g.key) ?? null })),
    byLocality: group(
      l => l.localityCode ?? '',
      l => l.localityName ?? 'No locality',
    ).sort(byLabel),
    bySettingType: group(
      l => l.settingType,
      l => l.settingType,
    ).sort(byLabel),
    byLevel: group(
      l => l.levelLabel,
      l => l.levelLabel,
    ).sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true })),
    totalPence: lines.reduce((s, l) => s + l.amountPence, 0),
    pupils: new Set(lines.map(l => l.childId)).size,
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

import type { FundedSettingType, MatrixVersionSpec } from './matrix-version.ts'
import type { FundingLine } from './money.ts'
import type { AreaScore, Score } from './scoring.ts'

// Every amount on a funding statement carries how it was reached, so a school can check it line by
// line: the version, what was chosen in each area and its points, caps and weights, the total, the
// threshold it hit, the level, the rate row and the days.

export type Explanation = {
  version: string
  aggregation: MatrixVersionSpec['aggregation']
  areas: AreaScore[]
  total: number
  comparedTotal: number
  threshold: { min: number; max: number | null }
  level: number
  levelLabel: string | null
  bespoke: boolean
  rate: { financialYear: string; settingType: FundedSettingType; level: number; annualPence: number }
  from: string
  to: string
  days: number
  daysInYear: number
  amountPence: number
}

export function explainLine(
  spec: MatrixVersionSpec,
  score: Score,
  settingType: FundedSettingType,
  line: FundingLine,
): Explanation {
  return {
    version: spec.name,
    aggregation: spec.aggregation,
    areas: score.areas,
    total: score.total,
    comparedTotal: score.comparedTotal,
    threshold: { min: score.levelRow.min, max: score.levelRow.max },
    level: score.level,
    levelLabel: score.levelRow.label ?? null,
    bespoke: score.bespoke,
    rate: { financialYear: line.financialYear, settingType, level: score.level, annualPence: line.annualPence },
    from: line.from,
    to: line.to,
    days: line.days,
    daysInYear: line.daysInYear,
    amountPence: line.amountPence,
  }
}

const SETTING_WORDS: Record<FundedSettingType, string> = {
  early_years: 'early years',
  mainstream: 'mainstream',
  resource_base: 'resource base',
  special: 'special school',
  alternative_provision: 'alternative provision',
  post_16: 'post-16',
  independent: 'independent',
}

/** One English sentence for the funding statement. */
export function describeLine(e: Explanation): string {
  const areas = e.areas
    .map(a => {
      const chosen = a.chosen.map(c => `${c.descriptor ?? 'no need'}`).join(', ')
      const capped = a.cap !== null && a.points > a.cap ? `, capped at ${a.cap}` : ''
      const weighted = a.weight !== 1 ? ` × ${a.weight} = ${a.weighted}` : ''
      return `${a.name} ${chosen} (${a.points} ${a.points === 1 ? 'point' : 'points'}${capped}${weighted})`
    })
    .join('; ')
  const how = e.aggregation === 'sum' ? 'total' : 'highest area score'
  const range = e.threshold.max === null ? `${e.threshold.min} or more` : `${e.threshold.min}–${e.threshold.max}`
  const level = e.levelLabel ?? `Level ${e.level}`
  return (
    `Under ${e.version}: ${areas}; ${how} ${e.total} falls in ${level} (${range}); ` +
    `the ${e.rate.financialYear} ${SETTING_WORDS[e.rate.settingType]} rate for ${level} is ${formatPounds(e.rate.annualPence)} a year; ` +
    `${formatPounds(e.rate.annualPence)} × ${e.days} ÷ ${e.daysInYear} days (${e.from} to ${e.to}) = ${formatPounds(e.amountPence)}.`
  )
}

/** '£1,044.85' from 104485, in integer arithmetic. */
export function formatPounds(pence: number): string {
  const sign = pence < 0 ? '-' : ''
  const abs = Math.abs(pence)
  const pounds = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}£${pounds}.${String(abs % 100).padStart(2, '0')}`
}

/** '£12,345.6' or '12345.67' → 1234567 pence, exactly; null when it is not an amount of money. */
export function parsePounds(text: string): number | null {
  const match = /^£?(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/,(?=\d{3}(\D|$))/g, ''))
  if (!match) return null
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'))
}

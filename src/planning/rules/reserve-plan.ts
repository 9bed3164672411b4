// A reserve plan's arithmetic: a fund, and costed lines — posts (salary plus on-costs a year, for a
// number of posts, over a fixed term) and programmes (a sum, e.g. CPD). Everything in integer pence;
// the plan's total is the sum of its rounded lines, and what is left to allocate is the fund less it.

export type PostLine = {
  kind: 'post'
  title: string
  salaryPence: number
  onCostsPence: number
  posts: number
  startDate: string
  endDate: string
  spentPence: number
}
export type ProgrammeLine = {
  kind: 'programme'
  title: string
  amountPence: number
  startDate: string | null
  endDate: string | null
  spentPence: number
}
export type ReserveLine = PostLine | ProgrammeLine
export type Problem = { field: string; message: string }

/** What a money field holds: '£1,234.50', '1234.5' or '' → pence; NaN when it is not an amount (the rule names it). */
export function penceOf(text: unknown): number {
  const t = typeof text === 'string' ? text.replace(/[£,\s]/g, '') : ''
  if (t === '') return Number.NaN
  if (!/^-?\d+(\.\d{1,2})?$/.test(t)) return Number.NaN
  return Math.round(Number(t) * 100)
}

const ISO = /^\d{4}-\d{2}-\d{2}$/

/** The whole months a fixed term runs (start to the day after its end, which must fall on the start's day of the month), or null. */
export function termMonths(startDate: string, endDate: string): number | null {
  const [sy, sm, sd] = startDate.split('-').map(Number) as [number, number, number]
  const after = new Date(`${endDate}T00:00:00Z`)
  after.setUTCDate(after.getUTCDate() + 1)
  const [ey, em, ed] = [after.getUTCFullYear(), after.getUTCMonth() + 1, after.getUTCDate()]
  if (ed !== sd) return null
  const months = (ey - sy) * 12 + (em - sm)
  return months > 0 ? months : null
}

/** A post line's cost: (salary + on-costs) × posts × months ÷ 12, rounded half up to the penny once. */
export function lineCost(line: ReserveLine): number {
  if (line.kind === 'programme') return line.amountPence
  const months = termMonths(line.startDate, line.endDate) ?? 0
  return Math.floor(((line.salaryPence + line.onCostsPence) * line.posts * months) / 12 + 0.5)
}

export type ReserveSummary = {
  fundPence: number
  plannedPence: number
  spentPence: number
  /** Planned but not yet spent. */
  committedUnspentPence: number
  leftToAllocatePence: number
  lines: { cost: number; spent: number; left: number }[]
}

export function summarise(fundPence: number, lines: readonly ReserveLine[]): ReserveSummary {
  const rows = lines.map(l => {
    const cost = lineCost(l)
    return { cost, spent: l.spentPence, left: cost - l.spentPence }
  })
  const planned = rows.reduce((s, r) => s + r.cost, 0)
  const spent = rows.reduce((s, r) => s + r.spent, 0)
  return {
    fundPence,
    plannedPence: planned,
    spentPence: spent,
    committedUnspentPence: planned - spent,
    leftToAllocatePence: fundPence - planned,
    lines: rows,
  }
}

/** Every problem with a line, named by field, in the form's order; empty when it adds up. */
export function lineProblems(line: ReserveLine): Problem[] {
  const problems: Problem[] = []
  const nonNegative = (field: string, what: string, v: number) => {
    if (!Number.isInteger(v)) problems.push({ field, message: `${what} must be an amount in pounds and pence` })
    else if (v < 0) problems.push({ field, message: `${what} must not be negative` })
  }
  if (!line.title.trim()) problems.push({ field: 'title', message: 'Enter what the line pays for' })
  if (line.kind === 'post') {
    nonNegative('salary', 'Salary', line.salaryPence)
    nonNegative('onCosts', 'On-costs', line.onCostsPence)
    if (!Number.isInteger(line.posts) || line.posts < 1 || line.posts > 100)
      problems.push({ field: 'posts', message: 'Number of posts must be a whole number from 1 to 100' })
    const datesOk = ISO.test(line.startDate) && ISO.test(line.endDate)
    if (!ISO.test(line.startDate))
      problems.push({ field: 'startDate', message: 'Enter the date the fixed term starts' })
    if (!ISO.test(line.endDate)) problems.push({ field: 'endDate', message: 'Enter the date the fixed term ends' })
    if (datesOk && line.endDate < line.startDate)
      problems.push({ field: 'endDate', message: 'The fixed term must end after it starts' })
    else if (datesOk && termMonths(line.startDate, line.endDate) === null)
      problems.push({
        field: 'endDate',
        message: 'The fixed term must run whole months: end the day before the start day of a later month',
      })
  } else {
    nonNegative('amount', 'Amount', line.amountPence)
    if (line.startDate && line.endDate && line.endDate < line.startDate)
      problems.push({ field: 'endDate', message: 'The programme must end after it starts' })
  }
  nonNegative('spent', 'Spent to date', line.spentPence)
  if (!problems.length && line.spentPence > lineCost(line))
    problems.push({ field: 'spent', message: 'Spent to date must not be more than the line’s cost' })
  return problems
}

/** The plan as a whole: it may not plan more than the fund holds. */
export function planProblems(fundPence: number, lines: readonly ReserveLine[]): Problem[] {
  const { leftToAllocatePence } = summarise(fundPence, lines)
  return leftToAllocatePence < 0
    ? [
        {
          field: 'form',
          message: `The plan would commit more than the fund holds (over by ${pounds(-leftToAllocatePence)})`,
        },
      ]
    : []
}

const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })
const pounds = (pence: number) => gbp.format(pence / 100)

import { z } from 'zod'

// The High Needs deficit trajectory: each financial year's spend is the projected EHC plans (the
// caseload forecast) times the cost of a plan, plus the spend that does not scale with plans, less any
// savings; the in-year over/under spend against the High Needs funding adds to the cumulative deficit.
// Pure: plan counts come in as numbers, so the same rule serves the page, the tests and the demo.

/** A financial year's assumptions, in integer pence and whole percentages (basis points avoided for clarity). */
export type TrajectoryAssumptions = {
  /** The first financial year projected, by its starting April: 2026 is 2026-27. */
  firstYear: number
  /** Cumulative DSG High Needs deficit brought forward into the first year (positive is a deficit). */
  openingDeficitPence: number
  /** High Needs funding in the first year. */
  fundingPence: number
  /** Yearly rise in High Needs funding, percent. */
  fundingGrowthPercent: number
  /** Average High Needs spend per EHC plan in the first year. */
  costPerPlanPence: number
  /** Yearly rise in the cost of a plan, percent. */
  costInflationPercent: number
  /** High Needs spend that does not follow plans (e.g. alternative provision, central services), first year. */
  otherSpendPence: number
}

export type MitigationScenario = {
  key: string
  label: string
  /** Savings taken off spend each year from `savingsFromYear` (e.g. the DBV programme's). */
  savingsPerYearPence: number
  savingsFromYear: number
  /** Percent by which each year's growth in plans is reduced (0–100). */
  growthReductionPercent: number
}

export type TrajectoryYear = {
  /** Financial year by its starting April. */
  year: number
  plans: number
  spendPence: number
  fundingPence: number
  savingsPence: number
  inYearPence: number
  cumulativeDeficitPence: number
}

const pct = (v: number) => v / 100

/** Growth in plans reduced by the scenario: each year's change on the last is cut by the percentage. */
export function mitigatedPlans(plans: readonly number[], growthReductionPercent: number): number[] {
  const out: number[] = []
  plans.forEach((p, i) => {
    if (i === 0) out.push(p)
    else {
      const change = p - plans[i - 1]!
      // Only growth is reduced: a fall in plans is not made smaller by a mitigation.
      out.push(Math.round(out[i - 1]! + (change > 0 ? change * (1 - pct(growthReductionPercent)) : change)))
    }
  })
  return out
}

/**
 * The cumulative deficit year by year. `plans[i]` is the projected plans at the January inside
 * financial year firstYear + i. Every amount is whole pence; each year's cumulative deficit is the
 * last plus that year's in-year over/under spend, so the last equals opening + the sum of in-year.
 */
export function deficitTrajectory(
  assumptions: TrajectoryAssumptions,
  plans: readonly number[],
  scenario: MitigationScenario | null = null,
): TrajectoryYear[] {
  const counts = scenario ? mitigatedPlans(plans, scenario.growthReductionPercent) : plans.map(Math.round)
  let cumulative = assumptions.openingDeficitPence
  return counts.map((count, i) => {
    const year = assumptions.firstYear + i
    const unitCost = Math.round(assumptions.costPerPlanPence * (1 + pct(assumptions.costInflationPercent)) ** i)
    const other = Math.round(assumptions.otherSpendPence * (1 + pct(assumptions.costInflationPercent)) ** i)
    const funding = Math.round(assumptions.fundingPence * (1 + pct(assumptions.fundingGrowthPercent)) ** i)
    const savings = scenario && year >= scenario.savingsFromYear ? scenario.savingsPerYearPence : 0
    const spend = count * unitCost + other - savings
    const inYear = spend - funding
    cumulative += inYear
    return {
      year,
      plans: count,
      spendPence: spend,
      fundingPence: funding,
      savingsPence: savings,
      inYearPence: inYear,
      cumulativeDeficitPence: cumulative,
    }
  })
}

const MAX_PENCE = 10_000_000_000_00 // £10bn: far beyond any authority's High Needs Block
const money = (what: string) =>
  z
    .number({ message: `${what} must be an amount in pounds` })
    .int({ message: `${what} must be in whole pence` })
    .min(0, { message: `${what} must not be negative` })
    .max(MAX_PENCE, { message: `${what} is too large` })
const percent = (what: string, min: number, max: number) =>
  z
    .number({ message: `${what} must be a percentage` })
    .min(min, { message: `${what} must be between ${min} and ${max}` })
    .max(max, { message: `${what} must be between ${min} and ${max}` })

export const assumptionsSchema = z.object({
  firstYear: z.number().int().min(2000).max(2100),
  openingDeficitPence: z
    .number({ message: 'The deficit brought forward must be an amount in pounds' })
    .int({ message: 'The deficit brought forward must be in whole pence' })
    .min(-MAX_PENCE)
    .max(MAX_PENCE),
  fundingPence: money('High Needs funding'),
  fundingGrowthPercent: percent('Yearly rise in funding', -50, 50),
  costPerPlanPence: money('Cost per EHC plan').refine(v => v > 0, {
    message: 'Cost per EHC plan must be more than £0',
  }),
  costInflationPercent: percent('Yearly rise in cost', -50, 50),
  otherSpendPence: money('Other High Needs spend'),
})

export const scenarioSchema = z.object({
  key: z.string().regex(/^[a-z0-9-]{1,40}$/, { message: 'Scenario key must be lower-case letters, digits or hyphens' }),
  label: z.string().trim().min(1, { message: 'Enter the scenario’s name' }).max(120),
  savingsPerYearPence: money('Savings per year'),
  savingsFromYear: z.number().int().min(2000).max(2100),
  growthReductionPercent: percent('Reduction in growth of plans', 0, 100),
})

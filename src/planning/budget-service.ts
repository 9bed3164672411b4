import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { FundingRunService } from '../funding/runs.ts'
import type { DB } from '../schema.ts'
import type { DsgBlock, HighNeedsLine } from './budget-tables.ts'
import { BudgetStore } from './budget-store.ts'
import { penceOf } from './rules/reserve-plan.ts'
import type { ForecastService } from './forecast-service.ts'
import {
  assumptionsSchema,
  deficitTrajectory,
  type MitigationScenario,
  type TrajectoryAssumptions,
  type TrajectoryYear,
} from './rules/budget-trajectory.ts'

// The High Needs budget: the DSG blocks per financial year as the finance officer entered them (the demo
// loads seed 004's table), and the cumulative deficit trajectory five years ahead — the caseload
// forecast (ForecastService.projectedPlans) times the cost of a plan — with mitigation scenarios
// switched on beside doing nothing.

/** Finance officers and LA admins keep the budget; the SEND manager reads it. */
export const BUDGET_READERS: readonly Role[] = ['la_admin', 'send_manager', 'finance_officer']
export const BUDGET_EDITORS: readonly Role[] = ['la_admin', 'finance_officer']

export const BLOCKS: readonly { block: DsgBlock; label: string }[] = [
  { block: 'schools', label: 'Schools Block' },
  { block: 'high_needs', label: 'High Needs Block' },
  { block: 'early_years', label: 'Early Years Block' },
  { block: 'central', label: 'Central School Services Block' },
]

/** The High Needs lines, and the funding module's setting types whose top-up awards are committed to each. */
export const HIGH_NEEDS_LINES: readonly { line: HighNeedsLine; label: string; settingTypes: readonly string[] }[] = [
  { line: 'mainstream', label: 'Mainstream top-ups', settingTypes: ['mainstream', 'early_years'] },
  { line: 'special', label: 'Special school places and top-ups', settingTypes: ['special'] },
  { line: 'independent', label: 'Independent and non-maintained placements', settingTypes: ['independent'] },
  { line: 'resource_base', label: 'Resource bases', settingTypes: ['resource_base'] },
  { line: 'alternative_provision', label: 'Alternative provision', settingTypes: ['alternative_provision'] },
  { line: 'post_16', label: 'Post-16', settingTypes: ['post_16'] },
]

export type HighNeedsLineView = {
  line: HighNeedsLine
  label: string
  pupils: number
  committedPence: number
  /** The line's budget for the year; null until recorded. */
  budgetPence: number | null
  /** Budget less committed (negative: committed beyond the budget); null without a budget. */
  leftPence: number | null
}

export type DsgYear = {
  year: number
  source: string
  rows: { block: DsgBlock; label: string; budgetPence: number; broughtForwardPence: number; forecastPence: number }[]
  total: { budgetPence: number; broughtForwardPence: number; forecastPence: number }
}

export type BudgetView = {
  dsg: DsgYear[]
  /** Top-up committed this financial year by the agreed awards, from the funding run. */
  highNeeds: {
    year: string
    /** The financial year by its starting April. */
    startYear: number
    lines: HighNeedsLineView[]
    totalPence: number
    budgetPence: number | null
  }
  scenarios: { key: string; label: string; on: boolean; detail: MitigationScenario }[]
  trajectory:
    | {
        ok: true
        source: string
        assumptions: TrajectoryAssumptions
        plans: { year: number; value: number }[]
        baseline: TrajectoryYear[]
        compared: { key: string; label: string; years: TrajectoryYear[] }[]
      }
    | { ok: false; reason: string }
}

const querySchema = z.object({
  scenario: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform(v => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
})

export class BudgetService {
  private readonly store: BudgetStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly forecasts: ForecastService,
    private readonly fundingRuns: FundingRunService,
  ) {
    this.store = new BudgetStore(db, laCode)
  }

  mayRead(actor: Actor) {
    return BUDGET_READERS.includes(actor.role)
  }

  mayEdit(actor: Actor) {
    return BUDGET_EDITORS.includes(actor.role)
  }

  /** One block's figures for a financial year, to change; blank figures for one not yet recorded. */
  async dsgBlock(actor: Actor, year: string, block: string) {
    if (!this.mayEdit(actor)) throw new ForbiddenError()
    const b = BLOCKS.find(x => x.block === block)
    if (!/^\d{4}$/.test(year) || !b) throw new NotFoundError()
    const row = await this.store.dsgBlock(Number(year), block)
    return { year: Number(year), block: b.block, label: b.label, row: row ?? null }
  }

  /** Records a block's budget, deficit brought forward and forecast; each problem named; 409 when stale. */
  async saveDsgBlock(actor: Actor, year: string, block: string, input: Record<string, unknown>) {
    const current = await this.dsgBlock(actor, year, block)
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')
    const problems: { field: string; message: string }[] = []
    const amount = (field: string, what: string, negativeAllowed: boolean) => {
      const v = penceOf(input[field])
      if (!Number.isFinite(v))
        problems.push({ field, message: `${what} must be an amount in pounds, such as 39849000` })
      else if (!negativeAllowed && v < 0) problems.push({ field, message: `${what} must not be negative` })
      return v
    }
    const budget = amount('budget', 'Latest budget', false)
    const broughtForward = amount('broughtForward', 'Deficit brought forward', true)
    const forecast = amount('forecast', 'Cumulative forecast', true)
    const source = text(input.source)
    if (!source)
      problems.push({
        field: 'source',
        message: 'Enter where the figures come from, such as the month’s monitoring report',
      })
    if (problems.length) throw new ValidationError(problems)
    const versionText = text(input.version)
    const version = versionText === '' ? null : Number(versionText)
    await this.db.transaction().execute(async trx => {
      const next = await new BudgetStore(trx, this.laCode).saveDsgBlock(
        {
          financial_year: current.year,
          block: current.block,
          budget_pence: budget,
          brought_forward_pence: broughtForward,
          forecast_pence: forecast,
          source,
        },
        version,
      )
      if (next === undefined) throw new ConflictError('Someone else recorded this block’s figures since you opened it')
      await audit(trx, this.laCode, actor, {
        action: 'planning.dsg-block.save',
        recordType: 'dsg_block_budget',
        recordId: `${current.year}-${current.block}`,
        details: {
          from: current.row && {
            budget: current.row.budget_pence,
            broughtForward: current.row.brought_forward_pence,
            forecast: current.row.forecast_pence,
          },
          to: { budget, broughtForward, forecast },
        },
      })
    })
  }

  /** One High Needs line's budget for a financial year, to change. */
  async lineBudget(actor: Actor, year: string, line: string) {
    if (!this.mayEdit(actor)) throw new ForbiddenError()
    const l = HIGH_NEEDS_LINES.find(x => x.line === line)
    if (!/^\d{4}$/.test(year) || !l) throw new NotFoundError()
    const row = await this.store.lineBudget(Number(year), l.line)
    return { year: Number(year), line: l.line, label: l.label, row: row ?? null }
  }

  /** Records a High Needs line's budget: refused when not an amount or negative; 409 when stale. */
  async saveLineBudget(actor: Actor, year: string, line: string, input: Record<string, unknown>): Promise<void> {
    const current = await this.lineBudget(actor, year, line)
    const budget = penceOf(input.budget)
    if (!Number.isFinite(budget))
      throw new ValidationError([
        { field: 'budget', message: 'The budget must be an amount in pounds, such as 12500000' },
      ])
    if (budget < 0) throw new ValidationError([{ field: 'budget', message: 'The budget must not be negative' }])
    const versionText = typeof input.version === 'string' ? input.version.trim() : ''
    await this.db.transaction().execute(async trx => {
      const next = await new BudgetStore(trx, this.laCode).saveLineBudget(
        current.year,
        current.line,
        budget,
        versionText === '' ? null : Number(versionText),
      )
      if (next === undefined) throw new ConflictError('Someone else recorded this line’s budget since you opened it')
      await audit(trx, this.laCode, actor, {
        action: 'planning.budget.line.save',
        recordType: 'hn_line_budget',
        recordId: `${current.year}-${current.line}`,
        details: { from: current.row?.budget_pence ?? null, to: budget },
      })
    })
  }

  /** The trajectory's assumptions, to change; null when none are recorded yet. */
  async assumptions(actor: Actor) {
    if (!this.mayEdit(actor)) throw new ForbiddenError()
    return (await this.store.trajectory()) ?? null
  }

  /**
   * Records the trajectory's assumptions (funding, cost per plan, growth rates, the deficit brought
   * forward): each figure that is not money, a percentage out of range or a missing source is named;
   * a save over someone else's is refused (409).
   */
  async saveAssumptions(actor: Actor, input: Record<string, unknown>): Promise<void> {
    const current = await this.assumptions(actor)
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')
    const percentOf = (v: unknown) => {
      const t = text(v).replace(/%$/, '')
      return /^-?\d{1,3}(\.\d{1,2})?$/.test(t) ? Number(t) : Number.NaN
    }
    const year = text(input.firstYear)
    const parsed = {
      firstYear: /^\d{4}$/.test(year) ? Number(year) : Number.NaN,
      openingDeficitPence: penceOf(input.openingDeficit),
      fundingPence: penceOf(input.funding),
      fundingGrowthPercent: percentOf(input.fundingGrowth),
      costPerPlanPence: penceOf(input.costPerPlan),
      costInflationPercent: percentOf(input.costInflation),
      otherSpendPence: penceOf(input.otherSpend),
    }
    // Form field names, and what a figure that is not a number should have looked like.
    const FIELDS: Record<keyof typeof parsed, { field: string; notNumber: string }> = {
      firstYear: { field: 'firstYear', notNumber: 'Enter the first year as the year it starts, such as 2026' },
      openingDeficitPence: {
        field: 'openingDeficit',
        notNumber: 'Deficit brought forward must be an amount in pounds, such as 34000000',
      },
      fundingPence: { field: 'funding', notNumber: 'High Needs funding must be an amount in pounds, such as 60000000' },
      fundingGrowthPercent: {
        field: 'fundingGrowth',
        notNumber: 'Yearly rise in funding must be a percentage, such as 3',
      },
      costPerPlanPence: {
        field: 'costPerPlan',
        notNumber: 'Cost per EHC plan must be an amount in pounds, such as 12500',
      },
      costInflationPercent: {
        field: 'costInflation',
        notNumber: 'Yearly rise in cost must be a percentage, such as 3',
      },
      otherSpendPence: {
        field: 'otherSpend',
        notNumber: 'Other High Needs spend must be an amount in pounds, such as 9000000',
      },
    }
    const problems: { field: string; message: string }[] = []
    // Each figure on its own, so every problem is named at once.
    for (const k of Object.keys(FIELDS) as (keyof typeof parsed)[]) {
      const { field, notNumber } = FIELDS[k]
      if (!Number.isFinite(parsed[k])) {
        problems.push({ field, message: notNumber })
        continue
      }
      const checked = assumptionsSchema.shape[k].safeParse(parsed[k])
      if (!checked.success)
        problems.push({
          field,
          message:
            k === 'firstYear' ? 'The first year must be between 2000 and 2100' : checked.error.issues[0]!.message,
        })
    }
    const source = text(input.source)
    if (!source)
      problems.push({
        field: 'source',
        message: 'Enter where the assumptions come from, such as the budget-setting report',
      })
    else if (source.length > 300)
      problems.push({ field: 'source', message: 'The source must be 300 characters or fewer' })
    if (problems.length) throw new ValidationError(problems)
    const versionText = text(input.version)
    const version = versionText === '' ? null : Number(versionText)
    await this.db.transaction().execute(async trx => {
      const next = await new BudgetStore(trx, this.laCode).saveTrajectory(
        {
          first_year: parsed.firstYear,
          opening_deficit_pence: parsed.openingDeficitPence,
          funding_pence: parsed.fundingPence,
          funding_growth_percent: parsed.fundingGrowthPercent,
          cost_per_plan_pence: parsed.costPerPlanPence,
          cost_inflation_percent: parsed.costInflationPercent,
          other_spend_pence: parsed.otherSpendPence,
          source,
        },
        version,
      )
      if (next === undefined)
        throw new ConflictError('Someone else changed the High Needs assumptions since you opened them')
      await audit(trx, this.laCode, actor, {
        action: 'planning.budget.assumptions.save',
        recordType: 'hn_trajectory',
        recordId: this.laCode,
        details: {
          from: current && {
            firstYear: current.first_year,
            openingDeficit: current.opening_deficit_pence,
            funding: current.funding_pence,
            fundingGrowth: Number(current.funding_growth_percent),
            costPerPlan: current.cost_per_plan_pence,
            costInflation: Number(current.cost_inflation_percent),
            otherSpend: current.other_spend_pence,
          },
          to: parsed,
        },
      })
    })
  }

  /**
   * Adds a mitigation scenario: refused, each problem named, when an amount is not money or is negative,
   * the growth cut is outside 0–100%, the savings start outside the trajectory, or it would change nothing.
   */
  async addScenario(actor: Actor, input: Record<string, unknown>): Promise<string> {
    if (!this.mayEdit(actor)) throw new ForbiddenError()
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')
    const t = await this.store.trajectory()
    const problems: { field: string; message: string }[] = []
    const label = text(input.label)
    if (!label) problems.push({ field: 'label', message: 'Enter the scenario’s name' })
    else if (label.length > 120) problems.push({ field: 'label', message: 'The name must be 120 characters or fewer' })
    const savingsText = text(input.savings)
    const savings = savingsText === '' ? 0 : penceOf(savingsText)
    if (!Number.isFinite(savings))
      problems.push({ field: 'savings', message: 'Savings a year must be an amount in pounds, such as 3000000' })
    else if (savings < 0) problems.push({ field: 'savings', message: 'Savings a year must not be negative' })
    const growthText = text(input.growthReduction)
    const growth = growthText === '' ? 0 : Number(growthText)
    if (!/^-?\d+(\.\d{1,2})?$/.test(growthText || '0'))
      problems.push({ field: 'growthReduction', message: 'Cut in growth of plans must be a percentage, such as 25' })
    else if (growth < 0 || growth > 100)
      problems.push({ field: 'growthReduction', message: 'Cut in growth of plans must be between 0% and 100%' })
    const first = t?.first_year ?? 0
    const fromText = text(input.fromYear)
    const from = fromText === '' ? first : Number(fromText.slice(0, 4))
    if (!/^\d{4}(-\d{2})?$/.test(fromText || String(first)) || from < first || from > first + 4)
      problems.push({
        field: 'fromYear',
        message: `Savings must start in a year of the trajectory, ${first} to ${first + 4} (the April the year starts)`,
      })
    if (!problems.length && savings === 0 && growth === 0)
      problems.push({
        field: 'savings',
        message: 'Enter savings a year, a cut in growth of plans, or both: this scenario changes nothing',
      })
    if (!t) problems.unshift({ field: 'form', message: 'Record the High Needs assumptions before adding scenarios' })
    if (problems.length) throw new ValidationError(problems)
    const key =
      label
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40) || 'scenario'
    await this.db.transaction().execute(async trx => {
      const added = await new BudgetStore(trx, this.laCode).addScenario({
        key,
        label,
        savings_per_year_pence: savings,
        savings_from_year: from,
        growth_reduction_percent: growth,
      })
      if (!added) throw new ValidationError([{ field: 'label', message: 'There is already a scenario with that name' }])
      await audit(trx, this.laCode, actor, {
        action: 'planning.budget.scenario.add',
        recordType: 'hn_scenario',
        recordId: key,
        details: { savings, from, growth },
      })
    })
    return key
  }

  /** The DSG by block for each financial year recorded, latest first; each year's total the sum of its blocks. */
  async dsg(actor: Actor): Promise<DsgYear[]> {
    if (!this.mayRead(actor)) throw new ForbiddenError()
    const rows = await this.store.dsgBlocks()
    const years = [...new Set(rows.map(r => r.financial_year))]
    const dsg = years.map(year => {
      const of = rows.filter(r => r.financial_year === year)
      const lines = BLOCKS.flatMap(b => {
        const r = of.find(x => x.block === b.block)
        return r
          ? [
              {
                block: b.block,
                label: b.label,
                budgetPence: r.budget_pence,
                broughtForwardPence: r.brought_forward_pence,
                forecastPence: r.forecast_pence,
              },
            ]
          : []
      })
      const sum = (k: 'budgetPence' | 'broughtForwardPence' | 'forecastPence') => lines.reduce((s, l) => s + l[k], 0)
      return {
        year,
        source: of[0]!.source,
        rows: lines,
        total: {
          budgetPence: sum('budgetPence'),
          broughtForwardPence: sum('broughtForwardPence'),
          forecastPence: sum('forecastPence'),
        },
      }
    })
    return dsg
  }

  async view(actor: Actor, query: unknown): Promise<BudgetView> {
    if (!this.mayRead(actor)) throw new ForbiddenError()
    const { scenario: chosen } = parseOrThrow(querySchema, query)
    const dsg = await this.dsg(actor)
    const { run, query: runQuery } = await this.fundingRuns.run(actor, {})
    const startYear = Number(runQuery.year.slice(0, 4))
    const budgets = await this.store.lineBudgets(startYear)
    const hnLines = HIGH_NEEDS_LINES.map(l => {
      const groups = run.bySettingType.filter(g => l.settingTypes.includes(g.key))
      const committedPence = groups.reduce((t, g) => t + g.amountPence, 0)
      const budgetPence = budgets.find(b => b.line === l.line)?.budget_pence ?? null
      return {
        line: l.line,
        label: l.label,
        pupils: groups.reduce((t, g) => t + g.pupils, 0),
        committedPence,
        budgetPence,
        leftPence: budgetPence === null ? null : budgetPence - committedPence,
      }
    })
    const highNeeds = {
      year: runQuery.year,
      startYear,
      lines: hnLines,
      totalPence: hnLines.reduce((t, l) => t + l.committedPence, 0),
      budgetPence: hnLines.every(l => l.budgetPence === null)
        ? null
        : hnLines.reduce((t, l) => t + (l.budgetPence ?? 0), 0),
    }
    const stored = await this.store.scenarios()
    const scenarios = stored.map(s => ({
      key: s.key,
      label: s.label,
      on: chosen.includes(s.key),
      detail: {
        key: s.key,
        label: s.label,
        savingsPerYearPence: s.savings_per_year_pence,
        savingsFromYear: s.savings_from_year,
        growthReductionPercent: Number(s.growth_reduction_percent),
      },
    }))
    await audit(this.db, this.laCode, actor, { action: 'planning.budget.read', details: { scenarios: chosen } })
    const t = await this.store.trajectory()
    if (!t)
      return {
        dsg,
        highNeeds,
        scenarios,
        trajectory: { ok: false, reason: 'No High Needs assumptions have been recorded yet.' },
      }
    const assumptions: TrajectoryAssumptions = {
      firstYear: t.first_year,
      openingDeficitPence: t.opening_deficit_pence,
      fundingPence: t.funding_pence,
      fundingGrowthPercent: Number(t.funding_growth_percent),
      costPerPlanPence: t.cost_per_plan_pence,
      costInflationPercent: Number(t.cost_inflation_percent),
      otherSpendPence: t.other_spend_pence,
    }
    const projected = await this.forecasts.projectedPlans({ years: 5 })
    if (!projected.length)
      return {
        dsg,
        highNeeds,
        scenarios,
        trajectory: {
          ok: false,
          reason: 'There is too little history of EHC plans to forecast the caseload, so no trajectory is drawn.',
        },
      }
    // The January in financial year Y (April Y to March Y+1) is January Y+1.
    const plans = Array.from({ length: 5 }, (_, i) => {
      const january = assumptions.firstYear + i + 1
      const point = projected.find(p => p.year === january) ?? projected[Math.min(i, projected.length - 1)]!
      return { year: january, value: point.value }
    })
    const counts = plans.map(p => p.value)
    return {
      dsg,
      highNeeds,
      scenarios,
      trajectory: {
        ok: true,
        source: t.source,
        assumptions,
        plans,
        baseline: deficitTrajectory(assumptions, counts),
        compared: scenarios
          .filter(s => s.on)
          .map(s => ({ key: s.key, label: s.label, years: deficitTrajectory(assumptions, counts, s.detail) })),
      },
    }
  }
}

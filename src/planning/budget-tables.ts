import type { ColumnType, Generated } from 'kysely'

// Planning money's tables (migrations/0013_planning_money.sql).

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** numeric columns come back as strings from both drivers. */
type Numeric = ColumnType<string, number | string, number | string>

export type DsgBlock = 'schools' | 'high_needs' | 'early_years' | 'central'

export interface DsgBlockBudgetTable {
  la_code: string
  financial_year: number
  block: DsgBlock
  budget_pence: number
  brought_forward_pence: number
  forecast_pence: number
  source: string
  version: Generated<number>
  updated_at: Generated<Timestamp>
}

export interface HnTrajectoryTable {
  la_code: string
  first_year: number
  opening_deficit_pence: number
  funding_pence: number
  funding_growth_percent: Numeric
  cost_per_plan_pence: number
  cost_inflation_percent: Numeric
  other_spend_pence: number
  source: string
  version: Generated<number>
  updated_at: Generated<Timestamp>
}

export interface HnScenarioTable {
  la_code: string
  key: string
  label: string
  savings_per_year_pence: number
  savings_from_year: number
  growth_reduction_percent: Numeric
  version: Generated<number>
}

export interface ReserveFundTable {
  la_code: string
  id: Generated<string>
  name: string
  fund_pence: number
  source: string
  version: Generated<number>
  updated_at: Generated<Timestamp>
}

export interface ReserveLineTable {
  la_code: string
  id: Generated<string>
  fund_id: string
  position: number
  kind: 'post' | 'programme'
  title: string
  salary_pence: number | null
  on_costs_pence: number | null
  posts: number | null
  amount_pence: number | null
  start_date: string | null
  end_date: string | null
  spent_pence: Generated<number>
}

export interface PlanningMoneyTables {
  dsg_block_budget: DsgBlockBudgetTable
  hn_trajectory: HnTrajectoryTable
  hn_scenario: HnScenarioTable
  reserve_fund: ReserveFundTable
  reserve_line: ReserveLineTable
}

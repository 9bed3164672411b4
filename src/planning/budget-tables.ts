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

export interface ClusterFormulaTable {
  la_code: string
  financial_year: number
  pot_pence: number
  weight_pupils: number
  weight_ehcps: number
  weight_sen_support: number
  weight_deprivation: number
  source: string
  version: Generated<number>
  updated_at: Generated<Timestamp>
}

export type HighNeedsLine =
  'mainstream' | 'special' | 'independent' | 'resource_base' | 'alternative_provision' | 'post_16'

export interface HnLineBudgetTable {
  la_code: string
  financial_year: number
  line: HighNeedsLine
  budget_pence: number
  version: Generated<number>
  updated_at: Generated<Timestamp>
}

export interface SchoolClusterTable {
  la_code: string
  code: string
  name: string
  host_setting_id: string
  pupils: number
  ehcps: number
  sen_support: number
  deprivation: number
  /** When EHC plans and SEN support were last counted from placements; null while entered by hand. */
  counted_on: ColumnType<string | null, string | null | undefined, string | null>
  version: Generated<number>
}

export interface ClusterMemberTable {
  la_code: string
  cluster_code: string
  setting_id: string
}

export interface ClusterEntryTable {
  la_code: string
  id: Generated<string>
  cluster_code: string
  financial_year: number
  kind: 'allocation' | 'spend'
  description: string
  amount_pence: number
  entry_date: string
  recorded_by: string | null
  recorded_at: Generated<Timestamp>
}

export interface PlanningMoneyTables {
  cluster_formula: ClusterFormulaTable
  school_cluster: SchoolClusterTable
  hn_line_budget: HnLineBudgetTable
  cluster_member: ClusterMemberTable
  cluster_entry: ClusterEntryTable
  dsg_block_budget: DsgBlockBudgetTable
  hn_trajectory: HnTrajectoryTable
  hn_scenario: HnScenarioTable
  reserve_fund: ReserveFundTable
  reserve_line: ReserveLineTable
}

import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { HighNeedsLine } from './budget-tables.ts'

// The only code that reads or writes the planning money tables (budget, trajectory, reserve plans).

const uuidOrNull = (id: string) => (/^[0-9a-f-]{36}$/i.test(id) ? id : null)

export class BudgetStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  dsgBlocks() {
    return this.db
      .selectFrom('dsg_block_budget')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .orderBy('financial_year', 'desc')
      .execute()
  }

  dsgBlock(year: number, block: string) {
    return this.db
      .selectFrom('dsg_block_budget')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('financial_year', '=', year)
      .where('block', '=', block as never)
      .executeTakeFirst()
  }

  /** Records a block's figures: inserts when `version` is null and none exists, else updates that version; the new version, or undefined when stale. */
  async saveDsgBlock(
    values: {
      financial_year: number
      block: 'schools' | 'high_needs' | 'early_years' | 'central'
      budget_pence: number
      brought_forward_pence: number
      forecast_pence: number
      source: string
    },
    version: number | null,
  ): Promise<number | undefined> {
    if (version === null) {
      const rows = await this.db
        .insertInto('dsg_block_budget')
        .values({ ...values, la_code: this.laCode })
        .onConflict(oc => oc.columns(['la_code', 'financial_year', 'block']).doNothing())
        .returning('version')
        .execute()
      return rows[0]?.version
    }
    const row = await this.db
      .updateTable('dsg_block_budget')
      .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('financial_year', '=', values.financial_year)
      .where('block', '=', values.block)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version
  }

  lineBudgets(year: number) {
    return this.db
      .selectFrom('hn_line_budget')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('financial_year', '=', year)
      .execute()
  }

  lineBudget(year: number, line: HighNeedsLine) {
    return this.db
      .selectFrom('hn_line_budget')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('financial_year', '=', year)
      .where('line', '=', line)
      .executeTakeFirst()
  }

  /** Records a line's budget: inserts when `version` is null and none exists, else updates that version; the new version, or undefined when stale. */
  async saveLineBudget(year: number, line: HighNeedsLine, budgetPence: number, version: number | null) {
    if (version === null) {
      const rows = await this.db
        .insertInto('hn_line_budget')
        .values({ la_code: this.laCode, financial_year: year, line, budget_pence: budgetPence })
        .onConflict(oc => oc.columns(['la_code', 'financial_year', 'line']).doNothing())
        .returning('version')
        .execute()
      return rows[0]?.version
    }
    const row = await this.db
      .updateTable('hn_line_budget')
      .set({ budget_pence: budgetPence, version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('financial_year', '=', year)
      .where('line', '=', line)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version
  }

  trajectory() {
    return this.db.selectFrom('hn_trajectory').selectAll().where('la_code', '=', this.laCode).executeTakeFirst()
  }

  /** Records the trajectory's assumptions: inserts when `version` is null and none exist, else updates that version; the new version, or undefined when stale. */
  async saveTrajectory(
    values: {
      first_year: number
      opening_deficit_pence: number
      funding_pence: number
      funding_growth_percent: number
      cost_per_plan_pence: number
      cost_inflation_percent: number
      other_spend_pence: number
      source: string
    },
    version: number | null,
  ): Promise<number | undefined> {
    const row = {
      ...values,
      funding_growth_percent: String(values.funding_growth_percent),
      cost_inflation_percent: String(values.cost_inflation_percent),
    }
    if (version === null) {
      const rows = await this.db
        .insertInto('hn_trajectory')
        .values({ ...row, la_code: this.laCode })
        .onConflict(oc => oc.column('la_code').doNothing())
        .returning('version')
        .execute()
      return rows[0]?.version
    }
    const updated = await this.db
      .updateTable('hn_trajectory')
      .set({ ...row, version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return updated?.version
  }

  scenarios() {
    return this.db.selectFrom('hn_scenario').selectAll().where('la_code', '=', this.laCode).orderBy('key').execute()
  }

  /** Adds a scenario; false when one with the key already exists. */
  async addScenario(values: {
    key: string
    label: string
    savings_per_year_pence: number
    savings_from_year: number
    growth_reduction_percent: number
  }): Promise<boolean> {
    const rows = await this.db
      .insertInto('hn_scenario')
      .values({ ...values, la_code: this.laCode })
      .onConflict(oc => oc.columns(['la_code', 'key']).doNothing())
      .returning('key')
      .execute()
    return rows.length === 1
  }

  funds() {
    return this.db.selectFrom('reserve_fund').selectAll().where('la_code', '=', this.laCode).orderBy('name').execute()
  }

  fund(id: string) {
    return this.db
      .selectFrom('reserve_fund')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('id', '=', sql<string>`${uuidOrNull(id)}::uuid`)
      .executeTakeFirst()
  }

  lines(fundId: string) {
    return this.db
      .selectFrom('reserve_line')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('fund_id', '=', fundId)
      .orderBy('position')
      .execute()
  }

  /** Bumps the fund's version if it is still `version`: the new version, or undefined when stale. */
  async bumpFund(id: string, version: number): Promise<number | undefined> {
    const row = await this.db
      .updateTable('reserve_fund')
      .set({ version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version
  }

  async addLine(values: {
    fund_id: string
    kind: 'post' | 'programme'
    title: string
    salary_pence: number | null
    on_costs_pence: number | null
    posts: number | null
    amount_pence: number | null
    start_date: string | null
    end_date: string | null
    spent_pence: number
  }): Promise<string> {
    const { next } = await this.db
      .selectFrom('reserve_line')
      .select(sql<number>`coalesce(max(position), 0) + 1`.as('next'))
      .where('fund_id', '=', values.fund_id)
      .executeTakeFirstOrThrow()
    const row = await this.db
      .insertInto('reserve_line')
      .values({ ...values, la_code: this.laCode, position: next })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }
}

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { freshDatabase } from '../../test/support/database.ts'
import { LA, loadFixture, TODAY } from '../../test/support/fixture.ts'
import type { Database } from '../platform/db/index.ts'
import { DEMO_RESERVE_FUND_ID, loadBudgetDemo } from './budget-demo.ts'
import { summarise, type ReserveLine } from './rules/reserve-plan.ts'

describe('the planning money demo', () => {
  let database: Database
  before(async () => {
    database = await freshDatabase()
    await loadFixture(database.db)
  })
  after(() => database?.close())

  it('loads seed 004’s DSG table, seed 001’s reserve plan and a cluster per locality, deterministically', async () => {
    assert.deepEqual(await loadBudgetDemo(database.db, LA, TODAY), {
      dsgYears: 1,
      scenarios: 2,
      reserveFunds: 1,
      clusters: 2,
    })
    const { db } = database
    const blocks = await db.selectFrom('dsg_block_budget').selectAll().where('la_code', '=', LA).execute()
    // Seed 004's totals: £287.716m budget, £11.151m brought forward, £18.813m forecast.
    assert.equal(
      blocks.reduce((s, b) => s + b.budget_pence, 0),
      287_716_000_00,
    )
    assert.equal(
      blocks.reduce((s, b) => s + b.brought_forward_pence, 0),
      11_151_000_00,
    )
    assert.equal(
      blocks.reduce((s, b) => s + b.forecast_pence, 0),
      18_813_000_00,
    )
    const lines = await db.selectFrom('reserve_line').selectAll().where('fund_id', '=', DEMO_RESERVE_FUND_ID).execute()
    const asLines: ReserveLine[] = lines.map(l =>
      l.kind === 'post'
        ? {
            kind: 'post',
            title: l.title,
            salaryPence: l.salary_pence!,
            onCostsPence: l.on_costs_pence!,
            posts: l.posts!,
            startDate: l.start_date!,
            endDate: l.end_date!,
            spentPence: l.spent_pence,
          }
        : {
            kind: 'programme',
            title: l.title,
            amountPence: l.amount_pence!,
            startDate: null,
            endDate: null,
            spentPence: 0,
          },
    )
    const summary = summarise(511_000_00, asLines)
    assert.equal(summary.plannedPence, 446_000_00)
    assert.equal(summary.leftToAllocatePence, 65_000_00)
    const trajectory = await db.selectFrom('hn_trajectory').selectAll().executeTakeFirstOrThrow()
    assert.equal(trajectory.first_year, 2026)
    assert.match(trajectory.source, /^Illustrative/)
  })
})

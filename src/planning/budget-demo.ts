import type { Insertable, Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import { ClusterStore } from './cluster-store.ts'
import type { ReserveLineTable } from './budget-tables.ts'

// The demo's planning money: seed 004's DSG table (Dudley, 2021-22, as reported to scrutiny in January
// 2022), seed 001's £511k reserve plan (Schools Forum, June 2022), and illustrative High Needs
// assumptions for the deficit trajectory, labelled as such. Deterministic.

/** The demo's reserve fund has a fixed id, so tests and links can name it. */
export const DEMO_RESERVE_FUND_ID = '00000000-0000-4000-8000-000000000511'

const m = (millions: number) => Math.round(millions * 100_000_000)
const SEED_004 = 'Seed 004: Dudley Children and Young People Scrutiny Committee, 20 January 2022 (Nov 21 forecast)'
const SEED_001 = 'Seed 001: Dudley Schools Forum, 21 June 2022 (School Specific Contingency Reserve)'

/** `today` decides the first financial year of the trajectory: the one it falls in. */
export async function loadBudgetDemo(db: Kysely<DB>, laCode: string, today: string) {
  const firstYear = Number(today.slice(0, 4)) - (today.slice(5) < '04-01' ? 1 : 0)
  await db
    .insertInto('dsg_block_budget')
    .values(
      (
        [
          ['schools', 226.535, 0, 0],
          ['high_needs', 39.849, 13.609, 21.657],
          ['early_years', 19.327, -1.965, -2.42],
          ['central', 2.005, -0.493, -0.424],
        ] as const
      ).map(([block, budget, bf, forecast]) => ({
        la_code: laCode,
        financial_year: 2021,
        block,
        budget_pence: m(budget),
        brought_forward_pence: m(bf),
        forecast_pence: m(forecast),
        source: SEED_004,
      })),
    )
    .execute()
  await db
    .insertInto('hn_trajectory')
    .values({
      la_code: laCode,
      first_year: firstYear,
      opening_deficit_pence: m(34.0),
      funding_pence: m(60),
      funding_growth_percent: 3,
      cost_per_plan_pence: 12_500_00,
      cost_inflation_percent: 3,
      other_spend_pence: m(9),
      source:
        'Illustrative: the deficit brought forward is seed 003’s £34.0m forecast for 2023-24; funding, cost per plan and other spend are not any authority’s figures',
    })
    .execute()
  // Illustrative budgets per High Needs line, a little short of what the demo's awards commit in total,
  // as the seeds' High Needs Blocks are.
  await db
    .insertInto('hn_line_budget')
    .values(
      (
        [
          ['mainstream', 7.2],
          ['special', 16.0],
          ['independent', 3.5],
          ['resource_base', 0.75],
          ['alternative_provision', 0.1],
          ['post_16', 5.8],
        ] as const
      ).map(([line, millions]) => ({ la_code: laCode, financial_year: firstYear, line, budget_pence: m(millions) })),
    )
    .execute()
  await db
    .insertInto('hn_scenario')
    .values([
      {
        la_code: laCode,
        key: 'dbv-savings',
        label: 'DBV savings (illustrative £3m a year)',
        savings_per_year_pence: m(3),
        savings_from_year: firstYear,
        growth_reduction_percent: 0,
      },
      {
        la_code: laCode,
        key: 'growth-cut-25',
        label: 'Growth in EHC plans cut by 25%',
        savings_per_year_pence: 0,
        savings_from_year: firstYear,
        growth_reduction_percent: 25,
      },
    ])
    .execute()
  const fund = await db
    .insertInto('reserve_fund')
    .values({
      la_code: laCode,
      id: DEMO_RESERVE_FUND_ID,
      name: 'School Specific Contingency Reserve',
      fund_pence: m(0.511),
      source: SEED_001,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const line = (position: number, values: Partial<Insertable<ReserveLineTable>>) => ({
    la_code: laCode,
    fund_id: fund.id,
    position,
    title: '',
    kind: 'post' as const,
    salary_pence: null,
    on_costs_pence: null,
    posts: null,
    amount_pence: null,
    start_date: null,
    end_date: null,
    ...values,
  })
  await db
    .insertInto('reserve_line')
    .values([
      line(1, {
        title: 'SEND Lead Practitioner (secondment, AHT/AP equivalent)',
        salary_pence: 55_000_00,
        on_costs_pence: 18_000_00,
        posts: 1,
        start_date: '2022-09-01',
        end_date: '2024-08-31',
      }),
      line(2, {
        title: 'SEND Improvement Officer (UPS teacher equivalent)',
        salary_pence: 42_000_00,
        on_costs_pence: 13_000_00,
        posts: 2,
        start_date: '2022-09-01',
        end_date: '2024-08-31',
      }),
      line(3, {
        kind: 'programme',
        title:
          'CPD network development (SEMH, restorative practice, resilience, trauma, Code of Practice, SEND reviews)',
        amount_pence: 80_000_00,
      }),
    ])
    .execute()
  const clusters = await loadClusterDemo(db, laCode, firstYear, today)
  return { dsgYears: 1, scenarios: 2, reserveFunds: 1, clusters }
}

/**
 * Seed 002's model on the demo's schools: one cluster per locality of the authority's own mainstream
 * schools, the first by name hosting it. EHC plans and SEN support are counted from the demo's placements;
 * the pot, the weights, pupil numbers and deprivation are illustrative.
 */
async function loadClusterDemo(db: Kysely<DB>, laCode: string, firstYear: number, today: string): Promise<number> {
  const schools = await db
    .selectFrom('setting')
    .select(['id', 'name', 'locality_code'])
    .where('la_code', '=', laCode)
    .where('setting_type', '=', 'mainstream')
    .where('out_of_area', '=', false)
    .where('locality_code', 'is not', null)
    .orderBy('locality_code')
    .orderBy('name')
    .execute()
  const localities = await db.selectFrom('locality').select(['code', 'name']).where('la_code', '=', laCode).execute()
  const byLocality = new Map<string, typeof schools>()
  for (const s of schools) byLocality.set(s.locality_code!, [...(byLocality.get(s.locality_code!) ?? []), s])
  let i = 0
  for (const [code, members] of byLocality) {
    i++
    const n = members.length
    await db
      .insertInto('school_cluster')
      .values({
        la_code: laCode,
        code,
        name: `${localities.find(l => l.code === code)?.name ?? code} cluster`,
        host_setting_id: members[0]!.id,
        pupils: n * 310 + i * 37,
        ehcps: n * 9 + (i % 3) * 4,
        sen_support: n * 41 + (i % 4) * 11,
        deprivation: n * 70 + (i % 5) * 23,
      })
      .execute()
    await db
      .insertInto('cluster_member')
      .values(members.map(m => ({ la_code: laCode, cluster_code: code, setting_id: m.id })))
      .execute()
  }
  const store = new ClusterStore(db, laCode)
  await store.setCountedMeasures(await store.countedMeasures(today), today)
  await db
    .insertInto('cluster_formula')
    .values({
      la_code: laCode,
      financial_year: firstYear,
      pot_pence: m(2.4),
      weight_pupils: 4000,
      weight_ehcps: 2500,
      weight_sen_support: 2000,
      weight_deprivation: 1500,
      source:
        'Illustrative: seed 002’s Norfolk model (about £30m delegated to clusters from 2013); this pot, the weights and each cluster’s measures are not any authority’s figures',
    })
    .execute()
  return byLocality.size
}

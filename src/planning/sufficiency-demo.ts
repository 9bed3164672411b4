import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'

// The demo's special schools get illustrative commissioned places (the page says so): about as many as
// the plans naming each school now, some a little over and some a little short, so that the
// sufficiency table has both surpluses and shortfalls to show. Not any real school's figures.

const FACTORS = [1.1, 0.9, 1.0, 0.85] as const

/** Illustrative places for the i-th special school (in URN order) with `named` plans naming it now: a multiple of 5, at least 10. */
export function illustrativePlaces(named: number, i: number): number {
  return Math.max(10, Math.round((named * FACTORS[i % FACTORS.length]!) / 5) * 5)
}

/** Sets illustrative places on the authority's special schools that have none recorded; returns how many. */
export async function loadSufficiencyDemo(db: Kysely<DB>, laCode: string): Promise<number> {
  const schools = await sql<{ id: string; named: number }>`select s.id,
      (select count(*)::int from ehc_plan p
        where p.la_code = s.la_code and p.named_setting_id = s.id and p.ceased_on is null) as named
    from setting s
    where s.la_code = ${laCode} and s.setting_type = 'special' and not s.out_of_area and s.special_places is null
    order by s.urn`.execute(db)
  for (const [i, s] of schools.rows.entries()) {
    await db
      .updateTable('setting')
      .set({ special_places: illustrativePlaces(s.named, i) })
      .where('id', '=', s.id)
      .execute()
  }
  return schools.rows.length
}

import type { Kysely } from 'kysely'
import type { DB } from '../../src/schema.ts'
import { LA, type Fixture } from './fixture.ts'

// A few years of plans for the forecast: 120 children born 2004–2021, each with a plan issued between
// 2017 and 2025 naming one of the fixture's three settings, some ceasing at 16 or over. Deterministic.
export const PLANNING_CHILDREN = 120
const NEEDS = ['ASD', 'SEMH', 'SLCN', 'MLD'] as const

export async function loadPlanningFixture(db: Kysely<DB>, fixture: Fixture) {
  let seed = 7
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    // The high bits: an LCG's low bits repeat with a short period.
    return Math.floor(seed / 65536) % n
  }
  const pad = (n: number) => String(n).padStart(2, '0')
  const settings = [fixture.settings.schoolA!, fixture.settings.schoolB!, fixture.settings.special!]
  await db.updateTable('setting').set({ special_places: 10 }).where('id', '=', fixture.settings.special!).execute()
  for (let i = 0; i < PLANNING_CHILDREN; i++) {
    const born = 2004 + next(18)
    const dob = `${born}-${pad(1 + next(12))}-${pad(1 + next(28))}`
    const issuedYear = Math.min(2025, Math.max(born + 3, 2017 + next(9)))
    const issued = `${issuedYear}-${pad(2 + next(10))}-10`
    const child = await db
      .insertInto('child')
      .values({
        la_code: LA,
        local_id: `PF${String(i).padStart(4, '0')}`,
        first_name: 'Plan',
        last_name: `Child${i}`,
        date_of_birth: dob,
        sen_status: 'ehcp',
        ehcp_start_date: issued,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const ceaseAt = born + 17 + next(4)
    const ceased = ceaseAt <= 2025 && next(2) === 0 ? `${ceaseAt}-07-31` : null
    const plan = await db
      .insertInto('ehc_plan')
      .values({
        la_code: LA,
        child_id: child.id,
        issued_on: issued,
        named_setting_id: settings[next(3)]!,
        ceased_on: ceased && ceased > issued ? ceased : null,
        cease_reason: ceased && ceased > issued ? 2 : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('ehc_plan_need')
      .values({ la_code: LA, plan_id: plan.id, rank: 1, need_code: NEEDS[next(NEEDS.length)]! })
      .execute()
  }
}

import type { Kysely } from 'kysely'
import { hashPassword } from '../../platform/http/passwords.ts'
import type { DB } from '../../schema.ts'
import { generateDemo } from './generate.ts'

export const DEMO_PASSWORD = 'demo-password'
/** The seed when none is given: the same demo authority on every machine. */
export const DEMO_SEED = 332

export type DemoOptions = { laCode: string; asAt: string; scale: number; seed?: number }
export type DemoCounts = {
  localities: number
  settings: number
  children: number
  ehcp: number
  senSupport: number
  needs: number
  placements: number
  users: number
}

// Rows per insert: well inside PostgreSQL's 65,535 bind parameters for our widest table (10 columns).
const BATCH = 1000

export async function hasPeople(db: Kysely<DB>, laCode: string): Promise<boolean> {
  const row = await db.selectFrom('setting').select('id').where('la_code', '=', laCode).limit(1).executeTakeFirst()
  return Boolean(row)
}

function batches<T>(rows: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH))
  return out
}

/** Loads the synthetic authority in one transaction: all of it, or (on any failure) none of it. */
export async function loadDemo(db: Kysely<DB>, options: DemoOptions): Promise<DemoCounts> {
  const demo = generateDemo({ ...options, seed: options.seed ?? DEMO_SEED })
  // The password is published, so one hash serves every demo user and start-up pays for scrypt once.
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  await db.transaction().execute(async trx => {
    await trx.insertInto('locality').values(demo.localities).execute()
    for (const rows of batches(demo.settings)) await trx.insertInto('setting').values(rows).execute()
    for (const rows of batches(demo.children)) await trx.insertInto('child').values(rows).execute()
    for (const rows of batches(demo.needs)) await trx.insertInto('child_need').values(rows).execute()
    for (const rows of batches(demo.placements)) await trx.insertInto('placement').values(rows).execute()
    await trx
      .insertInto('app_user')
      .values(demo.users.map(user => ({ ...user, password_hash: passwordHash })))
      .execute()
  })
  const ehcp = demo.children.filter(c => c.sen_status === 'ehcp').length
  return {
    localities: demo.localities.length,
    settings: demo.settings.length,
    children: demo.children.length,
    ehcp,
    senSupport: demo.children.length - ehcp,
    needs: demo.needs.length,
    placements: demo.placements.length,
    users: demo.users.length,
  }
}

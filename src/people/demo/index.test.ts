import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { freshDatabase } from '../../../test/support/database.ts'
import { buildApp } from '../../app.ts'
import { loadConfig } from '../../config.ts'
import type { Database } from '../../platform/db/index.ts'
import { verifyPassword } from '../../platform/http/passwords.ts'
import { setLogLevel } from '../../platform/log.ts'
import { fixedClock } from '../../platform/time/clock.ts'
import { generateDemo } from './generate.ts'
import { DEMO_PASSWORD, DEMO_SEED, hasPeople, loadDemo, type DemoCounts } from './index.ts'

const LA = '332'
const options = { laCode: LA, asAt: '2026-11-23', scale: 0.05 }

let database: Database
let counts: DemoCounts
before(async () => {
  database = await freshDatabase()
})
after(() => database.close())

describe('loading the demo authority', () => {
  it('loads into an empty database, once', async () => {
    assert.equal(await hasPeople(database.db, LA), false)
    counts = await loadDemo(database.db, options)
    assert.equal(await hasPeople(database.db, LA), true)
    assert.equal(await hasPeople(database.db, '999'), false, 'another authority is still empty')
  })

  it('writes every generated row', async () => {
    const db = database.db
    const rows = async (table: 'locality' | 'setting' | 'child' | 'child_need' | 'placement') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select(eb => eb.fn.countAll().as('n'))
            .where('la_code', '=', LA)
            .executeTakeFirstOrThrow()
        ).n,
      )
    const demo = generateDemo({ ...options, seed: DEMO_SEED })
    assert.equal(await rows('locality'), 5)
    assert.equal(await rows('setting'), demo.settings.length)
    assert.equal(await rows('child'), demo.children.length)
    assert.equal(await rows('child_need'), demo.needs.length)
    assert.equal(await rows('placement'), demo.placements.length)
    assert.deepEqual(counts, {
      localities: 5,
      settings: demo.settings.length,
      children: demo.children.length,
      ehcp: demo.children.filter(c => c.sen_status === 'ehcp').length,
      senSupport: demo.children.filter(c => c.sen_status === 'sen_support').length,
      needs: demo.needs.length,
      placements: demo.placements.length,
      users: 7,
    })
    assert.ok(counts.ehcp > 150 && counts.senSupport > 400)
    const child = await db
      .selectFrom('child')
      .selectAll()
      .where('id', '=', demo.children[0]!.id)
      .executeTakeFirstOrThrow()
    assert.equal(child.date_of_birth, demo.children[0]!.date_of_birth, 'the same rows, ids included')
  })

  it('signs in every demo user with the published password, and lists them only in demo mode', async () => {
    const users = await database.db.selectFrom('app_user').select(['username', 'role', 'password_hash']).execute()
    assert.equal(users.length, 7)
    assert.equal(new Set(users.map(u => u.password_hash)).size, 1, 'one hash for all')
    assert.ok(await verifyPassword(DEMO_PASSWORD, users[0]!.password_hash!))

    const page = async (demo: boolean) => {
      const config = loadConfig({ NODE_ENV: 'test', LA_CODE: LA, DEMO: String(demo), LOG_LEVEL: 'silent' })
      setLogLevel(config.logLevel)
      const { app } = buildApp({ config, database, clock: fixedClock('2026-11-23T10:00:00Z') })
      return (await request(app).get('/sign-in')).text
    }
    const listed = await page(true)
    for (const user of users) assert.match(listed, new RegExp(`>${user.username.replace('.', '\\.')}<`))
    const hidden = await page(false)
    assert.doesNotMatch(hidden, /senco\./)
  })
})

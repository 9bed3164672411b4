import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { freshDatabase } from '../../../test/support/database.ts'
import { createDb, type Database } from './index.ts'
import { migrate, readMigrations } from './migrate.ts'

let database: Database
before(async () => {
  database = await freshDatabase()
})
after(() => database.close())

describe(`database layer (${process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('returns dates as ISO strings and int8 as numbers on either driver', async () => {
    const row = await sql<{
      d: unknown
      n: unknown
      t: unknown
    }>`select date '2024-02-29' as d, 9007199254740991::int8 as n, timestamptz '2024-01-01T00:00:00Z' as t`
      .execute(database.db)
      .then(r => r.rows[0]!)
    assert.equal(row.d, '2024-02-29')
    assert.equal(row.n, 9007199254740991)
    assert.ok(row.t instanceof Date)
    assert.equal((row.t as Date).toISOString(), '2024-01-01T00:00:00.000Z')
  })

  it('applies migrations once and refuses a migration changed after it was applied', async () => {
    const again = await migrate(database.db)
    assert.deepEqual(again.applied, [])
    const tampered = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'changed' } : m))
    await assert.rejects(() => migrate(database.db, tampered), /has changed since it was applied/)
  })

  it('keeps the audit log append-only, even for the table owner', async () => {
    await database.db
      .insertInto('audit_event')
      .values({ la_code: '999', action: 'test.event', details: '{}' })
      .execute()
    await assert.rejects(() => sql`update audit_event set action = 'changed'`.execute(database.db), /append-only/)
    await assert.rejects(() => sql`delete from audit_event`.execute(database.db), /append-only/)
    await assert.rejects(() => sql`truncate audit_event`.execute(database.db), /append-only/)
    const rows = await database.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'test.event')
      .execute()
    assert.equal(rows.length, 1)
  })

  it('never lets another query land inside an open transaction', async () => {
    await sql`create table tx_probe (n int)`.execute(database.db)
    let inside!: () => void
    const opened = new Promise<void>(resolve => (inside = resolve))
    const transaction = database.db
      .transaction()
      .execute(async trx => {
        await sql`insert into tx_probe values (1)`.execute(trx)
        inside()
        await new Promise(resolve => setTimeout(resolve, 50))
        throw new Error('roll back')
      })
      .catch(() => 'rolled back')
    await opened
    // Issued while the transaction is open: it must not be swept into the rollback.
    await sql`insert into tx_probe values (2)`.execute(database.db)
    assert.equal(await transaction, 'rolled back')
    const rows = await sql<{ n: number }>`select n from tx_probe order by n`.execute(database.db)
    assert.deepEqual(
      rows.rows.map(r => r.n),
      [2],
    )
  })
})

// Starting from the migrated template avoids a slow initdb in each new folder.
const template = () => {
  const file = process.env.OPENSEND_TEST_TEMPLATE
  return file && fs.existsSync(file) ? { loadDataDir: new Blob([fs.readFileSync(file)]) } : {}
}

describe('embedded database folder', { skip: Boolean(process.env.TEST_DATABASE_URL) }, () => {
  it('is locked against a second opener and released on close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opensend-lock-'))
    try {
      const first = await createDb({ dataDir: dir, ...template() })
      await assert.rejects(() => createDb({ dataDir: dir }), /in use by another opensend process/)
      await first.close()
      const second = await createDb({ dataDir: dir })
      await second.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('treats the lock of a dead process as stale', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opensend-lock-'))
    try {
      fs.writeFileSync(path.join(dir, 'opensend.lock'), '999999999')
      const db = await createDb({ dataDir: dir, ...template() })
      await db.close()
      assert.equal(fs.existsSync(path.join(dir, 'opensend.lock')), false)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

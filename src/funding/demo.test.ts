import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Database } from '../platform/db/index.ts'
import { freshDatabase } from '../../test/support/database.ts'
import { loadFundingDemo } from './demo.ts'

let database: Database
before(async () => {
  database = await freshDatabase()
})
after(() => database.close())

describe('the demo matrix version', () => {
  it('loads the illustrative Dudley-shaped version once, approved', async () => {
    const now = new Date('2026-04-01T09:00:00Z')
    const id = await loadFundingDemo(database.db, '332', now)
    assert.ok(id)
    const row = await database.db
      .selectFrom('matrix_version')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    assert.equal(row.status, 'approved')
    assert.equal(row.approved_at?.toISOString(), now.toISOString())
    assert.match(row.name, /illustrative/)
    assert.equal(await loadFundingDemo(database.db, '332', now), null)
  })
})

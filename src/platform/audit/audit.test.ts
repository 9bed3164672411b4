import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { freshDatabase } from '../../../test/support/database.ts'
import type { Database } from '../db/index.ts'
import { audit } from './audit.ts'

let database: Database
before(async () => {
  database = await freshDatabase()
})
after(() => database?.close())

describe('audit', () => {
  // Whatever a request put into the details (a field name or value with a NUL in it, as a fuzzer or an
  // attacker sends), the audit row is written: a failed audit would fail the whole use case.
  it('writes any details, NUL characters in keys and values included', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 })
    await fc.assert(
      fc.asyncProperty(fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 }))), async details => {
        await audit(database.db, '999', null, { action: 'test.details', details })
      }),
      { numRuns: 100 },
    )
    await audit(database.db, '999', null, { action: 'test.nul', details: { '\0key': 'a\0b', list: ['\0'] } })
    const row = await database.db
      .selectFrom('audit_event')
      .select('details')
      .where('action', '=', 'test.nul')
      .executeTakeFirstOrThrow()
    assert.deepEqual(row.details, { '\uFFFDkey': 'a\uFFFDb', list: ['\uFFFD'] })
    const written = await database.db
      .selectFrom('audit_event')
      .select(eb => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'test.details')
      .executeTakeFirstOrThrow()
    assert.equal(Number(written.n), 100)
  })
})

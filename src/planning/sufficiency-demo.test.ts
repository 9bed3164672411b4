import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { freshDatabase } from '../../test/support/database.ts'
import { LA, loadFixture } from '../../test/support/fixture.ts'
import type { Database } from '../platform/db/index.ts'
import { illustrativePlaces, loadSufficiencyDemo } from './sufficiency-demo.ts'

describe('the sufficiency demo: illustrative special school places', () => {
  it('gives a multiple of 5, at least 10, within 15% of the plans naming the school', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.nat(20), (named, i) => {
        const places = illustrativePlaces(named, i)
        assert.equal(places % 5, 0)
        assert.ok(places >= 10)
        if (named >= 100) assert.ok(Math.abs(places - named) <= named * 0.15 + 3)
      }),
    )
  })

  let database: Database
  before(async () => {
    database = await freshDatabase()
    await loadFixture(database.db)
  })
  after(() => database?.close())

  it('fills in the special schools with none recorded, once', async () => {
    assert.equal(await loadSufficiencyDemo(database.db, LA), 1)
    const special = await database.db
      .selectFrom('setting')
      .select('special_places')
      .where('setting_type', '=', 'special')
      .executeTakeFirstOrThrow()
    assert.equal(special.special_places, 10)
    assert.equal(await loadSufficiencyDemo(database.db, LA), 0)
  })
})

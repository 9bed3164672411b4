import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signedIn, startTestApp, type TestApp } from './support/app.ts'

let t: TestApp
before(async () => {
  t = await startTestApp()
})
after(() => t.close())

const GOOD = [
  'child_id,upn,setting_urn,annual_amount,start_date,end_date,note',
  'F0003,,900003,"£12,500.00",2024-09-01,2027-08-31,Agreed before the matrix',
  ',J999900125001,900001,8000,2025-04-01,,',
].join('\n')

const legacyRows = () =>
  t.database.db.selectFrom('legacy_funding').select(['annual_pence', 'version']).orderBy('annual_pence').execute()

describe('legacy funding import', () => {
  it('imports a good file; a re-import changes nothing; a changed amount is updated; each is audited with counts', async () => {
    const finance = await signedIn(t.app, 'finance')
    await finance.get('/funding/legacy')
    const first = await finance.upload('/funding/legacy', 'file', 'legacy.csv', GOOD)
    assert.equal(first.status, 200, first.text)
    assert.match(first.text, /File imported/)
    assert.deepEqual(await legacyRows(), [
      { annual_pence: 800000, version: 1 },
      { annual_pence: 1250000, version: 1 },
    ])
    const again = await finance.upload('/funding/legacy', 'file', 'legacy.csv', GOOD)
    assert.equal(again.status, 200)
    assert.match(again.text, /Legacy amounts held now: 2/)
    const changed = await finance.upload('/funding/legacy', 'file', 'legacy.csv', GOOD.replace('8000', '8100.50'))
    assert.equal(changed.status, 200)
    assert.deepEqual(await legacyRows(), [
      { annual_pence: 810050, version: 2 },
      { annual_pence: 1250000, version: 1 },
    ])
    const events = await t.database.db
      .selectFrom('audit_event')
      .select(['outcome', 'details'])
      .where('action', '=', 'import.legacy_funding')
      .orderBy('id')
      .execute()
    const details = events.map(e => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as object)
    assert.deepEqual(details, [
      { rows: 2, inserted: 2, updated: 0, unchanged: 0 },
      { rows: 2, inserted: 0, updated: 0, unchanged: 2 },
      { rows: 2, inserted: 0, updated: 1, unchanged: 1 },
    ])
  })

  it('one bad row: nothing is imported and the error names line and column; the refusal is audited', async () => {
    const admin = await signedIn(t.app, 'admin')
    await admin.get('/funding/legacy')
    const before = (await legacyRows()).length
    const bad = [
      'child_id,upn,setting_urn,annual_amount,start_date,end_date,note',
      'F0004,,900003,5000,2025-09-01,,',
      'F0005,,999999,5000,2025-09-01,,',
    ].join('\n')
    const res = await admin.upload('/funding/legacy', 'file', 'legacy.csv', bad)
    assert.equal(res.status, 422)
    assert.match(res.text, /Line 3, column setting_urn: no setting has this URN/)
    assert.equal((await legacyRows()).length, before)
    const unreadable = await admin.upload('/funding/legacy', 'file', 'legacy.csv', bad.replace('5000', 'lots'))
    assert.equal(unreadable.status, 422)
    assert.match(unreadable.text, /Line 2, column annual_amount/)
    const failed = await t.database.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'import.legacy_funding')
      .where('outcome', '=', 'failed')
      .execute()
    assert.equal(failed.length, 2)
  })

  it('stores the kind column; a changed kind counts as updated; a bad kind names its line and column', async () => {
    const finance = await signedIn(t.app, 'finance')
    await finance.get('/funding/legacy')
    const file = (kind: string) =>
      ['child_id,setting_urn,annual_amount,start_date,end_date,kind', `F0005,900002,6000,2024-09-01,,${kind}`].join(
        '\n',
      )
    const kindOf = async () =>
      await t.database.db
        .selectFrom('legacy_funding')
        .select(['kind', 'version'])
        .where('child_id', '=', t.fixture.children.eve)
        .executeTakeFirstOrThrow()
    const first = await finance.upload('/funding/legacy', 'file', 'legacy.csv', file(''))
    assert.equal(first.status, 200, first.text)
    assert.deepEqual(await kindOf(), { kind: 'phased', version: 1 })
    const changed = await finance.upload('/funding/legacy', 'file', 'legacy.csv', file('exceptional'))
    assert.equal(changed.status, 200)
    assert.match(changed.text, /Changed\s*<\/dt>\s*<dd[^>]*>\s*1\s/)
    assert.deepEqual(await kindOf(), { kind: 'exceptional', version: 2 })
    const bad = await finance.upload('/funding/legacy', 'file', 'legacy.csv', file('special'))
    assert.equal(bad.status, 422)
    assert.match(bad.text, /Line 2, column kind: must be exceptional or phased/)
    assert.deepEqual(await kindOf(), { kind: 'exceptional', version: 2 })
  })

  it('a case officer may not see or use the import', async () => {
    const officer = await signedIn(t.app, 'officer')
    assert.equal((await officer.get('/funding/legacy')).status, 403)
    await officer.get('/')
    assert.equal((await officer.upload('/funding/legacy', 'file', 'legacy.csv', GOOD)).status, 403)
  })
})

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signedIn, startTestApp, type TestApp } from './support/app.ts'

let t: TestApp
before(async () => {
  t = await startTestApp()
})
after(() => t.close())

describe('special school provision bands', () => {
  it('a finance officer adds a band and changes its amount; the page shows it and each change is audited', async () => {
    const finance = await signedIn(t.app, 'finance')
    const path = `/funding/bands/${t.fixture.settings.special}`
    await finance.get(path)
    const added = await finance.post(path, {
      financialYear: '2027-28',
      code: 'C',
      name: 'Complex needs',
      annual: '£21,350.50',
    })
    assert.equal(added.status, 200, added.text)
    assert.match(added.text, /Band added/)
    assert.match(added.text, /£21,350\.50/)
    const changed = await finance.post(path, {
      financialYear: '2027-28',
      code: 'C',
      name: 'Complex needs',
      annual: '22000',
    })
    assert.match(changed.text, /Band changed/)
    assert.match(changed.text, /£22,000\.00/)
    assert.doesNotMatch(changed.text, /£21,350\.50/)
    const same = await finance.post(path, {
      financialYear: '2027-28',
      code: 'C',
      name: 'Complex needs',
      annual: '22,000.00',
    })
    assert.match(same.text, /Nothing changed/)
    const events = await t.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', 'like', 'special_school_band.%')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      events.map(e => e.action),
      ['special_school_band.added', 'special_school_band.changed'],
    )
  })

  it('names every problem with a band, keeps what was typed, and saves nothing', async () => {
    const finance = await signedIn(t.app, 'finance')
    const path = `/funding/bands/${t.fixture.settings.special}`
    await finance.get(path)
    const res = await finance.post(path, { financialYear: '2027-29', code: 'no spaces', name: '', annual: 'lots' })
    assert.equal(res.status, 400)
    for (const field of ['financialYear', 'code', 'name', 'annual'])
      assert.match(res.text, new RegExp(`href="#${field}"`))
    assert.match(res.text, /value="lots"/)
    const bands = await t.database.db
      .selectFrom('special_school_band')
      .select('code')
      .where('code', '=', 'no spaces')
      .execute()
    assert.equal(bands.length, 0)
  })

  it('has bands only for special schools, and only finance and admin may change them', async () => {
    const finance = await signedIn(t.app, 'finance')
    assert.equal((await finance.get(`/funding/bands/${t.fixture.settings.schoolA}`)).status, 404)
    const manager = await signedIn(t.app, 'manager')
    const page = await manager.get(`/funding/bands/${t.fixture.settings.special}`)
    assert.equal(page.status, 200)
    assert.doesNotMatch(page.text, /Save band/)
    const refused = await manager.post(`/funding/bands/${t.fixture.settings.special}`, {
      financialYear: '2027-28',
      code: 'Z',
      name: 'Z',
      annual: '1',
    })
    assert.equal(refused.status, 403)
    const senco = await signedIn(t.app, 'senco.a')
    assert.equal((await senco.get('/funding/bands')).status, 403)
  })
})

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Client, signedIn, startTestApp, type TestApp } from './support/app.ts'

let t: TestApp
before(async () => {
  t = await startTestApp()
})
after(() => t.close())

describe('sign-in and child records', () => {
  it('signs in, finds a child by name and opens the record', async () => {
    const officer = await signedIn(t.app, 'officer')
    const search = await officer.post('/children/search', { q: 'ada qui' })
    assert.equal(search.status, 303)
    const results = await officer.get('/children')
    assert.match(results.text, /1 child found/)
    assert.match(results.text, new RegExp(`/children/${t.fixture.children.ada}`))
    const record = await officer.get(`/children/${t.fixture.children.ada}`)
    assert.equal(record.status, 200)
    assert.match(record.text, /Ada Quill/)
    assert.match(record.text, /Year 6/)
  })

  it('keeps a school user to their own school: another school’s child is 404 and the attempt is audited', async () => {
    const senco = await signedIn(t.app, 'senco.a')
    assert.equal((await senco.get(`/children/${t.fixture.children.ada}`)).status, 200)
    assert.equal((await senco.get(`/children/${t.fixture.children.eve}`)).status, 404)
    assert.equal((await senco.get(`/api/v1/children/${t.fixture.children.eve}`)).status, 404)
    const denied = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('record_id', '=', t.fixture.children.eve)
      .where('outcome', '=', 'denied')
      .execute()
    assert.equal(denied.length, 2)
    assert.equal(denied[0]!.username, 'senco.a')
  })

  it('refuses a form without its CSRF token', async () => {
    const client = new Client(t.app)
    await client.get('/sign-in')
    const res = await client.post('/sign-in', { username: 'officer', password: 'x' }, { csrf: false })
    assert.equal(res.status, 403)
  })
})

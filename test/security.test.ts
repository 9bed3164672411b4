import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import express from 'express'
import request from 'supertest'
import { createApp } from '../src/platform/http/app.ts'
import { Sessions } from '../src/platform/http/session.ts'
import { Client, signedIn, startTestApp, type TestApp } from './support/app.ts'
import { PASSWORD } from './support/fixture.ts'

let t: TestApp
before(async () => {
  t = await startTestApp({ SIGN_IN_RATE_LIMIT: '1000', SESSION_IDLE_MINUTES: '30' })
})
after(() => t.close())

describe('web security', () => {
  it('sends a fresh CSP nonce with every page and the usual protective headers', async () => {
    const a = await request(t.app).get('/sign-in')
    const b = await request(t.app).get('/sign-in')
    const nonce = (res: request.Response) => /'nonce-([^']+)'/.exec(res.headers['content-security-policy'] ?? '')?.[1]
    assert.ok(nonce(a))
    assert.notEqual(nonce(a), nonce(b))
    assert.ok(a.text.includes(`nonce="${nonce(a)}"`), 'inline script carries the nonce')
    assert.match(a.headers['content-security-policy']!, /frame-ancestors 'none'/)
    assert.equal(a.headers['x-content-type-options'], 'nosniff')
    assert.equal(a.headers['x-powered-by'], undefined)
  })

  it('uses a __Host- session cookie that is Secure, HttpOnly and SameSite, and rotates it at sign-in', async () => {
    const client = new Client(t.app)
    const page = await client.get('/sign-in')
    const setCookie = (page.headers['set-cookie'] as unknown as string[])[0]!
    assert.match(setCookie, /^__Host-opensend=/)
    assert.match(setCookie, /Secure/)
    assert.match(setCookie, /HttpOnly/)
    assert.match(setCookie, /SameSite=Lax/)
    assert.match(setCookie, /Path=\//)
    const before = client.cookie
    const signIn = await client.post('/sign-in', { username: 'officer', password: PASSWORD })
    assert.equal(signIn.status, 303)
    assert.notEqual(client.cookie, before, 'a new session id after sign-in')
    // The pre-sign-in id is dead: it cannot be used to ride the signed-in session.
    const stale = await request(t.app).get('/children').set('Cookie', before)
    assert.equal(stale.status, 303)
    assert.equal(stale.headers.location, '/sign-in')
  })

  it('marks signed-in pages no-store', async () => {
    const officer = await signedIn(t.app, 'officer')
    const res = await officer.get('/children')
    assert.equal(res.status, 200)
    assert.equal(res.headers['cache-control'], 'no-store')
  })

  it('ends an idle session and a signed-out one', async () => {
    const officer = await signedIn(t.app, 'officer')
    t.clock.set(new Date(t.clock.now().getTime() + 31 * 60_000))
    try {
      const res = await officer.get('/children')
      assert.equal(res.status, 303)
      assert.equal(res.headers.location, '/sign-in')
    } finally {
      t.clock.set('2026-11-23T10:00:00Z')
    }
    const manager = await signedIn(t.app, 'manager')
    const cookie = manager.cookie
    assert.equal((await manager.post('/sign-out')).status, 303)
    assert.equal((await request(t.app).get('/children').set('Cookie', cookie)).status, 303)
  })

  it('explains a failed sign-in with a GOV.UK error summary and audits it', async () => {
    const client = new Client(t.app)
    await client.get('/sign-in')
    const empty = await client.post('/sign-in', { username: '', password: '' })
    assert.equal(empty.status, 400)
    assert.match(empty.text, /govuk-error-summary/)
    assert.match(empty.text, /href="#username"/)
    assert.match(empty.text, /href="#password"/)
    const wrong = await client.post('/sign-in', { username: 'officer', password: 'not it' })
    assert.equal(wrong.status, 401)
    assert.match(wrong.text, /Enter a correct username and password/)
    const failures = await t.database.db
      .selectFrom('audit_event')
      .select(['username', 'details'])
      .where('action', '=', 'user.sign_in')
      .where('outcome', '=', 'failed')
      .execute()
    assert.ok(failures.some(f => f.username === 'officer'))
    assert.ok(
      failures.every(f => !JSON.stringify(f.details).includes('not it')),
      'no password in the audit log',
    )
  })

  it('answers unknown pages with the 404 page and the API with problem JSON', async () => {
    const officer = await signedIn(t.app, 'officer')
    const page = await officer.get('/no-such-page')
    assert.equal(page.status, 404)
    assert.match(page.text, /Page not found/)
    const api = await officer.get('/api/v1/no-such-thing')
    assert.equal(api.status, 404)
    assert.match(api.headers['content-type']!, /application\/problem\+json/)
    assert.equal(api.body.status, 404)
  })

  it('answers malformed JSON with 400 problem details', async () => {
    const officer = await signedIn(t.app, 'officer')
    const res = await request(t.app)
      .post('/api/v1/children/search')
      .set('Cookie', officer.cookie)
      .set('x-csrf-token', officer.csrf)
      .set('Content-Type', 'application/json')
      .send('{"q": ')
    assert.equal(res.status, 400)
    assert.equal(res.body.title, 'Bad request')
  })

  it('asks anonymous visitors to sign in: pages redirect, the API says 401', async () => {
    const page = await request(t.app).get('/children')
    assert.equal(page.status, 303)
    assert.equal(page.headers.location, '/sign-in')
    const api = await request(t.app).get('/api/v1/children')
    assert.equal(api.status, 401)
  })

  it('reports health with the database kind and migration level, without signing in', async () => {
    const res = await request(t.app).get('/health')
    assert.equal(res.status, 200)
    assert.equal(res.body.database, process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite')
    assert.ok(res.body.migrationLevel >= 1)
  })

  it('audits a child-record read without the child’s personal details', async () => {
    const officer = await signedIn(t.app, 'officer')
    await officer.get(`/children/${t.fixture.children.ada}`)
    const events = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'child.read')
      .where('record_id', '=', t.fixture.children.ada)
      .execute()
    assert.ok(events.length >= 1)
    const text = JSON.stringify(events)
    for (const secret of ['Ada', 'Quill', 'J999900125001', '2016-03-14']) assert.ok(!text.includes(secret), secret)
    assert.equal(events.at(-1)!.username, 'officer')
  })

  it('shows a generic error page with no stack trace when something breaks', async () => {
    const broken = express.Router()
    broken.get('/boom', () => {
      throw new Error('secret internal detail')
    })
    const app = createApp({
      config: t.config,
      database: t.database,
      sessions: new Sessions(t.database.db, t.clock, { secureCookies: true, idleMinutes: 30 }),
      loadActor: async () => null,
      modules: [{ router: broken, publicPaths: ['/boom'] }],
    })
    const res = await request(app).get('/boom')
    assert.equal(res.status, 500)
    assert.match(res.text, /Sorry, there is a problem with the service/)
    assert.ok(!res.text.includes('secret internal detail'))
    assert.ok(!res.text.includes('at '), 'no stack frames')
  })
})

describe('sign-in rate limit', () => {
  it('refuses further attempts from one address after the limit', async () => {
    const limited = await startTestApp({ SIGN_IN_RATE_LIMIT: '3' })
    try {
      const client = new Client(limited.app)
      await client.get('/sign-in')
      const statuses = []
      for (let i = 0; i < 4; i++)
        statuses.push((await client.post('/sign-in', { username: 'officer', password: 'wrong' })).status)
      assert.deepEqual(statuses, [401, 401, 401, 429])
    } finally {
      await limited.close()
    }
  })
})

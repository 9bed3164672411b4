// Fuzzing (issue 9, item 5): every POST route in test/authorisation-table.ts, sent arbitrary form
// fields or JSON bodies with a valid CSRF token by a role allowed to use it, answers 2xx/3xx/4xx,
// never 5xx and never a stack trace; the CSV readers take arbitrary bytes without hanging; an XLSX
// zip bomb sent to an import is refused without being inflated.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import JSZip from 'jszip'
import request from 'supertest'
import { PARAMS, TABLE, USERS, type Row, type Who } from './authorisation-table.ts'
import { Client, signedIn, startTestApp } from './support/app.ts'
import { LA, loadModerationFixture, TODAY } from './support/fixture.ts'
import { loadBudgetDemo } from '../src/planning/budget-demo.ts'
import { loadProgrammeDemo } from '../src/programme/demo.ts'
import { loadCaseworkFixture } from './support/casework-fixture.ts'
import { loadReviewFixture } from './support/review-fixture.ts'
import { loadDisputeFixture } from './support/dispute-fixture.ts'
import { ROLES } from '../src/platform/actor.ts'
import { parseImport } from '../src/people/rules/import-rows.ts'
import { parseLegacyFunding } from '../src/funding/rules/legacy-rows.ts'
import { parsePublishedCsv } from '../src/insight/rules/published.ts'
import { FORECAST_FILES, readPublishedSeries } from '../src/planning/rules/forecast-published.ts'
import { utf8 } from '../src/platform/http/upload.ts'
import { readForecastRelease } from '../src/planning/forecast-published.ts'

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 12)

const t = await startTestApp()
await loadModerationFixture(t.database.db, t.fixture)
await loadCaseworkFixture(t.database.db, t.fixture)
await loadReviewFixture(t.database.db, t.fixture)
await loadDisputeFixture(t.database.db, t.fixture)
await loadBudgetDemo(t.database.db, LA, TODAY)
t.fixture.programme = (await loadProgrammeDemo(t.database.db, LA, TODAY)).first
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
const formValue = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
)
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
  assert.doesNotMatch(
    res.text ?? '',
    /\n\s+at [^\n]*\(|node_modules|\/src\/[\w/-]+\.ts/,
    `${what}: a stack trace or path`,
  )
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
          const res = api
            ? await postRawJson(client, path, body)
            : await client.post(path, body as Record<string, string>)
          assertHandled(res, `${row.route} with ${JSON.stringify(body).slice(0, 300)}`)
          // A 403 here would mean the CSRF token was lost, and the route never reached.
          if (res.status === 403) assert.doesNotMatch(res.text, /could not be submitted|CSRF/)
        }),
        { numRuns: RUNS_PER_ROUTE },
      )
    })
  }
})

describe('what the fuzzing found', () => {
  it('a matrix save with a field sent twice (an array) is the validation answer, not a 500', async () => {
    const client = await clientFor('la_admin')
    const path = pathFor('POST /children/:childId/awards/:awardId/save')
    const res = await client.post(path, { rationale: ['0', '0'] } as unknown as Record<string, string>)
    assertHandled(res, 'repeated rationale')
    assert.equal(res.status, 400)
  })
})

// The CSV readers are synchronous, so each call is timed against a deadline rather than cut off.
const DEADLINE_MS = 2000

describe('the CSV readers take arbitrary bytes without hanging or throwing', () => {
  // Bytes as they arrive, and bytes that look like CSV (commas, quotes, line ends) to reach the parsers' corners.
  const csvish = fc
    .array(fc.oneof(fc.constantFrom(',', '"', '\r\n', '\n', '\r', '""', 'a', '1', '\u00e9', '\ufeff'), fc.string()), {
      maxLength: 200,
    })
    .map(parts => Buffer.from(parts.join(''), 'utf8'))
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 4000 }).map(b => Buffer.from(b)),
    csvish,
  )
  // The forecast reader serves the command line, which reports a thrown error; the upload readers must not throw.
  const readers: [string, (text: string) => unknown, { mayThrow?: boolean }?][] = [
    ['settings import', text => parseImport('settings', text, TODAY)],
    ['children import', text => parseImport('children', text, TODAY)],
    ['placements import', text => parseImport('placements', text, TODAY)],
    ['legacy funding', text => parseLegacyFunding(text)],
    ['published statistics', text => parsePublishedCsv(text)],
    [
      'published forecast',
      text => readPublishedSeries(FORECAST_FILES.map(name => ({ name, text }))),
      { mayThrow: true },
    ],
  ]
  for (const [name, read, { mayThrow = false } = {}] of readers) {
    it(`${name}: answers within ${DEADLINE_MS} ms`, () => {
      fc.assert(
        fc.property(bytes, buffer => {
          // The app refuses text that is not UTF-8 before parsing; the lossy decoding reaches the parser anyway.
          const text = utf8(buffer) ?? buffer.toString('utf8')
          const started = performance.now()
          try {
            read(text)
          } catch (error) {
            if (!mayThrow) throw error
          }
          const took = performance.now() - started
          assert.ok(took < DEADLINE_MS, `${name} took ${Math.round(took)} ms on ${buffer.length} bytes`)
        }),
        { numRuns: 150 },
      )
    })
  }
})

describe('an XLSX zip bomb is refused before anything inflates it', () => {
  const INFLATED = 150 * 1024 * 1024
  const bomb = (async () => {
    const zip = new JSZip()
    zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types/>')
    zip.file('xl/worksheets/sheet1.xml', Buffer.alloc(INFLATED, 0x41))
    return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } })
  })()

  it('is small on the wire and large unpacked', async () => {
    const buffer = await bomb
    assert.ok(buffer.length < 1024 * 1024, `${buffer.length} bytes`)
    const zip = await JSZip.loadAsync(buffer)
    const sheet = zip.files['xl/worksheets/sheet1.xml'] as unknown as { _data: { uncompressedSize: number } }
    assert.equal(sheet._data.uncompressedSize, INFLATED)
  })

  for (const path of ['/imports', '/funding/legacy']) {
    it(`POST ${path} (CSV only) refuses it, even named .csv, with a 400 asking for a CSV, quickly`, async () => {
      const buffer = await bomb
      const client = await clientFor('la_admin')
      const started = performance.now()
      // Named .csv, so the refusal is by what the bytes are, not by the name.
      const res = await client.upload(path, 'file', 'children.csv', buffer, { kind: 'children' })
      const took = performance.now() - started
      assertHandled(res, `zip bomb to ${path}`)
      assert.equal(res.status, 400)
      assert.match(res.text, /The selected file must be a CSV/)
      assert.ok(took < 2000, `${Math.round(took)} ms`)
    })
  }

  it('POST /insight/published (which reads release zips) refuses it by its declared size, before inflating', async () => {
    const buffer = await bomb
    const client = await clientFor('la_admin')
    const started = performance.now()
    const res = await client.upload('/insight/published', 'file', 'release.zip', buffer)
    const took = performance.now() - started
    assertHandled(res, 'zip bomb to /insight/published')
    assert.equal(res.status, 422)
    assert.match(res.text, /would unpack to more than 100 MB/)
    assert.ok(took < 2000, `${Math.round(took)} ms`)
  })

  it('the forecast reader (a release zip on the command line) refuses it before inflating', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bomb-'))
    const file = join(dir, 'release_2025.zip')
    const zip = new JSZip()
    zip.file('caseload.csv', Buffer.alloc(INFLATED, 0x41))
    writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }))
    try {
      await assert.rejects(readForecastRelease(file), /unpacks to more than any DfE release/)
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})

// Fuzzing (issue 9, item 5): every POST route in test/authorisation-table.ts, sent arbitrary form
// fields or JSON bodies with a valid CSRF token by a role allowed to use it, every GET route sent
// arbitrary query strings, and every upload route sent arbitrary multipart bodies, answers
// 2xx/3xx/4xx, never 5xx and never a stack trace; the CSV readers take arbitrary bytes without
// hanging; an XLSX zip bomb sent to an import is refused without being inflated.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import JSZip from 'jszip'
import request from 'supertest'
import { startAppForEveryRoute } from './support/every-route.ts'
import { PARAMS, TABLE, USERS, type Row, type Who } from './authorisation-table.ts'
import { Client, signedIn } from './support/app.ts'
import { TODAY } from './support/fixture.ts'
import { ROLES } from '../src/platform/actor.ts'
import { COLUMNS, parseImport } from '../src/people/rules/import-rows.ts'
import { LEGACY_COLUMNS, parseLegacyFunding } from '../src/funding/rules/legacy-rows.ts'
import { ACTION_COLUMNS, ITEM_COLUMNS } from '../src/programme/rules/rows.ts'
import { parsePublishedCsv } from '../src/insight/rules/published.ts'
import { FORECAST_FILES, readPublishedSeries } from '../src/planning/rules/forecast-published.ts'
import { utf8 } from '../src/platform/http/upload.ts'
import { readForecastRelease } from '../src/planning/forecast-published.ts'

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 12)

const t = await startAppForEveryRoute()
after(() => t.close())

/** The text of every file under `dir` whose name ends so (test files left out). */
function sourceTexts(dir: string, ending: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter(f => f.endsWith(ending) && !f.endsWith('.test.ts'))
    .map(f => readFileSync(join(dir, f), 'utf8'))
}

/** Every field name the app's forms use, read from the templates, so the fuzz reaches past "field missing". */
function formFieldNames(dir: string): string[] {
  const names = new Set<string>()
  for (const text of sourceTexts(dir, '.njk'))
    for (const m of text.matchAll(/name(?:: ?|=)["']([A-Za-z_][\w.-]*)["']/g)) names.add(m[1]!)
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

// Query strings (GET). Keys: every name a form or a filter uses, the names the handlers read from
// req.query, and odd ones; values: anything a field can hold, repeated keys (an array), and raw text
// with malformed percent-encoding that no browser would send but a script might.
const GET_RUNS_PER_ROUTE = Number(process.env.FUZZ_GET_RUNS ?? 10)

/** Every req.query.name a handler reads, and the names the dashboards' filter schema takes. */
function queryNames(dir: string): string[] {
  const names = new Set<string>()
  for (const text of sourceTexts(dir, '.ts')) for (const m of text.matchAll(/\bquery\.(\w+)/g)) names.add(m[1]!)
  const filters = readFileSync(join(dir, 'insight', 'dashboard-filters.ts'), 'utf8')
  for (const m of filters.matchAll(/^ {2}(\w+): /gm)) names.add(m[1]!)
  return [...names].sort()
}
const QUERY_KEYS = [...new Set([...queryNames('src'), ...FIELDS])].sort()

/** Percent-encodes every byte of the UTF-8 (a lone surrogate becomes U+FFFD, as a browser would send it). */
const encode = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map(b =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('')
// Sent as they are: broken escapes, overlong and invalid UTF-8, NULs, and the separators themselves.
const rawPiece = fc.oneof(
  fc.constantFrom(
    '%',
    '%%',
    '%zz',
    '%4',
    '%E0%A4%A',
    '%C0%AF',
    '%ED%A0%80',
    '%FF%FE',
    '%00',
    '%uD800',
    '+',
    '=',
    '==',
    '&',
    ';',
    '[]',
    '[0]',
    '%5B%5D',
    '..%2F..%2F',
  ),
  fc.stringMatching(/^[!$'()*+,\-./:;=?@[\]^_`{|}~A-Za-z0-9%]{0,20}$/),
)
const queryKey = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...QUERY_KEYS).map(encode) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'a[b]', 'a[]').map(encode),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map(encode) },
  { weight: 1, arbitrary: rawPiece },
  { weight: 1, arbitrary: fc.constant('k'.repeat(2000)) },
)
const queryScalar = fc.oneof(
  { weight: 4, arbitrary: scalar.filter(v => v.length < 2000).map(encode) },
  { weight: 1, arbitrary: fc.constant(encode('x'.repeat(2000))) },
  { weight: 2, arbitrary: rawPiece },
)
// A pair, a key repeated with several values (an array), or a key with no '=' at all.
const queryPart = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(queryKey, queryScalar).map(([k, v]) => `${k}=${v}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(queryKey, fc.array(queryScalar, { minLength: 2, maxLength: 4 }))
      .map(([k, vs]) => vs.map(v => `${k}=${v}`).join('&')),
  },
  { weight: 1, arbitrary: queryKey },
  { weight: 1, arbitrary: rawPiece },
)
const queryString = fc
  .tuple(fc.array(queryPart, { maxLength: 8 }), fc.constantFrom('&', '&', '&', ';', '&&'))
  .map(([parts, sep]) => parts.join(sep))

describe('fuzzing every GET route with arbitrary query strings', () => {
  // The answers across all routes: the fuzz must reach both pages shown and filters refused.
  const statuses = new Map<number, number>()
  for (const row of TABLE.filter(r => r.route.startsWith('GET '))) {
    const who = allowedRole(row)
    if (!who) continue
    const path = pathFor(row.route)
    it(`${row.route} as ${who}: never 5xx, never a stack trace`, async () => {
      const client = who === 'anonymous' ? undefined : await clientFor(who)
      await fc.assert(
        fc.asyncProperty(queryString, async query => {
          const res = await request(t.app)
            .get(`${path}?${query}`)
            .set('Cookie', client?.cookie ?? '')
          assertHandled(res, `${row.route}?${query.slice(0, 300)}`)
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        }),
        { numRuns: GET_RUNS_PER_ROUTE },
      )
    })
  }
  it('reached both pages shown and filters refused', ctx => {
    const seen = [...statuses].sort(([a], [b]) => a - b)
    ctx.diagnostic(`answers to ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests: ${JSON.stringify(seen)}`)
    assert.ok(statuses.has(200) && statuses.has(400), JSON.stringify(seen))
  })
})

// Multipart bodies on the upload routes: arbitrary bytes, wrong or missing content types and
// boundaries, truncated bodies, too many parts, huge field names and file names. The CSRF token goes
// in the header, so the body is what reaches the route (a garbled _csrf field is refused with 403).
const MULTIPART_RUNS_PER_ROUTE = Number(process.env.FUZZ_MULTIPART_RUNS ?? 100)

/** The paths each module declares as taking uploads (`uploadPaths: [...]`). */
function uploadPaths(dir: string): string[] {
  const paths = new Set<string>()
  for (const text of sourceTexts(dir, '.ts'))
    for (const m of text.matchAll(/uploadPaths: \[([^\]]*)\]/g))
      for (const p of m[1]!.matchAll(/'([^']+)'/g)) paths.add(p[1]!)
  return [...paths].sort()
}
const UPLOAD_PATHS = uploadPaths('src')

const uploadBytes = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map(b => Buffer.from(b)),
  fc
    .array(fc.oneof(fc.constantFrom(',', '"', '\r\n', '\n', 'a', '1', '\ufeff', 'PK\u0003\u0004'), fc.string()), {
      maxLength: 100,
    })
    .map(parts => Buffer.from(parts.join(''), 'utf8')),
)
// A CSV with an importer's own header line and rows of anything, so the fuzz reaches past "unknown columns".
const HEADERS = [...Object.values(COLUMNS), LEGACY_COLUMNS, ACTION_COLUMNS, ITEM_COLUMNS].map(columns =>
  columns.join(','),
)
const headedCsv = fc
  .tuple(
    fc.constantFrom(...HEADERS),
    fc.array(
      fc.array(
        fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '2026-01-01', '1', 'ehcp', '"', '""', 'a,b')),
        {
          maxLength: 12,
        },
      ),
      { maxLength: 5 },
    ),
  )
  .map(([header, rows]) => Buffer.from([header, ...rows.map(r => r.join(','))].join('\r\n'), 'utf8'))
const partName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('file', 'kind', 'year', 'release') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant('n'.repeat(20_000)) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'file[]', '') },
)
const fileName = fc.oneof(
  fc.constantFrom('children.csv', 'release.zip', 'plan.xlsx', '../../etc/passwd.csv', '.csv', 'a.CSV', ''),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constant(`${'f'.repeat(5000)}.csv`),
)
const part = fc.record(
  {
    name: partName,
    filename: fileName,
    type: fc.constantFrom('text/csv', 'application/zip', 'application/octet-stream', 'text/plain; charset=latin1', ''),
    body: fc.oneof(
      uploadBytes,
      fc.constantFrom('children', 'settings', 'actions', 'items', '').map(s => Buffer.from(s)),
    ),
  },
  { requiredKeys: ['name', 'body'] },
)
type Part = { name: string; filename?: string; type?: string; body: Buffer }
const multipart = fc
  .record({
    // Mostly shaped like the forms' uploads (a kind, then a file), with extra parts around them.
    parts: fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .tuple(
            fc.constantFrom('children', 'settings', 'placements', 'actions', 'items', 'nonsense'),
            fileName,
            fc.oneof(headedCsv, uploadBytes),
            fc.array(part, { maxLength: 2 }),
          )
          .map(([kind, filename, body, extra]): Part[] => [
            { name: 'kind', body: Buffer.from(kind) },
            { name: 'file', filename, type: 'text/csv', body },
            ...extra,
          ]),
      },
      { weight: 1, arbitrary: fc.array(part, { maxLength: 8 }).map((ps): Part[] => ps) },
    ),
    boundary: fc.oneof(
      { weight: 3, arbitrary: fc.constant('----fuzz0boundary') },
      { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,70}$/) },
    ),
    // How the Content-Type header describes the body.
    header: fc.constantFrom(
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'none',
      'no-boundary',
      'empty-boundary',
      'other-boundary',
      'mixed',
      'csv',
      'form',
      'json',
    ),
    // Cut the body short (a dropped connection's worth), or leave off the closing boundary.
    cut: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
    unclosed: fc.nat(4).map(n => n === 0),
    // Or no multipart structure at all.
    raw: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: uploadBytes }),
  })
  .map(({ parts, boundary, header, cut, unclosed, raw }) => {
    let body =
      raw ??
      Buffer.concat([
        ...parts.map(p =>
          Buffer.concat([
            Buffer.from(
              `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"` +
                (p.filename !== undefined ? `; filename="${p.filename}"` : '') +
                '\r\n' +
                (p.type ? `Content-Type: ${p.type}\r\n` : '') +
                '\r\n',
            ),
            p.body,
            Buffer.from('\r\n'),
          ]),
        ),
        Buffer.from(unclosed ? '' : `--${boundary}--\r\n`),
      ])
    if (cut !== null && body.length > 0) body = body.subarray(0, cut % body.length)
    const type = {
      right: `multipart/form-data; boundary="${boundary}"`,
      none: undefined,
      'no-boundary': 'multipart/form-data',
      'empty-boundary': 'multipart/form-data; boundary=',
      'other-boundary': 'multipart/form-data; boundary=not-the-one',
      mixed: `multipart/mixed; boundary=${boundary}`,
      csv: 'text/csv',
      form: 'application/x-www-form-urlencoded',
      json: 'application/json',
    }[header]
    return { body, type, summary: `${header}, ${parts.length} parts, ${body.length} bytes` }
  })

describe('fuzzing the upload routes with arbitrary multipart bodies', () => {
  it('finds the upload routes', () => assert.ok(UPLOAD_PATHS.length >= 4, UPLOAD_PATHS.join(', ')))
  const answers = new Map<string, Set<number>>()
  for (const path of UPLOAD_PATHS) {
    const row = TABLE.find(r => r.route === `POST ${path}`)
    const who = row && allowedRole(row)
    if (!who) continue
    it(`POST ${path} as ${who}: never 5xx, never a stack trace`, async () => {
      const client = await clientFor(who)
      // Past the CSRF check (403) to the route's own answers: refusals of the file, and some accepted.
      const statuses = new Set<number>()
      answers.set(path, statuses)
      await fc.assert(
        fc.asyncProperty(multipart, async ({ body, type, summary }) => {
          let req = request(t.app).post(path).set('Cookie', client.cookie).set('x-csrf-token', client.csrf)
          if (type) req = req.set('Content-Type', type)
          const res = await req.send(body)
          assertHandled(res, `POST ${path}: ${summary}`)
          statuses.add(res.status)
        }),
        { numRuns: MULTIPART_RUNS_PER_ROUTE },
      )
      assert.ok(
        [...statuses].some(s => s !== 403),
        [...statuses].join(', '),
      )
    })
  }
  it('reports what the routes answered', ctx => {
    for (const [path, statuses] of answers) ctx.diagnostic(`POST ${path}: ${[...statuses].sort().join(', ')}`)
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

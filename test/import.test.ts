import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import request from 'supertest'
import { AccountService } from '../src/people/accounts.ts'
import { ImportRejected, ImportService } from '../src/people/import-service.ts'
import { COLUMNS } from '../src/people/rules/import-rows.ts'
import { upnCheckLetter } from '../src/people/rules/upn.ts'
import type { Actor } from '../src/platform/actor.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { LA } from './support/fixture.ts'

const UPLOAD_LIMIT = 64 * 1024
const root = fileURLToPath(new URL('../', import.meta.url))

const upn = (body: string) => upnCheckLetter(body) + body
const file = (kind: keyof typeof COLUMNS, ...rows: string[]) => [COLUMNS[kind].join(','), ...rows].join('\r\n') + '\r\n'

const SETTINGS = file(
  'settings',
  '900001,Alder Primary School,mainstream,primary,la_maintained,N,no,',
  '900010,Elm Nursery,early_years,early_years,private_voluntary,S,no,',
  '9000111,Faraway Independent Special School,independent,all_through,independent,,yes,',
)
const CHILDREN = file(
  'children',
  `I0001,${upn('999901000001')},Iris,Moss,2017-05-04,F,ehcp,2024-02-01,ASD,SLCN`,
  'I0002,,Jon,Fern,2014-11-30,M,sen_support,,NSA,',
  'I0003,,Kit,"O\'Hara, Jr",2019-01-15,U,none,,,',
)
const PLACEMENTS = file(
  'placements',
  'I0001,,900001,2021-09-01,,1,no',
  `,${upn('999901000001')},900002,2020-09-01,2021-07-20,1,no`,
  'I0002,,900003,2022-09-05,,1,yes',
)

let t: TestApp
let admin: Client
before(async () => {
  t = await startTestApp({ UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT) })
  admin = await signedIn(t.app, 'admin')
})
after(() => t.close())

const db = () => t.database.db
const childRows = () =>
  db()
    .selectFrom('child')
    .select(['local_id', 'version', 'updated_at'])
    .where('la_code', '=', LA)
    .orderBy('local_id')
    .execute()
const count = async (table: 'child' | 'setting' | 'placement' | 'child_need') =>
  Number(
    (
      await db()
        .selectFrom(table)
        .select(eb => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

function apiImport(client: Client, kind: string, body: string, { csrf = true } = {}) {
  const req = request(t.app).post(`/api/v1/imports/${kind}`).set('Cookie', client.cookie).type('text/csv')
  if (csrf) req.set('x-csrf-token', client.csrf)
  return req.send(body)
}

describe('CSV import', () => {
  it('imports settings, children and placements, and a second import of the same files changes nothing', async () => {
    const first = await apiImport(admin, 'settings', SETTINGS)
    assert.equal(first.status, 200, first.text)
    assert.deepEqual(first.body, { kind: 'settings', rows: 3, inserted: 2, updated: 0, unchanged: 1 })

    const upload = await admin.upload('/imports', 'file', 'children.csv', CHILDREN, { kind: 'children' })
    assert.equal(upload.status, 303)
    assert.equal(upload.headers.location, '/imports/result')
    const result = await admin.get('/imports/result')
    assert.equal(result.status, 200)
    assert.match(result.text, /File imported/)
    assert.match(result.text, /Added\s*<\/dt>\s*<dd[^>]*>\s*3\s*</)

    const placements = await apiImport(admin, 'placements', PLACEMENTS)
    assert.equal(placements.status, 200, placements.text)
    assert.deepEqual(placements.body, { kind: 'placements', rows: 3, inserted: 3, updated: 0, unchanged: 0 })

    const iris = await db().selectFrom('child').selectAll().where('local_id', '=', 'I0001').executeTakeFirstOrThrow()
    assert.equal(iris.upn, upn('999901000001'))
    const needs = await db()
      .selectFrom('child_need')
      .select(['rank', 'need_code'])
      .where('child_id', '=', iris.id)
      .orderBy('rank')
      .execute()
    assert.deepEqual(needs, [
      { rank: 1, need_code: 'ASD' },
      { rank: 2, need_code: 'SLCN' },
    ])
    const kit = await db().selectFrom('child').selectAll().where('local_id', '=', 'I0003').executeTakeFirstOrThrow()
    assert.equal(kit.last_name, "O'Hara, Jr")

    const before = {
      children: await childRows(),
      settings: await db().selectFrom('setting').selectAll().orderBy('urn').execute(),
    }
    const tables = {
      child: await count('child'),
      setting: await count('setting'),
      placement: await count('placement'),
      need: await count('child_need'),
    }
    for (const [kind, text] of [
      ['settings', SETTINGS],
      ['children', CHILDREN],
      ['placements', PLACEMENTS],
    ] as const) {
      const again = await apiImport(admin, kind, text)
      assert.equal(again.status, 200)
      assert.deepEqual(again.body, { kind, rows: 3, inserted: 0, updated: 0, unchanged: 3 })
    }
    assert.deepEqual(await childRows(), before.children)
    assert.deepEqual(await db().selectFrom('setting').selectAll().orderBy('urn').execute(), before.settings)
    assert.deepEqual(
      {
        child: await count('child'),
        setting: await count('setting'),
        placement: await count('placement'),
        need: await count('child_need'),
      },
      tables,
    )
  })

  it('updates a changed row, moves its version, and leaves the rest alone', async () => {
    const changed = CHILDREN.replace('Jon,Fern', 'Jon,Fernside').replace('ASD,SLCN', 'ASD,')
    const before = new Map((await childRows()).map(r => [r.local_id, r.version]))
    const res = await apiImport(admin, 'children', changed)
    assert.deepEqual(res.body, { kind: 'children', rows: 3, inserted: 0, updated: 2, unchanged: 1 })
    const after = new Map((await childRows()).map(r => [r.local_id, r.version]))
    assert.equal(after.get('I0001'), before.get('I0001')! + 1, 'a change of need alone is a change')
    assert.equal(after.get('I0002'), before.get('I0002')! + 1)
    assert.equal(after.get('I0003'), before.get('I0003'))
    await apiImport(admin, 'children', CHILDREN)
  })

  it('imports nothing from a file with one bad row, and names its line and column', async () => {
    const children = await count('child')
    const bad = file(
      'children',
      'N0001,,Lena,Hart,2015-04-01,F,sen_support,,MLD,',
      'N0002,,Max,Hart,2015-02-30,M,sen_support,,MLD,',
      'N0003,,Nia,Hart,2016-04-01,F,sen_support,,SEMH,',
    )
    const page = await admin.upload('/imports', 'file', 'children.csv', bad, { kind: 'children' })
    assert.equal(page.status, 422)
    assert.match(page.text, /There is a problem/)
    assert.match(page.text, /Line 3, column date_of_birth: must be a real date/)
    assert.match(page.text, /Nothing from the file was saved/)
    const api = await apiImport(admin, 'children', bad)
    assert.equal(api.status, 422)
    assert.match(api.headers['content-type']!, /application\/problem\+json/)
    assert.deepEqual(api.body.errors, [
      { line: 3, column: 'date_of_birth', message: 'must be a real date written YYYY-MM-DD' },
    ])
    assert.equal(await count('child'), children)
  })

  it('lists every bad row, not just the first', async () => {
    const bad = file(
      'children',
      'N0001,,Lena,Hart,2015-04-01,F,sen_support,,MLD,',
      'N0002,,,Hart,2015-04-01,M,sen_support,,MLD,',
      'N0003,,Nia,Hart,2016-04-01,F,ehcp,,SEMH,',
      'N0004,,Oli,Hart,2016-04-01,Q,sen_support,,SEMH,SEMH',
      'N0001,,Lena,Hart,2015-04-01,F,sen_support,,MLD,',
    )
    const api = await apiImport(admin, 'children', bad)
    assert.equal(api.status, 422)
    assert.deepEqual(
      (api.body.errors as { line: number; column: string }[]).map(e => `${e.line}:${e.column}`),
      ['3:first_name', '4:ehcp_start_date', '5:sex', '5:secondary_need', '6:local_id'],
    )
    const page = await admin.upload('/imports', 'file', 'children.csv', bad, { kind: 'children' })
    for (const line of [3, 4, 5, 6]) assert.match(page.text, new RegExp(`numeric">${line}</td>`))
  })

  it('checks references against the database and rolls back rows already written', async () => {
    const placements = await count('placement')
    const unknown = await apiImport(
      admin,
      'placements',
      file(
        'placements',
        'I0001,,123456,2024-09-01,,2,no',
        'ZZZ9,,900001,2024-09-01,,2,no',
        `I0002,${upn('999901000001')},900001,2024-09-01,,2,no`,
      ),
    )
    assert.equal(unknown.status, 422)
    assert.deepEqual(unknown.body.errors, [
      { line: 2, column: 'urn', message: 'no setting of this authority has this URN' },
      { line: 3, column: 'local_id', message: 'no child has this local_id' },
      { line: 4, column: 'upn', message: 'belongs to a different child from the local_id' },
    ])

    // Line 2 is new and fine; line 3 overlaps a placement already recorded: found only after
    // writing, so line 2's insert must be rolled back with it.
    const overlap = await apiImport(
      admin,
      'placements',
      file('placements', 'F0005,,900003,2024-01-08,,2,no', 'F0001,,900002,2024-09-02,,1,no'),
    )
    assert.equal(overlap.status, 422)
    assert.deepEqual(overlap.body.errors, [
      {
        line: 3,
        column: 'start_date',
        message: 'overlaps this child’s placement at URN 900001 starting 2021-09-01 (same rank)',
      },
    ])
    assert.equal(await count('placement'), placements)

    const locality = await apiImport(
      admin,
      'settings',
      file('settings', '900020,Gorse School,mainstream,primary,academy,ZZ,no,'),
    )
    assert.deepEqual(locality.body.errors, [
      { line: 2, column: 'locality_code', message: 'is not one of this authority’s locality codes' },
    ])

    const taken = await apiImport(
      admin,
      'children',
      file('children', `N0009,${upn('999901000001')},Pip,Hart,2015-04-01,F,none,,,`),
    )
    assert.deepEqual(taken.body.errors, [
      { line: 2, column: 'upn', message: 'is already recorded for another child (local_id I0001)' },
    ])
  })

  it('audits imports with counts only, and refused imports as failed', async () => {
    const events = await db()
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'username', 'details'])
      .where('action', 'like', 'import.%')
      .orderBy('id')
      .execute()
    const ok = events.find(e => e.action === 'import.children' && e.outcome === 'allowed')!
    assert.equal(ok.username, 'admin')
    assert.deepEqual(Object.keys(ok.details as object).sort(), ['inserted', 'rows', 'unchanged', 'updated'])
    const failed = events.filter(e => e.outcome === 'failed')
    assert.ok(failed.length >= 3)
    assert.ok(
      failed.every(
        e =>
          Object.keys(e.details as object)
            .sort()
            .join() === 'errors,lines',
      ),
    )
    assert.doesNotMatch(JSON.stringify(events), /Iris|Moss|Hart|999901000001/)
  })

  it('lets only an LA admin import, and records refused attempts', async () => {
    for (const username of ['manager', 'officer', 'panel', 'finance', 'senco.a']) {
      const user = await signedIn(t.app, username)
      assert.equal((await user.get('/imports')).status, 403, username)
      assert.equal((await user.get('/imports/result')).status, 403, username)
      assert.equal(
        (await user.upload('/imports', 'file', 'c.csv', CHILDREN, { kind: 'children' })).status,
        403,
        username,
      )
      assert.equal((await apiImport(user, 'children', CHILDREN)).status, 403, username)
      assert.doesNotMatch((await user.get('/')).text, /href="\/imports"/)
    }
    assert.match((await admin.get('/')).text, /href="\/imports"/)
    const denied = await db()
      .selectFrom('audit_event')
      .select('username')
      .where('action', '=', 'import')
      .where('outcome', '=', 'denied')
      .execute()
    assert.equal(denied.length, 10)
    assert.equal((await request(t.app).post('/api/v1/imports/children').type('text/csv').send(CHILDREN)).status, 401)
  })

  it('needs the CSRF token on the upload and on the API', async () => {
    const noToken = await request(t.app)
      .post('/imports')
      .set('Cookie', admin.cookie)
      .field('kind', 'children')
      .attach('file', Buffer.from(CHILDREN), 'children.csv')
    assert.equal(noToken.status, 403)
    assert.match(noToken.text, /CSRF|expired|security/i)
    assert.equal((await apiImport(admin, 'children', CHILDREN, { csrf: false })).status, 403)
  })

  it('refuses an oversize upload clearly, before importing anything', async () => {
    const children = await count('child')
    const rows = Array.from({ length: 1500 }, (_, i) => `B${i},,Big,File,2015-04-01,F,sen_support,,MLD,`)
    const big = file('children', ...rows)
    assert.ok(big.length > UPLOAD_LIMIT)
    const page = await admin.upload('/imports', 'file', 'children.csv', big, { kind: 'children' })
    assert.equal(page.status, 413)
    assert.match(page.text, /The selected file must be smaller than 0.1 MB/)
    const api = await apiImport(admin, 'children', big)
    assert.equal(api.status, 413)
    assert.equal(api.body.title, 'Request too large')
    assert.equal(await count('child'), children)
  })

  it('explains a form sent without a kind or a file, or with the wrong kind of file', async () => {
    const noKind = await admin.upload('/imports', 'file', 'children.csv', CHILDREN)
    assert.equal(noKind.status, 400)
    assert.match(noKind.text, /Select what the file contains/)
    const noFile = await admin.post('/imports', { kind: 'children' })
    assert.equal(noFile.status, 400)
    assert.match(noFile.text, /Select a CSV file/)
    const multipartNoFile = await request(t.app)
      .post('/imports')
      .set('Cookie', admin.cookie)
      .field('_csrf', admin.csrf)
      .field('kind', 'children')
    assert.equal(multipartNoFile.status, 400)
    assert.match(multipartNoFile.text, /Select a CSV file/)
    const xlsx = await admin.upload('/imports', 'file', 'children.xlsx', 'PK\u0003\u0004', { kind: 'children' })
    assert.match(xlsx.text, /The selected file must be a CSV/)
    const latin1 = await admin.upload('/imports', 'file', 'children.csv', Buffer.from([0x6e, 0xe9, 0x0a]), {
      kind: 'children',
    })
    assert.match(latin1.text, /must be saved as CSV UTF-8/)
    assert.equal((await apiImport(admin, 'pupils', CHILDREN)).status, 404)
  })

  it('imports through the service directly, throwing every row error', async () => {
    const service = new ImportService(db(), LA, t.clock)
    const actor: Actor = await new AccountService(db(), LA).systemActor()
    assert.equal(actor.role, 'la_admin')
    assert.deepEqual(await service.import(actor, 'settings', SETTINGS), {
      kind: 'settings',
      rows: 3,
      inserted: 0,
      updated: 0,
      unchanged: 3,
    })
    await assert.rejects(
      service.import(actor, 'children', file('children', 'X1,,A,B,2099-01-01,F,none,,,')),
      (error: unknown) => {
        assert.ok(error instanceof ImportRejected)
        assert.deepEqual(error.rowErrors, [{ line: 2, column: 'date_of_birth', message: 'must not be in the future' }])
        return true
      },
    )
    // The command-line user cannot sign in.
    const signIn = await new AccountService(db(), LA).signIn('system:cli', '', null)
    assert.equal(signIn, null)
  })
})

describe('the documented examples (docs/examples)', () => {
  const example = (name: string) => fs.readFileSync(path.join(root, 'docs/examples', name), 'utf8')

  it('import in order, and a second time change nothing', async () => {
    // The examples use the demo authority's locality codes.
    await db()
      .insertInto('locality')
      .values([
        { la_code: LA, code: 'DY', name: 'Dudley' },
        { la_code: LA, code: 'SB', name: 'Stourbridge' },
      ])
      .execute()
    for (const round of [1, 2]) {
      for (const kind of ['settings', 'children', 'placements'] as const) {
        const res = await apiImport(admin, kind, example(`${kind}.csv`))
        assert.equal(res.status, 200, `${kind}: ${res.text}`)
        if (round === 2) assert.equal(res.body.unchanged, res.body.rows, kind)
      }
    }
  })

  it('the file with errors is refused as the guide says', async () => {
    const res = await apiImport(admin, 'children', example('children-with-errors.csv'))
    const guide = fs.readFileSync(path.join(root, 'docs/import-formats.md'), 'utf8')
    for (const e of res.body.errors as { line: number; column: string; message: string }[]) {
      assert.ok(
        guide.includes(`line ${e.line}, column ${e.column}: ${e.message}`),
        `${e.line} ${e.column} is in the guide`,
      )
    }
    assert.equal(res.body.errors.length, 5)
  })
})

describe('opensend import (command line)', () => {
  let dir: string
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opensend-import-'))
  })
  after(() => fs.rmSync(dir, { recursive: true, force: true }))

  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATA_DIR: path.join(dir, 'data'),
        LOG_LEVEL: 'warn',
        DEMO: 'false',
        NODE_ENV: 'test',
      }
      delete env.DATABASE_URL
      const child = spawn(process.execPath, [path.join(root, 'bin/opensend.js'), 'import', ...args], { cwd: dir, env })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', d => (stdout += d))
      child.stderr.on('data', d => (stderr += d))
      child.on('error', reject)
      child.on('close', code => resolve({ code, stdout, stderr }))
    })

  it('exits 1 listing every bad row, and 0 with counts for a good file', async () => {
    const bad = path.join(dir, 'bad.csv')
    fs.writeFileSync(
      bad,
      file('children', 'C1,,Ada,Quill,2016-02-30,F,none,,,', 'C2,,Ben,Quill,2016-01-01,F,ehcp,,ASD,'),
    )
    const refused = await cli('children', bad)
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /^line 2, column date_of_birth: must be a real date written YYYY-MM-DD$/m)
    assert.match(refused.stderr, /^line 3, column ehcp_start_date: is required when sen_status is ehcp$/m)
    assert.match(refused.stderr, /Nothing was imported: 2 problems on 2 lines/)

    const good = path.join(dir, 'good.csv')
    fs.writeFileSync(good, CHILDREN)
    const imported = await cli('children', good)
    assert.equal(imported.code, 0, imported.stderr)
    assert.match(imported.stdout, /Imported children: 3 rows; 3 added, 0 changed, 0 already up to date/)

    assert.equal((await cli('pupils', good)).code, 1)
    assert.equal((await cli('children', path.join(dir, 'missing.csv'))).code, 1)
  })
})

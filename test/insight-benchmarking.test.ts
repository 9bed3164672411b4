import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import JSZip from 'jszip'
import { BenchmarkService } from '../src/insight/benchmark.ts'
import { PublishedFileRejected, PublishedImportService } from '../src/insight/published-import.ts'
import { AccountService } from '../src/people/accounts.ts'
import type { Actor } from '../src/platform/actor.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { LA } from './support/fixture.ts'

// The real DfE files (../shared/data, beside the repository; CI has them). Imported once for the file.
const root = fileURLToPath(new URL('../', import.meta.url))
const DATA = process.env.OPENSEND_SHARED_DATA ?? path.resolve(root, '../shared/data')
const ZIP_2025 = path.join(DATA, 'education-health-and-care-plans_2025.zip')
const ZIP_2022 = path.join(DATA, 'education-health-and-care-plans_2022.zip')
const SEN2_MI = path.join(DATA, 'sen2_mi.csv')
const present = [ZIP_2025, ZIP_2022, SEN2_MI].every(f => fs.existsSync(f))
if (!present) console.log(`# skipping the benchmarking tests: the published DfE files are not in ${DATA}`)

const count = async (t: TestApp) =>
  Number(
    (
      await t.database.db
        .selectFrom('published_figure')
        .select(eb => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('benchmarking against the published figures', { skip: !present }, () => {
  let t: TestApp
  let actor: Actor
  let published: PublishedImportService
  let manager: Client

  before(async () => {
    t = await startTestApp()
    actor = await new AccountService(t.database.db, LA).systemActor()
    published = new PublishedImportService(t.database.db, LA)
    manager = await signedIn(t.app, 'manager')
  })
  after(() => t?.close())

  it('says how to import when nothing is loaded', async () => {
    const res = await manager.get('/insight/benchmarking')
    assert.equal(res.status, 200)
    assert.match(res.text, /No published figures have been imported yet/)
    assert.match(res.text, /opensend import dfe-release/)
  })

  it('imports the two release zips and sen2_mi.csv, all the headline measures', async () => {
    const r2025 = await published.import(actor, ZIP_2025, fs.readFileSync(ZIP_2025))
    assert.equal(r2025.release, 'ehcp-2025')
    assert.deepEqual(r2025.files.map(f => f.file).sort(), [
      'caseload.csv',
      'ceased_plans.csv',
      'newplans.csv',
      'requests.csv',
      'timeliness_20_week.csv',
    ])
    assert.ok(r2025.skipped.includes('annual_reviews.csv'))
    assert.equal(r2025.inserted, r2025.rows)
    const r2022 = await published.import(actor, ZIP_2022, fs.readFileSync(ZIP_2022))
    assert.equal(r2022.release, 'ehcp-2022')
    const mi = await published.import(actor, SEN2_MI, fs.readFileSync(SEN2_MI))
    assert.equal(mi.release, 'ehcp-2023')
    assert.equal(await count(t), r2025.rows + r2022.rows + mi.rows)
    const loaded = await published.loaded()
    assert.ok(loaded.some(l => l.release === 'ehcp-2022' && l.file === 'sen2_age_caseload.csv' && l.firstYear === 2010))
  })

  it('holds the known figures, markers kept as published', async () => {
    const db = t.database.db
    const value = async (measure: string, area: string, year: number) =>
      (
        await db
          .selectFrom('published_figure')
          .select(['value', 'marker'])
          .where('measure', '=', measure)
          .where('area_code', '=', area)
          .where('period_year', '=', year)
          .orderBy('release', 'desc')
          .executeTakeFirst()
      )?.value
    assert.equal(await value('ehcp_caseload', '332', 2024), 3628)
    assert.equal(await value('ehcp_caseload', '332', 2025), 3805)
    assert.equal(await value('ehcp_caseload', 'E92000001', 2024), 576474)
    assert.equal(await value('ehcp_caseload', 'E92000001', 2025), 638745)
    assert.equal(await value('ehcp_caseload', 'E92000001', 2015), 240183)
    assert.equal(await value('issued_20wk_pc_excl', '332', 2024), 52.3)
    assert.equal(await value('issued_20wk_pc_excl', '332', 2020), 21.7)
    assert.equal(await value('issued_20wk_pc_excl', '332', 2018), 45.7)
    assert.equal(await value('issued_20wk_pc_excl', 'E92000001', 2024), 46.4)
    const markers = await db
      .selectFrom('published_figure')
      .select(['marker'])
      .distinct()
      .where('marker', 'is not', null)
      .execute()
    assert.ok(markers.some(m => m.marker === 'x' || m.marker === 'z' || m.marker === 'c'))
  })

  it('changes nothing when a file is imported again', async () => {
    const before = await count(t)
    const again = await published.import(actor, SEN2_MI, fs.readFileSync(SEN2_MI))
    assert.equal(again.inserted, 0)
    assert.equal(again.updated, 0)
    assert.equal(again.unchanged, again.rows)
    assert.equal(await count(t), before)
  })

  it('refuses a corrupt zip, an unknown zip, a zip bomb and an unknown CSV, writing nothing', async () => {
    const before = await count(t)
    const corrupt = fs.readFileSync(ZIP_2025).subarray(0, 200_000)
    await assert.rejects(published.import(actor, 'broken.zip', corrupt), (e: Error) => {
      assert.ok(e instanceof PublishedFileRejected)
      assert.match(e.message, /broken\.zip: it is not a readable zip file/)
      return true
    })
    const unknown = new JSZip()
    unknown.file('data/pupils.csv', 'a,b\n1,2\n')
    await assert.rejects(
      published.import(actor, 'other.zip', await unknown.generateAsync({ type: 'nodebuffer' })),
      /other\.zip: none of its files is a DfE EHC plans file/,
    )
    const bomb = new JSZip()
    bomb.file('data/caseload.csv', Buffer.alloc(3 * 1024 * 1024, 0x30))
    const small = new PublishedImportService(t.database.db, LA, 1024 * 1024)
    await assert.rejects(
      small.import(actor, 'bomb.zip', await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })),
      /bomb\.zip: it would unpack to more than 1 MB/,
    )
    // A zip that declares a small size for a big file is stopped while it inflates.
    const liar = await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
    liar.writeUInt32LE(1000, 22)
    const central = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    liar.writeUInt32LE(1000, central + 24)
    await assert.rejects(small.import(actor, 'liar.zip', liar), /liar\.zip: it would unpack to more than 1 MB/)
    await assert.rejects(published.import(actor, 'notes.csv', Buffer.from('a,b\n1,2\n')), /notes\.csv: its columns/)
    assert.equal(await count(t), before)
  })

  it('shows Dudley against England, its region and comparators, with charts and downloads', async () => {
    const res = await manager.get('/insight/benchmarking?la=332')
    assert.equal(res.status, 200)
    for (const figure of ['3,628', '3,805', '576,474', '638,745', '52.3', '21.7'])
      assert.ok(res.text.includes(`>${figure}<`), `the page shows ${figure}`)
    assert.match(
      res.text,
      /<th scope="col" class="govuk-table__header govuk-table__header--numeric">West Midlands<\/th>/,
    )
    assert.match(res.text, /role="img" aria-labelledby="caption-caseload"/)
    assert.match(res.text, /id="caption-timeliness-excl"/)
    // The default comparators: four other West Midlands authorities.
    const defaults = /Comparing with:\s*([^<]*)\(the authorities in the same region/.exec(res.text)
    assert.ok(defaults, 'the default comparators are named')
    assert.equal(defaults[1]!.split(',').length, 4)

    const chosen = await manager.get('/insight/benchmarking?la=332&compare=333&compare=335&chosen=1')
    assert.match(chosen.text, /Comparing with:\s*Sandwell, Walsall\./)

    const csv = await manager.get(
      '/insight/benchmarking/download?table=caseload&la=332&compare=333&chosen=1&format=csv',
    )
    assert.equal(csv.status, 200)
    assert.match(String(csv.headers['content-type']), /text\/csv/)
    assert.match(String(csv.headers['content-disposition']), /benchmarking-caseload-332\.csv/)
    assert.match(csv.text, /^Year,Dudley \(332\),West Midlands \(E12000005\),England \(E92000001\),Sandwell \(333\)/)
    assert.match(csv.text, /January 2024,3628,[\d.]+,576474,/)
    const xlsx = await manager.get('/insight/benchmarking/download?table=timeliness-excl&la=332&format=xlsx')
    assert.equal(xlsx.status, 200)
    assert.match(String(xlsx.headers['content-type']), /spreadsheetml/)
  })

  it('says when this authority has no published figures, and lets a focus be chosen', async () => {
    const res = await manager.get('/insight/benchmarking')
    assert.equal(res.status, 200)
    assert.match(res.text, /This authority has no published figures under LA code 999/)
    assert.match(res.text, /<option value="332">Dudley \(332\)<\/option>/)
  })

  it('refuses school and panel users, and everyone but admins the import', async () => {
    for (const username of ['senco.a', 'panel']) {
      const client = await signedIn(t.app, username)
      assert.equal((await client.get('/insight/benchmarking?la=332')).status, 403)
      assert.equal((await client.get('/insight/benchmarking/download?la=332')).status, 403)
    }
    assert.equal((await manager.get('/insight/published')).status, 403)
    const finance = await signedIn(t.app, 'finance')
    assert.equal((await finance.get('/insight/benchmarking?la=332')).status, 200)
  })

  it('lets an admin upload a file, and refuses one that is not a zip or CSV', async () => {
    const admin = await signedIn(t.app, 'admin')
    const page = await admin.get('/insight/published')
    assert.equal(page.status, 200)
    assert.match(page.text, /sen2_age_caseload\.csv/)
    const wrong = await admin.upload('/insight/published', 'file', 'figures.xlsx', 'PK')
    assert.equal(wrong.status, 400)
    assert.match(wrong.text, /must be a zip or a CSV file/)
    const unknown = await admin.upload('/insight/published', 'file', 'notes.csv', 'a,b\n1,2\n')
    assert.equal(unknown.status, 422)
    assert.match(unknown.text, /Nothing was imported: notes\.csv/)
    const timeliness = path.join(DATA, 'ehcp_2025_release/timeliness_20_week.csv')
    const ok = await admin.upload('/insight/published', 'file', 'timeliness_20_week.csv', fs.readFileSync(timeliness))
    assert.equal(ok.status, 303)
    const after = await admin.get('/insight/published')
    // The CSV unzipped from the 2025 release is the same release and file: nothing changes.
    assert.match(
      after.text,
      /timeliness_20_week\.csv imported as release ehcp-2025: 5,820 figures; 0 added, 0 changed, 5,820 already up to date/,
    )
  })

  it('imports from the command line, and exits 1 with a clear message on an unknown file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opensend-bench-'))
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATA_DIR: path.join(dir, 'data'),
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
      }
      delete env.DATABASE_URL
      const cli = (...args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [path.join(root, 'bin/opensend.js'), 'import', 'dfe-release', ...args],
            {
              cwd: dir,
              env,
            },
          )
          let stdout = ''
          let stderr = ''
          child.stdout.on('data', d => (stdout += d))
          child.stderr.on('data', d => (stderr += d))
          child.on('error', reject)
          child.on('close', code => resolve({ code, stdout, stderr }))
        })
      const notes = path.join(dir, 'notes.csv')
      fs.writeFileSync(notes, 'a,b\n1,2\n')
      const refused = await cli(notes)
      assert.equal(refused.code, 1)
      assert.match(
        refused.stderr,
        /Nothing was imported: notes\.csv: its columns are not those of a known DfE EHC plans file/,
      )
      const imported = await cli(SEN2_MI)
      assert.equal(imported.code, 0, imported.stderr)
      assert.match(imported.stdout, /sen2_mi\.csv \(sen2_mi\): 14560 figures — requests 1456/)
      assert.match(imported.stdout, /Imported sen2_mi\.csv as release ehcp-2023: 14560 figures; 14560 added/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('benchmarking with the service alone', () => {
  it('is refused to roles outside the policy', async () => {
    const service = new BenchmarkService(null as never, LA)
    await assert.rejects(
      service.benchmark({ role: 'school_user' } as Actor, {}),
      (e: Error) => e.name === 'ForbiddenError',
    )
  })
})

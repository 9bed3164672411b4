import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signedIn, startTestApp, type TestApp } from './support/app.ts'
import { FIXTURES } from '../src/funding/rules/fixtures/index.ts'
import { LA } from './support/fixture.ts'
import { testMatrixSpec } from './support/matrix.ts'

let t: TestApp
before(async () => {
  t = await startTestApp()
})
after(() => t.close())

const versionRow = (id: string) =>
  t.database.db.selectFrom('matrix_version').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

const auditRows = (id: string) =>
  t.database.db
    .selectFrom('audit_event')
    .selectAll()
    .where('record_type', '=', 'matrix_version')
    .where('record_id', '=', id)
    .orderBy('id')
    .execute()

/** Creates a draft through the form as the finance officer and returns its id. */
async function createDraft(name: string, spec = testMatrixSpec()): Promise<string> {
  const finance = await signedIn(t.app, 'finance')
  await finance.get('/funding/versions/new')
  const res = await finance.post('/funding/versions', { name, spec: JSON.stringify(spec) })
  assert.equal(res.status, 303, res.text)
  return /\/funding\/versions\/([0-9a-f-]{36})$/.exec(res.headers.location as string)![1]!
}

describe('matrix versions', () => {
  it('a finance officer creates a draft from JSON, and it reads back as tables with £ amounts', async () => {
    const id = await createDraft('Spring consultation draft')
    const row = await versionRow(id)
    assert.equal(row.status, 'draft')
    assert.equal(row.version, 1)
    assert.equal(row.name, 'Spring consultation draft')
    assert.equal(row.spec.areas[1]!.weight, 2)

    const finance = await signedIn(t.app, 'finance')
    const page = await finance.get(`/funding/versions/${id}`)
    assert.equal(page.status, 200)
    assert.match(page.text, /Spring consultation draft/)
    assert.match(page.text, /Needs visual support through the day/)
    assert.match(page.text, /Financial year 2026-27/)
    assert.match(page.text, /£4,200\.50/)
    assert.match(page.text, /Costed package/)
    assert.match(page.text, /Mainstream from 1 April 2025/)

    const list = await finance.get('/funding/versions')
    assert.match(list.text, new RegExp(`/funding/versions/${id}`))
  })

  it('takes the published schemes’ documents and shows each one (domains, bespoke levels, several years)', async () => {
    const finance = await signedIn(t.app, 'finance')
    await finance.get('/funding/versions')
    for (const spec of Object.values(FIXTURES)) {
      const created = await finance.postJson('/api/v1/funding/versions', { spec })
      assert.equal(created.status, 201, JSON.stringify(created.body))
      const page = await finance.get(`/funding/versions/${(created.body as { id: string }).id}`)
      assert.equal(page.status, 200)
      assert.match(page.text, /Annual top-up rates/)
    }
  })

  it('names every problem in the document by its path, keeps what was typed, and saves nothing', async () => {
    const finance = await signedIn(t.app, 'finance')
    await finance.get('/funding/versions/new')
    const before = await t.database.db.selectFrom('matrix_version').select('id').execute()
    const bad = testMatrixSpec({
      levels: [
        { level: 1, min: 0, max: 4 },
        { level: 2, min: 7, max: null },
      ],
    })
    bad.areas[0]!.code = 'not a code!'
    const res = await finance.post('/funding/versions', { name: 'Broken', spec: JSON.stringify(bad) })
    assert.equal(res.status, 400)
    assert.match(res.text, /There is a problem/)
    assert.match(res.text, /areas\[0\]\.code: a short code/)
    // The shape is checked first; the consistency rules run on a document of the right shape.
    bad.areas[0]!.code = 'CI'
    const gap = await finance.post('/funding/versions', { name: 'Broken', spec: JSON.stringify(bad) })
    assert.equal(gap.status, 400)
    assert.match(gap.text, /levels\[1\]\.min: Gap between level 1/)
    assert.match(gap.text, /value="Broken"/)
    assert.match(gap.text, /&quot;min&quot;: ?7|&quot;min&quot;:7/)

    const syntax = await finance.post('/funding/versions', { name: 'Broken', spec: '{\n  "name": "x",\n  oops\n}' })
    assert.equal(syntax.status, 400)
    assert.match(syntax.text, /The JSON cannot be read at line 3/)

    const api = await finance.postJson('/api/v1/funding/versions', { spec: bad })
    assert.equal(api.status, 400)
    const body = api.body as { errors: { field: string; message: string }[] }
    assert.ok(
      body.errors.some(e => e.field === 'spec.levels[1].min'),
      JSON.stringify(body.errors),
    )

    const afterwards = await t.database.db.selectFrom('matrix_version').select('id').execute()
    assert.equal(afterwards.length, before.length)
  })

  it('refuses an edit made against a stale version number and overwrites nothing', async () => {
    const id = await createDraft('Edited twice')
    const first = await signedIn(t.app, 'finance')
    const second = await signedIn(t.app, 'admin')
    const formA = await first.get(`/funding/versions/${id}/edit`)
    assert.equal(formA.status, 200)
    assert.match(formA.text, /name="version" value="1"/)
    await second.get(`/funding/versions/${id}/edit`)

    const saved = await second.post(`/funding/versions/${id}/edit`, {
      name: 'Admin’s change',
      spec: JSON.stringify(testMatrixSpec({ notes: 'Changed by the admin' })),
      version: '1',
    })
    assert.equal(saved.status, 303)

    const stale = await first.post(`/funding/versions/${id}/edit`, {
      name: 'Finance’s change',
      spec: JSON.stringify(testMatrixSpec({ notes: 'Changed by finance' })),
      version: '1',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Nothing was overwritten/)
    const row = await versionRow(id)
    assert.equal(row.name, 'Admin’s change')
    assert.equal(row.spec.notes, 'Changed by the admin')
    assert.equal(row.version, 2)
  })

  it('moves only along the allowed statuses, approves, and then refuses every edit with the reason', async () => {
    const id = await createDraft('To approve')
    const finance = await signedIn(t.app, 'finance')
    await finance.get(`/funding/versions/${id}`)

    const skip = await finance.post(`/funding/versions/${id}/status`, { to: 'retired', version: '1' })
    assert.equal(skip.status, 400)
    assert.match(skip.text, /A draft version can move only to consultation or approved, not retired/)

    assert.equal(
      (await finance.post(`/funding/versions/${id}/status`, { to: 'consultation', version: '1' })).status,
      303,
    )
    const staleMove = await finance.post(`/funding/versions/${id}/status`, { to: 'approved', version: '1' })
    assert.equal(staleMove.status, 409)
    assert.equal((await finance.post(`/funding/versions/${id}/status`, { to: 'approved', version: '2' })).status, 303)
    const approved = await versionRow(id)
    assert.equal(approved.status, 'approved')
    assert.ok(approved.approved_at)

    const page = await finance.get(`/funding/versions/${id}`)
    assert.doesNotMatch(page.text, /\/edit"/)
    assert.match(page.text, /value="retired"/)

    const editForm = await finance.get(`/funding/versions/${id}/edit`)
    assert.equal(editForm.status, 409)
    assert.match(editForm.text, /approved versions cannot be changed/)
    const edit = await finance.post(`/funding/versions/${id}/edit`, {
      spec: JSON.stringify(testMatrixSpec({ notes: 'Sneaky' })),
      version: '3',
    })
    assert.equal(edit.status, 409)
    assert.match(edit.text, /Copy it to a new draft/)
    assert.equal((await versionRow(id)).spec.notes, 'Illustrative amounts for tests.')

    const back = await finance.postJson(`/api/v1/funding/versions/${id}/status`, { to: 'draft', version: 3 })
    assert.equal(back.status, 400)
    const retire = await finance.postJson(`/api/v1/funding/versions/${id}/status`, { to: 'retired', version: 3 })
    assert.equal(retire.status, 200)
    assert.deepEqual(retire.body, { status: 'retired', version: 4 })
    const again = await finance.postJson(`/api/v1/funding/versions/${id}/status`, { to: 'approved', version: 4 })
    assert.equal(again.status, 400)
    assert.match(JSON.stringify(again.body), /A retired version cannot change status/)
  })

  it('refuses to approve a version that breaks the consistency rules, naming each problem', async () => {
    // Saved before a rule tightened: written directly, as the service would refuse it today.
    const spec = testMatrixSpec({ rates: testMatrixSpec().rates.slice(1) })
    const { id } = await t.database.db
      .insertInto('matrix_version')
      .values({ la_code: LA, name: 'Inconsistent', spec: JSON.stringify(spec) })
      .returning('id')
      .executeTakeFirstOrThrow()
    const finance = await signedIn(t.app, 'finance')
    await finance.get(`/funding/versions/${id}`)
    const res = await finance.post(`/funding/versions/${id}/status`, { to: 'approved', version: '1' })
    assert.equal(res.status, 400)
    assert.match(res.text, /levels\[0\]: Level 1 has no rate for mainstream in 2025-26/)
    assert.equal((await versionRow(id)).status, 'draft')
  })

  it('copies an approved version to a new draft that can be edited', async () => {
    const id = await createDraft('Original')
    const finance = await signedIn(t.app, 'finance')
    await finance.get(`/funding/versions/${id}`)
    await finance.post(`/funding/versions/${id}/status`, { to: 'approved', version: '1' })
    const copy = await finance.post(`/funding/versions/${id}/copy`)
    assert.equal(copy.status, 303)
    const copyId = /([0-9a-f-]{36})$/.exec(copy.headers.location as string)![1]!
    assert.notEqual(copyId, id)
    const row = await versionRow(copyId)
    assert.equal(row.status, 'draft')
    assert.equal(row.name, 'Copy of Original')
    assert.deepEqual(row.spec, (await versionRow(id)).spec)
    assert.equal((await finance.get(`/funding/versions/${copyId}/edit`)).status, 200)
  })

  it('lets SEND staff read but not change versions, and keeps panel members and schools out', async () => {
    const id = t.fixture.versions.draft
    const officer = await signedIn(t.app, 'officer')
    assert.equal((await officer.get(`/funding/versions/${id}`)).status, 200)
    const page = await officer.get(`/funding/versions/${id}`)
    assert.doesNotMatch(page.text, /Copy to a new draft/)
    assert.equal((await officer.get('/api/v1/funding/versions')).status, 200)
    assert.equal((await officer.post('/funding/versions', { spec: JSON.stringify(testMatrixSpec()) })).status, 403)
    assert.equal((await officer.post(`/funding/versions/${id}/status`, { to: 'approved', version: '1' })).status, 403)
    assert.equal((await officer.post(`/funding/versions/${id}/copy`)).status, 403)
    for (const username of ['panel', 'senco.a']) {
      const client = await signedIn(t.app, username)
      assert.equal((await client.get('/funding/versions')).status, 403)
      assert.equal((await client.get(`/api/v1/funding/versions/${id}`)).status, 403)
    }
    assert.equal((await versionRow(id)).status, 'draft')
  })

  it('creates through the JSON API, and audits every change without the document', async () => {
    const finance = await signedIn(t.app, 'finance')
    const created = await finance.postJson('/api/v1/funding/versions', {
      spec: testMatrixSpec({ name: 'From the API' }),
    })
    assert.equal(created.status, 201)
    const { id } = created.body as { id: string }
    assert.equal(created.headers.location, `/api/v1/funding/versions/${id}`)
    const read = await finance.get(`/api/v1/funding/versions/${id}`)
    assert.equal((read.body as { name: string }).name, 'From the API')

    await finance.postJson(`/api/v1/funding/versions/${id}/status`, { to: 'consultation', version: 1 })
    await finance.get(`/funding/versions/${id}/edit`)
    await finance.post(`/funding/versions/${id}/edit`, { spec: JSON.stringify(testMatrixSpec()), version: '2' })
    await finance.post(`/funding/versions/${id}/copy`)

    const rows = await auditRows(id)
    assert.deepEqual(
      rows.map(r => [r.action, r.username]),
      [
        ['matrix_version.create', 'finance'],
        ['matrix_version.status', 'finance'],
        ['matrix_version.update', 'finance'],
      ],
    )
    assert.deepEqual(rows[1]!.details, { from: 'draft', to: 'consultation', version: 2 })
    const copies = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'matrix_version.copy')
      .execute()
    assert.ok(copies.some(r => (r.details as { from?: string }).from === id))
    for (const row of [...rows, ...copies]) assert.doesNotMatch(JSON.stringify(row.details), /descriptors|Illustrative/)
  })
})

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { classOfTable, KEPT_TABLES } from '../src/people/rules/retention.ts'
import type { SubjectAccessExport } from '../src/people/subject-access-service.ts'
import { LA, loadModerationFixture } from './support/fixture.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { loadCaseworkFixture } from './support/casework-fixture.ts'
import { loadDisputeFixture } from './support/dispute-fixture.ts'
import { loadReviewFixture } from './support/review-fixture.ts'

// The subject-access export holds every table that holds child data. Which tables those are is
// discovered here from information_schema, independently of the export's own discovery, by the rule
// in docs/decisions/0015-retention-and-disposal.md: a table holds child data when it has a column
// named child_id, or a foreign key to a table that holds child data (child itself included).

let t: TestApp
let admin: Client
let manager: Client

before(async () => {
  t = await startTestApp()
  await loadModerationFixture(t.database.db, t.fixture)
  await loadCaseworkFixture(t.database.db, t.fixture)
  await loadReviewFixture(t.database.db, t.fixture)
  await loadDisputeFixture(t.database.db, t.fixture)
  admin = await signedIn(t.app, 'admin')
  manager = await signedIn(t.app, 'manager')
})
after(() => t?.close())

async function tablesHoldingChildData(): Promise<string[]> {
  const { rows: direct } = await sql<{ table: string }>`
    select distinct c.table_name as table from information_schema.columns c
    join information_schema.tables t using (table_schema, table_name)
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.column_name = 'child_id'`.execute(
    t.database.db,
  )
  const { rows: links } = await sql<{ from: string; to: string }>`
    select fk.table_name as from, pk.table_name as to
    from information_schema.referential_constraints r
    join information_schema.table_constraints fk on fk.constraint_name = r.constraint_name and fk.constraint_schema = r.constraint_schema
    join information_schema.table_constraints pk on pk.constraint_name = r.unique_constraint_name and pk.constraint_schema = r.unique_constraint_schema
    where r.constraint_schema = 'public'`.execute(t.database.db)
  const found = new Set(['child', ...direct.map(r => r.table)])
  for (let grew = true; grew;) {
    grew = false
    for (const link of links) {
      if (found.has(link.to) && !found.has(link.from)) {
        found.add(link.from)
        grew = true
      }
    }
  }
  return [...found].sort()
}

async function exportFor(client: Client, child: string) {
  const res = await client.post('/admin/subject-access', { child })
  return { res, document: res.status === 200 ? (JSON.parse(res.text) as SubjectAccessExport) : null }
}

describe('subject-access export', () => {
  it('covers every table that holds child data', async () => {
    const expected = await tablesHoldingChildData()
    assert.ok(expected.length >= 20, `found ${expected.join(', ')}`)
    const { document } = await exportFor(admin, 'F0003')
    const missing = expected.filter(table => !(table in document!.tables))
    assert.deepEqual(missing, [], `tables holding child data missing from the export: ${missing.join(', ')}`)
  })

  it('puts every table that holds child data in a retention class, or keeps it on purpose', async () => {
    const unclassified = (await tablesHoldingChildData()).filter(
      table => classOfTable(table) === null && !KEPT_TABLES.includes(table),
    )
    assert.deepEqual(unclassified, [], `tables no disposal rule covers: ${unclassified.join(', ')}`)
  })

  it("holds the child's own rows from each area, and the audit rows about them", async () => {
    await admin.get(`/children/${t.fixture.children.cara}`)
    const { res, document } = await exportFor(manager, 'F0003')
    assert.equal(res.status, 200)
    assert.match(String(res.headers['content-disposition']), /attachment; filename="subject-access.json"/)
    assert.equal(res.headers['cache-control'], 'no-store')
    const d = document!
    assert.equal(d.childId, t.fixture.children.cara)
    assert.equal(d.tables.child![0]!.first_name, 'Cara')
    for (const table of ['child_need', 'placement', 'ehc_request', 'ehc_plan', 'mediation_case', 'advice_request']) {
      assert.ok(d.tables[table]!.length > 0, `${table} has Cara's rows`)
    }
    // Every row with her id, in every table with a child_id column.
    const { rows: direct } = await sql<{ table: string }>`
      select table_name as table from information_schema.columns
      where table_schema = 'public' and column_name = 'child_id'`.execute(t.database.db)
    for (const { table } of direct) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.table(table)} where child_id = ${t.fixture.children.cara}`.execute(
        t.database.db,
      )
      assert.equal(d.tables[table]!.length, rows[0]!.n, table)
    }
    for (const [table, rows] of Object.entries(d.tables)) {
      for (const row of rows) {
        if ('child_id' in row) assert.equal(row.child_id, t.fixture.children.cara, `${table} holds only Cara's rows`)
      }
    }
    // No one else's record leaks in: Ada's plan and requests are not Cara's.
    assert.doesNotMatch(JSON.stringify(d), /Quill|Sorrel|Thorn/)
    assert.ok(d.audit.some(a => a.action === 'child.view' || a.record_id === t.fixture.children.cara))
  })

  it('is audited, with no personal data in the audit row or the URL', async () => {
    await exportFor(admin, 'J999900125001')
    const rows = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('la_code', '=', LA)
      .where('action', '=', 'subject_access.export')
      .where('record_id', '=', t.fixture.children.ada)
      .execute()
    assert.equal(rows.length, 1)
    assert.equal(rows[0]!.username, 'admin')
    assert.doesNotMatch(JSON.stringify(rows[0]!.details), /Ada|Quill|J999900125001|F0001/)
  })

  it('refuses an unknown or empty reference with the GOV.UK error summary, keeping what was typed', async () => {
    const { res } = await exportFor(admin, 'X9999')
    assert.equal(res.status, 400)
    assert.match(res.text, /There is a problem/)
    assert.match(res.text, /No child has that LA reference or UPN/)
    assert.match(res.text, /value="X9999"/)
    assert.equal((await exportFor(admin, '')).res.status, 400)
  })

  it('is refused to roles that do not answer subject-access requests', async () => {
    for (const username of ['officer', 'finance', 'panel', 'senco.a']) {
      const client = await signedIn(t.app, username)
      const page = await client.get('/admin/subject-access')
      assert.equal(page.status, 403, username)
    }
  })
})

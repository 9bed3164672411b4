import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { sql } from 'kysely'
import { caseloadRecords, CaseloadStore, ncYearSql } from '../src/insight/caseload.ts'
import { caseloadOn, CASELOAD_DIMENSIONS, tally, type CaseloadPlan } from '../src/insight/rules/caseload.ts'
import { ncYear } from '../src/people/rules/nc-year.ts'
import { LA, loadModerationFixture } from './support/fixture.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'

// Five plans chosen by hand, one per fixture child (settings: Alder = mainstream in Northtown (N),
// Birch = mainstream in Southbury (S), Cedar = special in Northtown):
//
//   child  dob         issued      ceased      named   need  request received → issued (days)
//   Ada    2016-03-14  2024-02-01  -           Alder   ASD   -
//   Cara   2012-06-30  2023-06-01  -           Birch   SEMH  -
//   Dev    2011-01-20  2022-03-01  2025-12-31  Cedar   SLD   -
//   Ben    2015-10-02  2025-09-10  -           (type)  SPLD  2025-05-01 → 2025-09-10 (132: within 20 weeks)
//   Eve    2018-09-01  2026-02-01  -           Birch   ASD   2025-08-01 → 2026-02-01 (184: late)
//
// On 2026-01-15 (the January 2026 census date; academic year 2025): Ada, Cara and Ben are in force
// (Dev ceased 2025-12-31, Eve not yet issued) — 3 plans. NC years: Ada 2025-2016-4 = 5; Cara
// 2025-2012-4 = 9; Ben born in October, 2025-2015-1-4 = 5. So Year 5: 2, Year 9: 1. Needs: ASD 1,
// SEMH 1, SPLD 1. Localities: Northtown 1, Southbury 1, none (no setting named) 1. Types: mainstream
// 2, no setting named 1. Earlier census dates: 2025-01-16 Ada, Cara, Dev = 3; 2024-01-18 Cara, Dev = 2;
// 2023-01-19 Dev = 1; 2022-01-20 none.
// Reviews outstanding on 2026-01-15: Ada's review decided 2025-01-20 puts her next one at 2026-01-20,
// not yet due; Cara's plan (2023-06-01) has never been reviewed: outstanding, no meeting. Ben's is
// not due. Total 1.

const DATE = '2026-01-15'
let t: TestApp
let manager: Client
const plans: CaseloadPlan[] = []

before(async () => {
  t = await startTestApp()
  const db = t.database.db
  const { children, settings, users } = t.fixture
  const add = async (
    child: string,
    dob: string,
    issued: string,
    ceased: string | null,
    setting: string | null,
    need: string,
    request: [string] | null,
  ) => {
    let requestId: string | null = null
    if (request) {
      const r = await db
        .insertInto('ehc_request')
        .values({
          la_code: LA,
          child_id: child,
          officer_id: users.officer!,
          source: 'early_years',
          received_via: 'email',
          arrived_on: request[0],
          received_on: request[0],
          decision: 'assess',
          decision_on: request[0],
          outcome: 'issue_plan',
          outcome_on: request[0],
          draft_sent_on: request[0],
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      requestId = r.id
    }
    const plan = await db
      .insertInto('ehc_plan')
      .values({
        la_code: LA,
        child_id: child,
        request_id: requestId,
        issued_on: issued,
        named_setting_id: setting,
        named_setting_type: setting ? null : 'Independent special school',
        ceased_on: ceased,
        cease_reason: ceased ? 2 : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('ehc_plan_need').values({ la_code: LA, plan_id: plan.id, rank: 1, need_code: need }).execute()
    if (requestId)
      await db
        .updateTable('ehc_request')
        .set({ final_issued_on: issued, plan_id: plan.id })
        .where('id', '=', requestId)
        .execute()
    const type = setting === settings.special ? 'special' : setting ? 'mainstream' : 'none'
    const locality = setting === settings.schoolB ? 'S' : setting ? 'N' : null
    plans.push({
      issuedOn: issued,
      ceasedOn: ceased,
      dateOfBirth: dob,
      primaryNeed: need,
      settingType: type,
      localityCode: locality,
    })
    return plan.id
  }
  const ada = await add(children.ada!, '2016-03-14', '2024-02-01', null, settings.schoolA, 'ASD', null)
  await add(children.cara!, '2012-06-30', '2023-06-01', null, settings.schoolB, 'SEMH', null)
  await add(children.dev!, '2011-01-20', '2022-03-01', '2025-12-31', settings.special, 'SLD', null)
  await add(children.ben!, '2015-10-02', '2025-09-10', null, null, 'SPLD', ['2025-05-01'])
  await add(children.eve!, '2018-09-01', '2026-02-01', null, settings.schoolB, 'ASD', ['2025-08-01'])
  await db
    .insertInto('annual_review')
    .values({
      la_code: LA,
      plan_id: ada,
      due_on: '2025-02-01',
      meeting_on: '2025-01-10',
      decision: 'keep',
      decision_on: '2025-01-20',
    })
    .execute()
  await db
    .insertInto('compliment')
    .values([
      { la_code: LA, received_on: '2025-05-01', about: 'Helpful officer' },
      { la_code: LA, received_on: '2025-12-01', about: 'Quick plan' },
    ])
    .execute()
  // Agreed awards for Ada at Alder and Eve at Birch from 2026-11-16, for the money tables.
  await loadModerationFixture(db, t.fixture)
  manager = await signedIn(t.app, 'manager')
})
after(() => t?.close())

/** The rows of the table whose wrapper has the id, as cell texts (tags stripped). */
function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`id="${id}"`)
  assert.ok(start >= 0, `no table ${id}`)
  const table = html.slice(start, html.indexOf('</table>', start))
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(m =>
    [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(c =>
      c[1]!
        .replace(/<span class="govuk-visually-hidden">[^<]*<\/span>/g, '')
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .trim(),
    ),
  )
}

const rowOf = (rows: string[][], label: string) => rows.find(r => r[0] === label)
const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

describe('the caseload definition', () => {
  it('counts the plans in force on a date by NC year, need, locality and setting type, as counted by hand', async () => {
    const store = new CaseloadStore(t.database.db, LA)
    assert.equal(await store.count(DATE), 3)
    assert.deepEqual(await store.countBy(DATE, 'ncYear'), [
      { key: '5', n: 2 },
      { key: '9', n: 1 },
    ])
    assert.deepEqual((await store.countBy(DATE, 'need')).sort(byKey), [
      { key: 'ASD', n: 1 },
      { key: 'SEMH', n: 1 },
      { key: 'SPLD', n: 1 },
    ])
    assert.deepEqual((await store.countBy(DATE, 'locality')).sort(byKey), [
      { key: 'N', n: 1 },
      { key: 'S', n: 1 },
      { key: 'none', n: 1 },
    ])
    assert.deepEqual(await store.countBy(DATE, 'settingType'), [
      { key: 'mainstream', n: 2 },
      { key: 'none', n: 1 },
    ])
    const series = await store.series(['2022-01-20', '2023-01-19', '2024-01-18', '2025-01-16', '2026-01-15'])
    assert.deepEqual([...series.values()], [0, 1, 2, 3, 3])
  })

  it('agrees with the pure rules on every breakdown, on every date', async () => {
    const store = new CaseloadStore(t.database.db, LA)
    for (const on of ['2023-01-19', '2024-01-18', '2025-01-16', DATE, '2026-11-23']) {
      const records = caseloadOn(plans, on)
      for (const by of CASELOAD_DIMENSIONS) {
        const sqlCounts = new Map((await store.countBy(on, by)).map(r => [r.key, r.n]))
        assert.deepEqual(Object.fromEntries(sqlCounts), Object.fromEntries(tally(records, by)), `${by} on ${on}`)
      }
      const rows = await caseloadRecords(t.database.db, LA, on)
      assert.equal(rows.length, records.length)
    }
  })

  it('computes NC years in SQL exactly as people/rules/nc-year.ts does', async () => {
    const day = fc
      .date({ min: new Date('1995-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map(d => d.toISOString().slice(0, 10))
    const pairs = fc.sample(fc.tuple(day, day), 300)
    const values = sql.join(pairs.map(([dob, on]) => sql`(${dob}::date, ${on}::date)`))
    const { rows } = await sql<{ nc: number }>`select ${ncYearSql(sql`c.on_date`)} as nc
      from (values ${values}) as c(date_of_birth, on_date)`.execute(t.database.db)
    assert.deepEqual(
      rows.map(r => r.nc),
      pairs.map(([dob, on]) => ncYear(dob, on)),
    )
  })
})

describe('Insight dashboards', () => {
  it('shows the caseload by NC year, need and locality on the date, and the January series', async () => {
    const res = await manager.get(`/insight/caseload?date=${DATE}`)
    assert.equal(res.status, 200)
    const nc = tableRows(res.text, 'by-nc-year')
    assert.deepEqual(rowOf(nc, 'Year 5'), ['Year 5', '2'])
    assert.deepEqual(rowOf(nc, 'Year 9'), ['Year 9', '1'])
    assert.deepEqual(rowOf(nc, 'Total'), ['Total', '3'])
    const need = tableRows(res.text, 'by-need')
    assert.deepEqual(rowOf(need, 'Autistic spectrum disorder'), ['Autistic spectrum disorder', '1'])
    assert.deepEqual(rowOf(need, 'Severe learning difficulty'), ['Severe learning difficulty', '0'])
    const locality = tableRows(res.text, 'by-locality')
    assert.deepEqual(rowOf(locality, 'Northtown'), ['Northtown', '1'])
    assert.deepEqual(rowOf(locality, 'Southbury'), ['Southbury', '1'])
    assert.match(res.text, /role="img" aria-labelledby="chart-ncYear-title"/)
    const overview = await manager.get(`/insight?date=${DATE}&from=2022&to=2026`)
    assert.equal(overview.status, 200)
    const january = tableRows(overview.text, 'caseload-january')
    assert.deepEqual(
      january.slice(1).map(r => [r[0], r[2]]),
      [
        ['2022', '0'],
        ['2023', '1'],
        ['2024', '2'],
        ['2025', '3'],
        ['2026', '3'],
      ],
    )
  })

  it('narrows the counts to one locality and one need', async () => {
    const north = tableRows((await manager.get(`/insight/caseload?date=${DATE}&locality=N`)).text, 'by-nc-year')
    assert.deepEqual(rowOf(north, 'Total'), ['Total', '1'])
    const asd = tableRows((await manager.get(`/insight/caseload?date=${DATE}&need=ASD`)).text, 'by-locality')
    assert.deepEqual(rowOf(asd, 'Northtown'), ['Northtown', '1'])
    assert.deepEqual(rowOf(asd, 'Total'), ['Total', '1'])
    const both = tableRows((await manager.get(`/insight/caseload?date=${DATE}&locality=S&need=ASD`)).text, 'by-need')
    assert.deepEqual(rowOf(both, 'Total'), ['Total', '0'])
  })

  it('answers a bad filter with 400 and the error summary', async () => {
    for (const [query, message] of [
      ['locality=ZZ', 'Choose a locality from the list'],
      ['date=2026-02-30', 'Enter the date as a real date'],
      ['need=XYZ', 'Choose a primary need from the list'],
      ['from=2026&to=2020', 'The first year must be the same as or before the last year'],
    ] as const) {
      const res = await manager.get(`/insight/caseload?${query}`)
      assert.equal(res.status, 400, query)
      assert.match(res.text, /govuk-error-summary/)
      assert.ok(res.text.includes(message), `${query}: ${message}`)
    }
  })

  it('downloads a table as CSV with the rows the page shows', async () => {
    const page = await manager.get(`/insight/caseload?date=${DATE}&locality=N`)
    const shown = tableRows(page.text, 'by-need')
    const res = await manager.get(`/insight/caseload?date=${DATE}&locality=N&download=by-need&format=csv`)
    assert.equal(res.status, 200)
    assert.match(res.headers['content-type']!, /text\/csv/)
    assert.match(res.headers['content-disposition']!, /by-need-2026-01-15\.csv/)
    const csv = parse(res.text) as string[][]
    assert.deepEqual(csv, shown)
    const xlsx = await manager.get(`/insight/caseload?date=${DATE}&download=by-need&format=xlsx`)
    assert.equal(xlsx.status, 200)
    assert.match(xlsx.headers['content-type']!, /spreadsheetml/)
    const none = await manager.get(`/insight/caseload?download=nothing`)
    assert.equal(none.status, 400)
  })

  it('shows 20-week timeliness, reviews outstanding and requests by source', async () => {
    const timely = await manager.get('/insight/timeliness?from=2025&to=2026&year=2025')
    assert.equal(timely.status, 200)
    const byYear = tableRows(timely.text, 'twenty-weeks-by-year')
    assert.deepEqual(rowOf(byYear, '2025')!.slice(1, 4), ['1', '1', '100%'])
    assert.deepEqual(rowOf(byYear, '2026')!.slice(1, 4), ['1', '0', '0%'])
    assert.deepEqual(rowOf(tableRows(timely.text, 'twenty-weeks-by-month'), 'September')!.slice(1, 4), [
      '1',
      '1',
      '100%',
    ])
    const casework = await manager.get(`/insight/casework?date=${DATE}&from=2025&to=2026`)
    assert.equal(casework.status, 200)
    assert.deepEqual(rowOf(tableRows(casework.text, 'reviews-outstanding'), 'Total'), ['Total', '1'])
    assert.deepEqual(rowOf(tableRows(casework.text, 'requests-by-source'), 'Early years setting'), [
      'Early years setting',
      'Yes',
      '2',
      '0',
    ])
    assert.deepEqual(rowOf(tableRows(casework.text, 'compliments'), '2025'), ['2025', '2'])
  })

  it('shows top-up money by level, locality and school to the finance roles only', async () => {
    const res = await manager.get('/insight/money?fy=2026-27')
    assert.equal(res.status, 200)
    assert.match(res.text, /Top-up funding for 2026-27, by level/)
    assert.ok(tableRows(res.text, 'topup-by-school').some(r => r[0] === 'Alder Primary School'))
    const officer = await signedIn(t.app, 'officer')
    assert.equal((await officer.get('/insight/money')).status, 403)
    assert.equal((await officer.get('/insight')).status, 200)
  })

  it('reads the money afresh when an agreed award changes, however it was changed', async () => {
    const total = async () =>
      rowOf(tableRows((await manager.get('/insight/money?fy=2026-27')).text, 'topup-by-level'), 'Total')![2]
    const before = await total()
    const agreed = await t.database.db
      .selectFrom('award')
      .select('id')
      .where('la_code', '=', LA)
      .where('status', '=', 'agreed')
      .where('start_date', '<=', '2027-03-31')
      .where(eb => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', '2026-04-01')]))
      .executeTakeFirstOrThrow()
    // Straight in the database: the cache knows a change by the rows, not by the code that made it.
    await t.database.db.updateTable('award').set({ status: 'draft' }).where('id', '=', agreed.id).execute()
    assert.notEqual(await total(), before)
    await t.database.db.updateTable('award').set({ status: 'agreed' }).where('id', '=', agreed.id).execute()
    assert.equal(await total(), before)
  })

  it('refuses school users and panel members', async () => {
    for (const username of ['senco.a', 'panel']) {
      const client = await signedIn(t.app, username)
      for (const path of ['/insight', '/insight/caseload', '/insight/scrutiny', '/insight/caseload?download=by-need'])
        assert.equal((await client.get(path)).status, 403, `${username} ${path}`)
    }
  })
})

describe('the scrutiny report', () => {
  it('follows seed 004 for the date, saying what is not recorded, and downloads its tables', async () => {
    const res = await manager.get('/insight/scrutiny?date=2026-01-18')
    assert.equal(res.status, 200)
    for (const heading of [
      'EHCP cohort and growth',
      'EHCP by NC year age group',
      'EHC new requests completed within the 20-week statutory timeframe',
      'Annual reviews',
      'Appeals (tribunals)',
      'Compliments and complaints',
    ])
      assert.ok(res.text.includes(heading), heading)
    assert.ok(res.text.includes('No Written Statement of Action has been recorded.'))
    assert.ok(res.text.includes('No Dedicated Schools Grant budget has been recorded.'))
    assert.match(res.text, /On 18 January 2026, 3 EHC plans were in force\./)
    assert.match(res.text, /class="govuk-template__body app-print-report"/)
    assert.deepEqual(rowOf(tableRows(res.text, 'reviews-outstanding'), 'Total'), ['Total', '1'])
    const csv = await manager.get('/insight/scrutiny?date=2026-01-18&download=by-nc-year&format=csv')
    assert.equal(csv.status, 200)
    assert.deepEqual(parse(csv.text), tableRows(res.text, 'by-nc-year'))
    const bad = await manager.get('/insight/scrutiny?date=18/01/2026')
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter the date as a real date/)
  })

  it('audits each read and download with the filters, never a child', async () => {
    const { rows } = await sql<{ action: string; record_type: string | null; details: unknown }>`
      select action, record_type, details from audit_event where la_code = ${LA} and action like 'insight.%'`.execute(
      t.database.db,
    )
    assert.ok(rows.some(r => r.action === 'insight.dashboard.read'))
    assert.ok(rows.some(r => r.action === 'insight.dashboard.download'))
    assert.ok(rows.some(r => r.action === 'insight.scrutiny.read'))
    assert.ok(rows.some(r => r.action === 'insight.scrutiny.download'))
    const text = JSON.stringify(rows)
    for (const name of ['Ada', 'Quill', 'Rowan', 'Sorrel', 'Thorn', t.fixture.children.ada!])
      assert.ok(!text.includes(name), `audit names ${name}`)
    assert.ok(rows.every(r => r.record_type === null))
  })
})

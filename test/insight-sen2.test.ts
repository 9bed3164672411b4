import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import type { Kysely } from 'kysely'
import { allNamed, childrenNamed, parseXml, valueOf, type XmlElement } from '../src/insight/rules/sen2-xml.ts'
import type { DB } from '../src/schema.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { LA, type Fixture } from './support/fixture.ts'

// The January 2026 return (census Thursday 15 January 2026, activity in calendar year 2025) from a
// few records put straight into the fixture (today is 23 November 2026):
// - Ada (F0001, UPN): requested 1 April 2025, plan issued 11 August 2025 — but the plan record says it
//   started on 1 August, before the date it was issued (L-N2).
// - Cara (F0003, no UPN, 13): requested 3 February 2025 by her school, plan issued 16 June 2025 naming
//   Birch Academy (where she is in resourced provision); needs SEMH and SLCN (L-P6: no UPN).
// - Dev (F0004): a plan from 2019 with no request record (historical), naming Cedar Special School;
//   needs SLD and 'XYZ' (L-SN1); placed at Cedar since 2019 and also at Alder from September 2024 (L-PD3).
// - Eve (F0005, no UPN, 7): requested 6 October 2025 by her parent, refused 10 November 2025, then mediation.
// - Ben has no request or plan: not in the return.

let t: TestApp
let manager: Client
const db = () => t.database.db

async function loadSen2Records(db: Kysely<DB>, f: Fixture) {
  const officer = f.users.officer!
  const base = { la_code: LA, officer_id: officer, received_via: 'email' as const, created_by: officer }
  const request = async (values: Record<string, unknown>) =>
    (
      await db
        .insertInto('ehc_request')
        .values({ ...base, ...values } as never)
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const plan = async (values: Record<string, unknown>, needs: string[]) => {
    const { id } = await db
      .insertInto('ehc_plan')
      .values({ la_code: LA, created_by: officer, ...values } as never)
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('ehc_plan_need')
      .values(needs.map((need_code, i) => ({ la_code: LA, plan_id: id, rank: i + 1, need_code })))
      .execute()
    return id
  }
  const issue = (requestId: string, planId: string, on: string) =>
    db.updateTable('ehc_request').set({ final_issued_on: on, plan_id: planId }).where('id', '=', requestId).execute()

  const cara = await request({
    child_id: f.children.cara,
    source: 'school',
    arrived_on: '2025-02-03',
    received_on: '2025-02-03',
    decision: 'assess',
    decision_on: '2025-03-10',
    outcome: 'issue_plan',
    outcome_on: '2025-05-12',
    draft_sent_on: '2025-05-19',
  })
  const caraPlan = await plan(
    { child_id: f.children.cara, request_id: cara, issued_on: '2025-06-16', named_setting_id: f.settings.schoolB },
    ['SEMH', 'SLCN'],
  )
  await issue(cara, caraPlan, '2025-06-16')

  const ada = await request({
    child_id: f.children.ada,
    source: 'parent',
    arrived_on: '2025-04-01',
    received_on: '2025-04-01',
    decision: 'assess',
    decision_on: '2025-05-06',
    outcome: 'issue_plan',
    outcome_on: '2025-07-01',
    draft_sent_on: '2025-07-07',
  })
  const adaPlan = await plan(
    { child_id: f.children.ada, request_id: ada, issued_on: '2025-08-01', named_setting_id: f.settings.schoolA },
    ['SLCN'],
  )
  await issue(ada, adaPlan, '2025-08-11')

  await plan({ child_id: f.children.dev, issued_on: '2019-01-07', named_setting_id: f.settings.special }, [
    'SLD',
    'XYZ',
  ])
  await db
    .insertInto('placement')
    .values({ la_code: LA, child_id: f.children.dev, setting_id: f.settings.schoolA, start_date: '2024-09-01' })
    .execute()

  const eve = await request({
    child_id: f.children.eve,
    source: 'parent',
    arrived_on: '2025-10-06',
    received_on: '2025-10-06',
    decision: 'not_assess',
    decision_on: '2025-11-10',
  })
  await db
    .insertInto('mediation_case')
    .values({
      la_code: LA,
      child_id: f.children.eve,
      request_id: eve,
      decision_kind: 'not_to_assess',
      decision_on: '2025-11-10',
      adviser_contacted_on: '2025-11-20',
      family_choice: 'mediation',
      created_by: officer,
    })
    .execute()
}

before(async () => {
  t = await startTestApp()
  await loadSen2Records(t.database.db, t.fixture)
  manager = await signedIn(t.app, 'manager')
})
after(() => t?.close())

const person = (root: XmlElement, upnOrSurname: string) =>
  allNamed(root, 'Person').find(p => valueOf(p, 'UPN') === upnOrSurname || valueOf(p, 'Surname') === upnOrSurname)!

describe('the SEN2 return', () => {
  it('writes the XML for the January 2026 census with each person, request, plan, placement and need', async () => {
    const res = await manager.get('/insight/sen2/return.xml?date=2026-01-15')
    assert.equal(res.status, 200)
    assert.match(res.headers['content-type']!, /^application\/xml/)
    assert.match(res.headers['content-disposition']!, /^attachment; filename="sen2-2026-01-15\.xml"/)
    assert.equal(res.headers['cache-control'], 'no-store')
    const root = parseXml(res.text)
    const details = childrenNamed(childrenNamed(root, 'Header')[0]!, 'CollectionDetails')[0]!
    assert.equal(valueOf(details, 'Collection'), 'SEN2')
    assert.equal(valueOf(details, 'Year'), '2026')
    assert.equal(valueOf(details, 'ReferenceDate'), '2026-01-15')
    assert.equal(valueOf(childrenNamed(childrenNamed(root, 'Header')[0]!, 'Source')[0]!, 'LEA'), LA)
    assert.deepEqual(
      allNamed(root, 'Person').map(p => valueOf(p, 'Surname')),
      ['Quill', 'Rowan', 'Sorrel', 'Thorn'],
      'Ada, Cara, Dev and Eve in local id order; Ben has no casework',
    )

    const cara = person(root, 'Rowan')
    assert.equal(valueOf(cara, 'UPN'), undefined)
    const caraRequest = childrenNamed(cara, 'Requests')[0]!
    assert.equal(valueOf(caraRequest, 'ReceivedDate'), '2025-02-03')
    assert.equal(valueOf(caraRequest, 'RequestSource'), '2')
    assert.equal(valueOf(caraRequest, 'RequestOutcome'), 'Y')
    assert.equal(valueOf(caraRequest, 'RequestOutcomeDate'), '2025-03-10')
    const assessment = childrenNamed(caraRequest, 'Assessment')[0]!
    assert.equal(valueOf(assessment, 'AssessmentOutcome'), 'Y')
    assert.equal(valueOf(assessment, 'AssessmentOutcomeDate'), '2025-06-16')
    assert.equal(valueOf(assessment, 'Week20'), '0')
    const named = childrenNamed(assessment, 'NamedPlan')[0]!
    assert.equal(valueOf(named, 'StartDate'), '2025-06-16')
    assert.equal(valueOf(named, 'CeaseDate'), undefined)
    const detail = childrenNamed(named, 'PlanDetail')[0]!
    assert.equal(valueOf(detail, 'URN'), '900002')
    assert.equal(valueOf(detail, 'ResourcedProvisionIndicator'), '1')
    const active = childrenNamed(caraRequest, 'ActivePlans')[0]!
    const placements = childrenNamed(active, 'PlacementDetail')
    assert.deepEqual(
      placements.map(p => [valueOf(p, 'URN'), valueOf(p, 'EntryDate'), valueOf(p, 'PlacementRank')]),
      [['900002', '2023-09-04', '1']],
      'the placement at Alder ended in 2023, before the year',
    )
    assert.deepEqual(
      childrenNamed(active, 'SENneed').map(n => [valueOf(n, 'SENtype'), valueOf(n, 'SENtypeRank')]),
      [
        ['SEMH', '1'],
        ['SLCN', '2'],
      ],
    )

    const dev = childrenNamed(person(root, 'Sorrel'), 'Requests')[0]!
    assert.equal(valueOf(dev, 'RequestOutcome'), 'H')
    assert.equal(valueOf(dev, 'ReceivedDate'), '2019-01-07')
    assert.equal(valueOf(childrenNamed(dev, 'Assessment')[0]!, 'AssessmentOutcome'), 'H')
    assert.equal(childrenNamed(childrenNamed(dev, 'ActivePlans')[0]!, 'PlacementDetail').length, 2)

    const eve = childrenNamed(person(root, 'Thorn'), 'Requests')[0]!
    assert.equal(valueOf(eve, 'RequestOutcome'), 'N')
    assert.equal(valueOf(eve, 'RequestOutcomeDate'), '2025-11-10')
    assert.equal(valueOf(eve, 'RequestSource'), '1')
    assert.equal(valueOf(eve, 'RequestMediation'), '1')
    assert.equal(childrenNamed(eve, 'Assessment').length, 0)
    assert.equal(valueOf(person(root, 'Thorn'), 'UPNunknown'), undefined, 'Eve is 7: no UPNunknown reason we can give')
  })

  it('numbers each XML file made for a date and audits every file without names', async () => {
    const first = parseXml((await manager.get('/insight/sen2/return.xml?date=2026-01-15')).text)
    const second = parseXml((await manager.get('/insight/sen2/return.xml?date=2026-01-15')).text)
    const serial = (root: XmlElement) =>
      Number(valueOf(childrenNamed(childrenNamed(root, 'Header')[0]!, 'Source')[0]!, 'SerialNo'))
    assert.equal(serial(second), serial(first) + 1)
    await manager.get('/insight/sen2/module-2.csv?date=2026-01-15')
    const events = await db()
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'sen2.download')
      .orderBy('id')
      .execute()
    const last = events.at(-1)!
    assert.equal(last.record_id, '2026-01-15/module-2')
    assert.equal(last.username, 'manager')
    const details = last.details as Record<string, unknown>
    assert.equal(details.referenceDate, '2026-01-15')
    assert.equal(details.persons, 4)
    assert.equal(details.rows, 4)
    assert.equal(details.plansInForce, 3)
    assert.doesNotMatch(JSON.stringify(events.map(e => e.details)), /Rowan|Quill|Sorrel|Thorn/)
  })

  it('writes each module as a CSV whose header is the element names, keyed by local id', async () => {
    const res = await manager.get('/insight/sen2/module-1.csv?date=2026-01-15')
    assert.equal(res.status, 200)
    assert.match(res.headers['content-disposition']!, /attachment; filename="sen2-2026-01-15-module-1\.csv"/)
    const [header, ...rows] = parse(res.text) as string[][]
    assert.deepEqual(header!.slice(0, 5), ['LocalId', 'Surname', 'Forename', 'PersonBirthDate', 'Sex'])
    assert.deepEqual(
      rows.map(r => r[0]),
      ['F0001', 'F0003', 'F0004', 'F0005'],
    )
    const needs = parse((await manager.get('/insight/sen2/module-5c.csv?date=2026-01-15')).text) as string[][]
    assert.deepEqual(needs[0], ['LocalId', 'RequestNo', 'SENtype', 'SENtypeRank'])
    assert.deepEqual(
      needs.slice(1).map(r => r.join(' ')),
      ['F0001 1 SLCN 1', 'F0003 1 SEMH 1', 'F0003 1 SLCN 2', 'F0004 1 SLD 1', 'F0004 1 XYZ 2'],
    )
    assert.equal((await manager.get('/insight/sen2/module-9.csv?date=2026-01-15')).status, 404)
  })

  it('reports a missing UPN, an invalid need, dates out of order and overlapping placements, errors first', async () => {
    const res = await manager.get('/insight/sen2?date=2026-01-15')
    assert.equal(res.status, 200)
    assert.match(res.text, /3 in force on the reference date/)
    const csv = await manager.get('/insight/sen2/validation.csv?date=2026-01-15')
    assert.equal(csv.status, 200)
    const [header, ...rows] = parse(csv.text) as string[][]
    assert.deepEqual(header, ['Severity', 'Rule', 'LocalId', 'Element', 'Message'])
    const has = (rule: string, localId: string, element: string) =>
      rows.some(r => r[1] === rule && r[2] === localId && r[3] === element)
    assert.ok(has('L-P6', 'F0003', 'UPN'), 'Cara has no UPN')
    assert.ok(has('L-P6', 'F0005', 'UPN'), 'Eve has no UPN')
    assert.ok(has('L-SN1', 'F0004', 'SENtype'), "Dev's XYZ need")
    assert.ok(has('L-N2', 'F0001', 'StartDate'), "Ada's plan starts before it was issued")
    assert.ok(has('L-PD3', 'F0004', 'PlacementDetail'), "Dev's overlapping rank-1 placements")
    assert.ok(!rows.some(r => r[2] === 'F0002'))
    const severities = rows.map(r => r[0])
    assert.deepEqual(severities, [...severities].sort(), 'errors before queries')
    assert.doesNotMatch(csv.text, /Rowan|Quill|Sorrel|Thorn/, 'the file names no one')
    // The page names the children for LA staff, beside their local ids.
    assert.match(res.text, /Cara Rowan<\/a> \(F0003\)/)
    assert.match(res.text, /L-PD3/)
  })

  it('defaults to the latest census date and answers a bad or future date with the error summary', async () => {
    const page = await manager.get('/insight/sen2')
    assert.equal(page.status, 200)
    assert.match(page.text, /value="2026-01-15"/)
    const bad = await manager.get('/insight/sen2?date=2026-02-30')
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /Enter the reference date as a real date/)
    const future = await manager.get('/insight/sen2?date=2027-01-21')
    assert.equal(future.status, 400)
    assert.match(future.text, /today or in the past/)
    assert.equal((await manager.get('/insight/sen2/return.xml?date=nonsense')).status, 400)
    const other = await manager.get('/insight/sen2?date=2026-01-20')
    assert.equal(other.status, 200)
    assert.match(other.text, /is not the 2026 census date/)
  })

  it('is for the LA admin and SEND managers only', async () => {
    const admin = await signedIn(t.app, 'admin')
    assert.equal((await admin.get('/insight/sen2?date=2026-01-15')).status, 200)
    for (const username of ['officer', 'panel', 'finance', 'senco.a']) {
      const client = await signedIn(t.app, username)
      assert.equal((await client.get('/insight/sen2?date=2026-01-15')).status, 403, username)
      assert.equal((await client.get('/insight/sen2/return.xml?date=2026-01-15')).status, 403, username)
      assert.equal((await client.get('/insight/sen2/validation.csv?date=2026-01-15')).status, 403, username)
    }
    const generated = await db()
      .selectFrom('audit_event')
      .select(['username', 'details'])
      .where('action', '=', 'sen2.generate')
      .execute()
    assert.ok(generated.some(g => g.username === 'admin'))
  })
})

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { LA } from './support/fixture.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'

// A fixture year, 2025: twelve new plans issued in it (and two either side that must not count), with
// the request and issue dates chosen by hand. "Within 20 weeks" = issued no more than 140 days after
// the request was received. Days counted by hand:
//
//   #   received     issued       days  within  exception              month
//   1   2024-09-02   2025-01-20   140   yes                            Jan
//   2   2024-09-02   2025-01-21   141   no                             Jan
//   3   2024-10-01   2025-02-10   132   yes                            Feb
//   4   2024-11-04   2025-03-24   140   yes                            Mar
//   5   2024-11-04   2025-04-30   177   no      from 2025-01-10        Apr
//   6   2025-01-06   2025-05-19   133   yes     from 2025-06-01 (after the issue: does not count)  May
//   7   2025-02-03   2025-06-23   140   yes                            Jun
//   8   2025-02-03   2025-07-14   161   no                             Jul
//   9   2025-03-03   2025-07-14   133   yes                            Jul
//  10   2025-04-07   2025-09-29   175   no      from 2025-07-21        Sep
//  11   2025-06-02   2025-10-20   140   yes                            Oct
//  12   2025-07-07   2025-12-22   168   no                             Dec
//   -   2024-08-01   2024-12-20   (2024: not counted)
//   -   2025-09-01   2026-01-19   (2026: not counted)
//
// Including exceptions: 7 of 12 = 58.33…% → 58.3. Excluding exceptions (#5 and #10 left out of both
// counts): 7 of 10 = 70.0. By month, including / excluding: Jan 1/2 = 50, 1/2 = 50; Feb 1/1 = 100;
// Mar 1/1 = 100; Apr 0/1 = 0, 0/0 = none; May 1/1 = 100; Jun 1/1 = 100; Jul 1/2 = 50, 1/2 = 50;
// Aug none; Sep 0/1 = 0, 0/0 = none; Oct 1/1 = 100; Nov none; Dec 0/1 = 0, 0/1 = 0.

const PLANS: [string, string, string | null][] = [
  ['2024-09-02', '2025-01-20', null],
  ['2024-09-02', '2025-01-21', null],
  ['2024-10-01', '2025-02-10', null],
  ['2024-11-04', '2025-03-24', null],
  ['2024-11-04', '2025-04-30', '2025-01-10'],
  ['2025-01-06', '2025-05-19', '2025-06-01'],
  ['2025-02-03', '2025-06-23', null],
  ['2025-02-03', '2025-07-14', null],
  ['2025-03-03', '2025-07-14', null],
  ['2025-04-07', '2025-09-29', '2025-07-21'],
  ['2025-06-02', '2025-10-20', null],
  ['2025-07-07', '2025-12-22', null],
  ['2024-08-01', '2024-12-20', null],
  ['2025-09-01', '2026-01-19', null],
]
// Who asked, for the requests received in 2025 (#6–#12 and the last): parent 3, school 2, early years 2, health 1.
const SOURCES = ['early_years', 'school', 'parent', 'parent', 'early_years', 'health', 'parent', 'school'] as const
// Plans ceased in 2025 by SEN2 reason: #1 (5, transferred to another LA), #2 and #3 (2, needs met); the rest in 2026.
const CEASED: Record<number, [string, number]> = { 0: ['2025-08-31', 5], 1: ['2025-12-31', 2], 2: ['2025-12-31', 2] }

let t: TestApp
let manager: Client

before(async () => {
  t = await startTestApp()
  const db = t.database.db
  const { children, users, settings } = t.fixture
  const kids = Object.values(children)
  let source = 0
  for (const [i, [received, issued, exceptionFrom]] of PLANS.entries()) {
    const child = kids[i % kids.length]!
    const { id } = await db
      .insertInto('ehc_request')
      .values({
        la_code: LA,
        child_id: child,
        officer_id: users.officer!,
        source: received.startsWith('2025') ? SOURCES[source++]! : 'parent',
        received_via: 'email',
        arrived_on: received,
        received_on: received,
        decision: 'assess',
        decision_on: received,
        outcome: 'issue_plan',
        outcome_on: received,
        draft_sent_on: received,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    // Every plan has ceased (so five children can hold fourteen), most after 2025.
    const [ceasedOn, reason] = CEASED[i] ?? ['2026-02-01', 9]
    const plan = await db
      .insertInto('ehc_plan')
      .values({
        la_code: LA,
        child_id: child,
        request_id: id,
        issued_on: issued,
        named_setting_id: settings.schoolA,
        ceased_on: ceasedOn < issued ? issued : ceasedOn,
        cease_reason: reason,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .updateTable('ehc_request')
      .set({ final_issued_on: issued, plan_id: plan.id })
      .where('id', '=', id)
      .execute()
    if (exceptionFrom)
      await db
        .insertInto('casework_exception')
        .values({
          la_code: LA,
          request_id: id,
          kind: 'personal_circumstances',
          from_date: exceptionFrom,
          to_date: '2025-08-31',
          reason: 'Family in hospital.',
          applied_by: users.officer!,
        })
        .execute()
  }
  await db
    .insertInto('tribunal_appeal')
    .values({
      la_code: LA,
      child_id: children.cara,
      decision_kind: 'plan_content',
      decision_on: '2025-03-03',
      registered_on: '2025-05-01',
      appeal_reasons: JSON.stringify(['section_f', 'section_i']),
    } as never)
    .execute()
  await db
    .insertInto('complaint')
    .values({
      la_code: LA,
      received_on: '2025-06-02',
      stage: 1,
      subject: 'Late letters.',
      response_due_on: '2025-06-30',
    } as never)
    .execute()
  // Annual reviews outstanding today (2026-11-23): Eve's plan (recorded without a request, so not a new
  // plan above), issued 2025-09-15, never reviewed (due 2026-09-15); Ben's, issued 2025-10-01, its
  // meeting held 2026-10-05 but no decision sent.
  const inForce = (child: string, issued: string) =>
    db
      .insertInto('ehc_plan')
      .values({ la_code: LA, child_id: child, issued_on: issued, named_setting_id: settings.schoolB })
      .returning('id')
      .executeTakeFirstOrThrow()
  await inForce(children.eve, '2025-09-15')
  const ben = await inForce(children.ben, '2025-10-01')
  await db
    .insertInto('annual_review')
    .values({ la_code: LA, plan_id: ben.id, due_on: '2026-10-01', meeting_on: '2026-10-05' })
    .execute()
  await db.insertInto('compliment').values({ la_code: LA, received_on: '2025-03-03', about: 'Thank you.' }).execute()
  manager = await signedIn(t.app, 'manager')
})
after(() => t.close())

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

describe('the casework measures for 2025', () => {
  it('shows the 20-week measure counted by hand, with numerator and denominator', async () => {
    const res = await manager.get('/casework/measures?year=2025')
    assert.equal(res.status, 200)
    const shown = text(res.text)
    assert.match(
      shown,
      /58\.3% of new plans issued in 2025 were issued within 20 weeks including exceptions \(7 of 12\); 70% excluding exceptions \(7 of 10\)/,
    )
    assert.match(shown, /January 2 1 50 2 1 50 /)
    assert.match(shown, /April 1 0 0 0 0 – /)
    assert.match(shown, /August 0 0 – 0 0 – /)
    assert.match(shown, /September 1 0 0 0 0 – /)
    assert.match(shown, /December 1 0 0 1 0 0 /)
    assert.match(shown, /2025 12 7 58\.3 10 7 70 /)
    // No child is named on the page, and the read is audited with the year only.
    assert.doesNotMatch(shown, /Quill|Rowan|Sorrel|Thorn/)
    const entry = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'casework.measures.read')
      .executeTakeFirstOrThrow()
    assert.deepEqual(entry.details, { year: 2025 })
  })

  it('downloads the 20-week table as CSV with the same figures, and as XLSX', async () => {
    const csv = await manager.get('/casework/measures/download?year=2025&table=twenty-weeks&format=csv')
    assert.equal(csv.status, 200)
    assert.match(String(csv.headers['content-disposition']), /casework-twenty-weeks-2025\.csv/)
    const lines = csv.text.trim().split('\n')
    assert.equal(
      lines[0],
      'Month,Plans issued,Within 20 weeks,% including exceptions,Plans without an exception,Within 20 weeks without an exception,% excluding exceptions',
    )
    assert.deepEqual(lines.slice(1), [
      'January,2,1,50,2,1,50',
      'February,1,1,100,1,1,100',
      'March,1,1,100,1,1,100',
      'April,1,0,0,0,0,',
      'May,1,1,100,1,1,100',
      'June,1,1,100,1,1,100',
      'July,2,1,50,2,1,50',
      'August,0,0,,0,0,',
      'September,1,0,0,0,0,',
      'October,1,1,100,1,1,100',
      'November,0,0,,0,0,',
      'December,1,0,0,1,0,0',
      '2025,12,7,58.3,10,7,70',
    ])
    const xlsx = await manager.get('/casework/measures/download?year=2025&table=twenty-weeks&format=xlsx')
    assert.equal(xlsx.status, 200)
    assert.match(String(xlsx.headers['content-type']), /spreadsheetml/)
  })

  it('counts plans ceased by reason, requests by who asked, tribunals, complaints and compliments', async () => {
    const csv = async (table: string) =>
      (await manager.get(`/casework/measures/download?year=2025&table=${table}&format=csv`)).text.trim().split('\n')
    const ceased = await csv('ceased')
    assert.equal(ceased[2], '2,Needs met without an EHC plan,2')
    assert.equal(ceased[5], '5,Transferred to another LA in England,1')
    assert.equal(ceased.at(-1), ',Total,3')
    const sources = await csv('sources')
    assert.deepEqual(sources.slice(1), [
      'Parent,No,3',
      'Young person,No,0',
      'School or college,No,2',
      'Early years setting,Yes,2',
      'Health,No,1',
      'Social care,No,0',
      'Other,No,0',
      'Total,,8',
    ])
    const tribunals = await csv('tribunals')
    assert.ok(tribunals.some(l => /^Section I.*,1$/.test(l)))
    assert.equal(tribunals.at(-1), 'Appeals (each counted once),1')
    assert.deepEqual(await csv('complaints'), ['Stage,2025', 'Stage 1,1', 'Stage 2,0', 'Ombudsman,0'])
    assert.deepEqual(await csv('compliments'), ['Year,Compliments', '2025,1'])
    assert.deepEqual(await csv('reviews-outstanding'), [
      'Missing,Plans',
      'Review meeting not held,1',
      '"Meeting held, decision not sent",1',
      'Total,2',
    ])
  })

  it('refuses a bad year or table with 400 and an error summary', async () => {
    for (const q of ['year=25', 'year=abc', 'year=2101']) {
      const res = await manager.get(`/casework/measures?${q}`)
      assert.equal(res.status, 400, q)
      assert.match(res.text, /There is a problem/)
    }
    assert.equal((await manager.get('/casework/measures/download?year=2025&table=names')).status, 400)
  })
})

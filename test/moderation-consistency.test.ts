import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import request from 'supertest'
import { signedIn, startTestApp, type TestApp } from './support/app.ts'
import { LA, loadModerationFixture, type ModerationFixture } from './support/fixture.ts'

// The panel consistency report over hand-made decisions. Today is 2026-11-23, so the default window
// is 2025-11-23 to 2026-11-23. With the fixture's two (Ada at Alder 1 → 2; Eve at Birch agreed at 1):
//
//   #  pupil (primary need)  school (locality)      panel  session     proposed → decided
//   1  Ada (SLCN)            Alder (Northtown)      1      2026-11-16  1 → 2  raised     (fixture)
//   2  Eve (NSA)             Birch (Southbury)      1      2026-11-16  1 → 1  agreed     (fixture)
//   3  Ben (SPLD)            Alder                  1      2026-11-16  3 → 2  lowered
//   4  Ben (SPLD)            Alder                  1      2026-03-01  2 → 1  lowered
//   5  Ada (SLCN)            Alder                  2      2026-10-01  2 → 3  raised
//   6  Cara (SEMH)           Birch                  1      2026-11-16  2 → 2  agreed, superseding an issued 2 → 3
//   7  Dev (SLD)             Cedar (Northtown)      1      2025-06-01  4 → 4  agreed     (before the window)
//   –  Dev                   Cedar                  1      2026-11-16  returned for evidence: sets no level
//   –  Ben                   Alder                  1      2026-11-30  2 → 3, not issued (the fixture's pending case)
let t: TestApp
let m: ModerationFixture
let panel2: string
before(async () => {
  t = await startTestApp()
  m = await loadModerationFixture(t.database.db, t.fixture)
  const { db } = t.database
  const { children, settings, users, versions } = t.fixture
  panel2 = (
    await db
      .insertInto('panel')
      .values({ la_code: LA, name: 'Second panel', quorum: 1 })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  const [march, october, lastYear] = await db
    .insertInto('panel_session')
    .values([
      { la_code: LA, panel_id: m.panel, session_date: '2026-03-01' },
      { la_code: LA, panel_id: panel2, session_date: '2026-10-01' },
      { la_code: LA, panel_id: m.panel, session_date: '2025-06-01' },
    ])
    .returning('id')
    .execute()
  const award = (childId: string, settingId: string) => ({
    la_code: LA,
    child_id: childId,
    setting_id: settingId,
    matrix_version_id: versions.approved,
    funded_setting_type: 'mainstream' as const,
    start_date: '2026-04-01',
  })
  const awards = await db
    .insertInto('award')
    .values([
      award(children.ben, settings.schoolA),
      award(children.ben, settings.schoolA),
      award(children.ada, settings.schoolA),
      award(children.cara, settings.schoolB),
      award(children.dev, settings.special),
      award(children.dev, settings.special),
    ])
    .returning('id')
    .execute()
  const sessions = [m.sessions.past, march!.id, october!.id, m.sessions.past, lastYear!.id, m.sessions.past]
  const cases = await db
    .insertInto('panel_case')
    .values(
      awards.map((a, i) => ({
        la_code: LA,
        session_id: sessions[i]!,
        award_id: a.id,
        position: 10 + i,
        status: 'issued' as const,
      })),
    )
    .returning('id')
    .execute()
  const at = new Date('2026-11-16T11:00:00Z')
  const decision = (i: number, proposed: number, decided: number) => ({
    la_code: LA,
    case_id: cases[i]!.id,
    award_id: awards[i]!.id,
    outcome: proposed === decided ? ('agree' as const) : ('change_level' as const),
    proposed_level: proposed,
    decided_level: decided,
    reason: proposed === decided ? null : 'The evidence shows a different level.',
    start_date: '2026-04-01',
    decided_by: users.panel!,
    decided_at: at,
    issued_at: at,
    issued_by: users.manager!,
  })
  const [, , , caraFirst] = await db
    .insertInto('panel_decision')
    .values([
      decision(0, 3, 2),
      decision(1, 2, 1),
      decision(2, 2, 3),
      { ...decision(3, 2, 3), superseded_at: at },
      decision(4, 4, 4),
      {
        ...decision(5, 3, 3),
        outcome: 'return',
        decided_level: null,
        start_date: null,
        evidence_needed: 'An educational psychology report.',
      },
    ])
    .returning('id')
    .execute()
  await db
    .insertInto('panel_decision')
    .values([
      { ...decision(3, 2, 2), supersedes: caraFirst!.id, reason: 'The level was recorded wrongly.' },
      // Ben's pending case at the upcoming session: decided but not issued.
      {
        la_code: LA,
        case_id: m.cases.ben,
        award_id: m.awards.benSubmitted,
        outcome: 'change_level',
        proposed_level: 2,
        decided_level: 3,
        reason: 'More support is needed.',
        start_date: '2026-11-30',
        decided_by: users.panel!,
        decided_at: at,
      },
    ])
    .execute()
})
after(() => t.close())

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')

/** The text of a table's row whose header cell starts with `label`. */
function rowOf(html: string, caption: string, label: string): string {
  const table = html.split('<table').find(t => t.includes(`${caption}</caption>`))
  assert.ok(table, `No table captioned ${caption}`)
  const row = (table.match(/<tr[\s\S]*?<\/tr>/g) ?? []).find(
    r => /scope="row"/.test(r) && text(r).trim().startsWith(label),
  )
  assert.ok(row, `No row ${label} in ${caption}`)
  return text(row).trim()
}

describe('panel consistency', () => {
  it('counts the current issued decisions that set a level, by school, locality, area and level', async () => {
    const manager = await signedIn(t.app, 'manager')
    const res = await manager.get('/moderation/consistency')
    assert.equal(res.status, 200)
    const page = text(res.text)
    assert.match(page, /Sessions from 23 November 2025 to 23 November 2026/)
    assert.match(page, /6 decisions set a level: the panel agreed 2, raised 2 and lowered 2, so changed 67%/)
    assert.match(page, /the school over-scored/)
    // Columns: decided, agreed, raised, lowered, changed, mean shift.
    assert.equal(
      rowOf(res.text, 'By school', 'Alder Primary School'),
      'Alder Primary School Consider training Northtown 4 0 2 2 100% 0',
    )
    assert.equal(rowOf(res.text, 'By school', 'Birch Academy'), 'Birch Academy Southbury 2 2 0 0 0% 0')
    assert.doesNotMatch(res.text, /Cedar Special School/)
    assert.equal(rowOf(res.text, 'By locality', 'Northtown'), 'Northtown Consider training 4 0 2 2 100% 0')
    assert.equal(rowOf(res.text, 'By locality', 'Southbury'), 'Southbury 2 2 0 0 0% 0')
    const area = '(the pupil&#39;s primary need)'
    assert.equal(
      rowOf(res.text, `By area of need ${area}`, 'Communication and interaction'),
      'Communication and interaction 2 0 2 0 100% +1',
    )
    assert.equal(
      rowOf(res.text, `By area of need ${area}`, 'Cognition and learning'),
      'Cognition and learning 2 0 0 2 100% -1',
    )
    assert.equal(
      rowOf(res.text, `By area of need ${area}`, 'Social, emotional and mental health'),
      'Social, emotional and mental health 1 1 0 0 0% 0',
    )
    assert.equal(
      rowOf(res.text, `By area of need ${area}`, 'Other or not recorded'),
      'Other or not recorded 1 1 0 0 0% 0',
    )
    assert.equal(rowOf(res.text, 'By proposed level', 'Level 1'), 'Level 1 2 1 1 0 50% +0.5')
    assert.equal(rowOf(res.text, 'By proposed level', 'Level 2'), 'Level 2 Consider training 3 1 1 1 67% 0')
    assert.equal(rowOf(res.text, 'By proposed level', 'Level 3'), 'Level 3 1 0 0 1 100% -1')
    // A bar per row, with its numbers as the text alternative; no pupil is named anywhere.
    assert.match(res.text, /<svg[^>]*role="img" aria-label="0 agreed, 2 raised, 2 lowered"/)
    assert.doesNotMatch(page, /\b(Ada|Ben|Cara|Dev|Eve|Quill|Rowan|Sorrel|Thorn)\b/)
  })

  it('filters by the session dates and by panel', async () => {
    const panel = await signedIn(t.app, 'panel')
    const before = text((await panel.get('/moderation/consistency?from=2025-01-01&to=2025-12-31')).text)
    assert.match(before, /1 decision set a level: the panel agreed 1, raised 0 and lowered 0/)
    assert.match(before, /Cedar Special School Northtown 1 1 0 0 0% 0/)
    // To the end of the year: the pending decision at the 30 November session is not issued, so not counted.
    const november = text((await panel.get('/moderation/consistency?from=2026-11-01&to=2026-12-31')).text)
    assert.match(november, /4 decisions set a level: the panel agreed 2, raised 1 and lowered 1, so changed 50%/)
    const second = await panel.get(`/moderation/consistency?panel=${panel2}`)
    assert.equal(second.status, 200)
    assert.match(text(second.text), /, Second panel/)
    assert.match(
      text(second.text),
      /1 decision set a level: the panel agreed 0, raised 1 and lowered 0, so changed 100%/,
    )
    assert.match(second.text, new RegExp(`<option value="${panel2}" selected>`))
  })

  it('answers a bad filter with the error summary and keeps what was entered', async () => {
    const manager = await signedIn(t.app, 'manager')
    const res = await manager.get('/moderation/consistency?from=2026-02-30&to=soon')
    assert.equal(res.status, 400)
    assert.match(res.text, /<title>Error: Panel consistency/)
    assert.match(res.text, /There is a problem/)
    assert.match(res.text, /href="#from">Enter the start date as a real date/)
    assert.match(res.text, /href="#to">Enter the end date as a real date/)
    assert.match(res.text, /id="from" name="from" type="text" value="2026-02-30"/)
    assert.match(res.text, /value="soon"/)
    const backwards = await manager.get('/moderation/consistency?from=2026-06-01&to=2026-01-01')
    assert.equal(backwards.status, 400)
    assert.match(backwards.text, /The end date must be the same as or after the start date/)
    const unknownPanel = await manager.get(`/moderation/consistency?panel=${t.fixture.users.admin}`)
    assert.equal(unknownPanel.status, 400)
    assert.match(unknownPanel.text, /Choose a panel from the list/)
  })

  it('is for the LA admin, the SEND manager and panel members only', async () => {
    for (const username of ['admin', 'manager', 'panel']) {
      assert.equal((await (await signedIn(t.app, username)).get('/moderation/consistency')).status, 200, username)
    }
    for (const username of ['senco.a', 'officer', 'finance']) {
      const client = await signedIn(t.app, username)
      assert.equal((await client.get('/moderation/consistency')).status, 403, username)
      assert.equal((await client.get('/moderation/consistency.csv')).status, 403, username)
      const home = await client.get('/')
      assert.doesNotMatch(home.text, /Panel consistency/, username)
    }
    const manager = await signedIn(t.app, 'manager')
    // Listed among the Moderation pages, shown under the header on those pages.
    assert.match((await manager.get('/moderation/panels')).text, /href="\/moderation\/consistency"/)
  })

  it('audits each read with the filter and the count', async () => {
    const manager = await signedIn(t.app, 'manager')
    await manager.get(`/moderation/consistency?from=2026-01-01&to=2026-11-23&panel=${m.panel}`)
    const event = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'moderation.consistency.read')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    assert.equal(event.username, 'manager')
    assert.equal(event.outcome, 'allowed')
    const details = typeof event.details === 'string' ? JSON.parse(event.details) : event.details
    // Panel 1 in 2026: #1, #2, #3, #4 and Cara's superseding #6.
    assert.deepEqual(details, { filter: { from: '2026-01-01', to: '2026-11-23', panel: m.panel }, count: 5 })
  })

  it('downloads every table as CSV and XLSX', async () => {
    const manager = await signedIn(t.app, 'manager')
    const res = await manager.get('/moderation/consistency.csv')
    assert.equal(res.status, 200)
    assert.match(res.headers['content-type']!, /text\/csv/)
    assert.match(res.headers['content-disposition']!, /panel-consistency-2025-11-23-to-2026-11-23\.csv/)
    assert.equal(
      res.text,
      [
        'Table,Group,Decided,Agreed,Raised,Lowered,Changed (%),Mean shift (levels)',
        'All decisions,All decisions,6,2,2,2,67,0',
        'School,Alder Primary School,4,0,2,2,100,0',
        'School,Birch Academy,2,2,0,0,0,0',
        'Locality,Northtown,4,0,2,2,100,0',
        'Locality,Southbury,2,2,0,0,0,0',
        'Area of need,Cognition and learning,2,0,0,2,100,-1',
        'Area of need,Communication and interaction,2,0,2,0,100,1',
        'Area of need,Other or not recorded,1,1,0,0,0,0',
        'Area of need,"Social, emotional and mental health",1,1,0,0,0,0',
        'Proposed level,Level 1,2,1,1,0,50,0.5',
        'Proposed level,Level 2,3,1,1,1,67,0',
        'Proposed level,Level 3,1,0,0,1,100,-1',
        '',
      ].join('\n'),
    )
    const xlsx = await request(t.app)
      .get('/moderation/consistency.xlsx?from=2025-01-01&to=2025-12-31')
      .set('Cookie', manager.cookie)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = []
        r.on('data', (c: Buffer) => chunks.push(c))
        r.on('end', () => done(null, Buffer.concat(chunks)))
      })
    assert.equal(xlsx.status, 200)
    assert.match(xlsx.headers['content-type']!, /spreadsheetml/)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.body as ArrayBuffer)
    const sheet = workbook.worksheets[0]!
    assert.deepEqual((sheet.getRow(3).values as unknown[]).slice(1), [
      'School',
      'Cedar Special School',
      1,
      1,
      0,
      0,
      0,
      0,
    ])
    assert.equal((await manager.get('/moderation/consistency.csv?to=yesterday')).status, 400)
  })
})

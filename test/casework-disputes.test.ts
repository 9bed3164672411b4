import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { loadDisputeFixture, type DisputeFixture } from './support/dispute-fixture.ts'

// Today is 2026-11-23. The dispute fixture (test/support/dispute-fixture.ts): Cara's mediation (held
// 2026-10-20, no certificate yet), Dev's Section I-only appeal upheld 2026-11-16 with a Section I
// order, Cara's 2025 appeal (Sections F and I, dismissed), Ada's stage 1 complaint received
// 2026-11-02, a 2025 complaint answered at stages 1 and 2, and compliments in 2025 and 2026.

let t: TestApp
let d: DisputeFixture
let officer: Client
before(async () => {
  t = await startTestApp()
  d = await loadDisputeFixture(t.database.db, t.fixture)
  officer = await signedIn(t.app, 'officer')
})
after(() => t.close())

const db = () => t.database.db
const audits = (action: string) =>
  db().selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('id').execute()

/** The text of the page without its markup, for matching what a reader sees. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&rsquo;/g, '’')
    .replace(/\s+/g, ' ')

async function versionOn(client: Client, path: string): Promise<string> {
  const page = await client.get(path)
  assert.equal(page.status, 200, page.text)
  return /name="version" value="(\d+)"/.exec(page.text)![1]!
}

/** A form with a repeated field (checkboxes), sent as a browser sends it. */
async function postForm(client: Client, path: string, fields: [string, string][]) {
  const body = new URLSearchParams([['_csrf', client.csrf], ...fields]).toString()
  const res = await request(t.app).post(path).set('Cookie', client.cookie).type('form').send(body)
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text ?? '')
  if (token) client.csrf = token[1]!
  return res
}

const idFrom = (location: string | undefined, prefix: string) => {
  if (!location?.startsWith(prefix)) assert.fail(`redirected to ${location}, not ${prefix}…`)
  return location.slice(prefix.length).split('#')[0]!
}

describe('year tables (the issue measures), on the fixture alone', () => {
  it('counts complaints by stage and year and compliments by year', async () => {
    const page = await officer.get('/casework/complaints')
    assert.equal(page.status, 200)
    const table = text(/<table class="govuk-table" id="year-table">[\s\S]*?<\/table>/.exec(page.text)![0])
    assert.match(table, /Received 2025 2026/)
    assert.match(table, /Complaints: Stage 1 1 1/)
    assert.match(table, /Complaints: Stage 2 1 0/)
    assert.match(table, /Complaints: Ombudsman 0 0/)
    assert.match(table, /Compliments 1 1/)
  })

  it('counts tribunal appeals by reason and year, an appeal under each of its reasons', async () => {
    const page = await officer.get('/casework/disputes')
    assert.equal(page.status, 200)
    const table = text(/<table class="govuk-table" id="tribunals-by-reason">[\s\S]*?<\/table>/.exec(page.text)![0])
    assert.match(table, /Reason 2025 2026/)
    assert.match(table, /Section F \(special educational provision\) 1 0/)
    assert.match(table, /Section I \(the school or setting named\) 1 1/)
    assert.match(table, /Appeals 1 1/)
  })
})

describe('the disputes list and the child record', () => {
  it('lists open mediation cases and appeals with the next deadline, and audits the read', async () => {
    const page = await officer.get('/casework/disputes')
    const table = text(/<table class="govuk-table" id="open-disputes">[\s\S]*?<\/table>/.exec(page.text)![0])
    // Cara's certificate was due 3 working days after the mediation on 20 October: 23 October.
    assert.match(
      table,
      /Cara Rowan Mediation .* Certificate issued \(3 working days\) 23 October 2026 Overdue by 31 days/,
    )
    // Dev's Section I order of 16 November: 2 weeks.
    assert.match(
      table,
      /Dev Sorrel Appeal .* Issue the plan naming the school or setting 30 November 2026 Due in 7 days/,
    )
    assert.doesNotMatch(table, /Dismissed/)
    assert.equal((await audits('disputes.list')).length >= 1, true)
  })

  it('adds a Disagreements and appeals section to the child record, audited without personal values', async () => {
    const page = await officer.get(`/children/${t.fixture.children.cara}`)
    assert.equal(page.status, 200)
    assert.match(page.text, /Disagreements and appeals/)
    assert.match(page.text, new RegExp(`/casework/mediation/${d.mediations.cara}`))
    assert.match(page.text, new RegExp(`/casework/appeals/${d.appeals.cara2025}`))
    assert.match(page.text, /Record a tribunal appeal/)
    const rows = await audits('disputes.child.read')
    const last = rows.at(-1)!
    assert.equal(last.record_id, t.fixture.children.cara)
    assert.doesNotMatch(JSON.stringify(last.details), /Cara|Rowan/)
  })

  it('shows the section to the LA admin without the buttons, and not at all to a school user', async () => {
    const admin = await signedIn(t.app, 'admin')
    const page = await admin.get(`/children/${t.fixture.children.cara}`)
    assert.match(page.text, /Disagreements and appeals/)
    assert.doesNotMatch(page.text, /Record a tribunal appeal/)
    const senco = await signedIn(t.app, 'senco.a')
    const ada = await senco.get(`/children/${t.fixture.children.ada}`)
    assert.equal(ada.status, 200)
    assert.doesNotMatch(ada.text, /Disagreements and appeals/)
  })
})

describe('mediation (R13) and the appeal deadline (R14)', () => {
  let mediationId: string

  it('records a case: advice by decision + 2 months, certificate 3 working days after "certificate only"', async () => {
    const res = await officer.post(`/children/${t.fixture.children.ben}/mediation`, {
      decisionKind: 'not_to_assess',
      decisionOn: '2026-09-15',
      adviserContactedOn: '2026-10-01',
      familyChoice: 'certificate_only',
    })
    assert.equal(res.status, 303, res.text)
    mediationId = idFrom(res.headers.location, '/casework/mediation/')
    const page = text((await officer.get(`/casework/mediation/${mediationId}`)).text)
    assert.match(
      page,
      /Family contacts a mediation adviser \(2 months\) \(R13, regs 33–37\) 15 November 2026 1 October 2026 Done on time/,
    )
    // Thursday 1 October 2026 + 3 working days.
    assert.match(page, /Certificate issued \(3 working days\) .* 6 October 2026 Not yet Overdue by 48 days/)
    assert.match(page, /Last day to appeal to the Tribunal .* 15 November 2026/)
    assert.doesNotMatch(page, /Mediation held \(30 days\)/)
    const created = await audits('mediation.create')
    assert.equal(created.at(-1)!.record_id, mediationId)
  })

  it('a certificate issued later moves the appeal deadline to 1 month after it', async () => {
    const version = await versionOn(officer, `/casework/mediation/${mediationId}`)
    const res = await officer.post(`/casework/mediation/${mediationId}`, {
      version,
      decisionKind: 'not_to_assess',
      decisionOn: '2026-09-15',
      adviserContactedOn: '2026-10-01',
      familyChoice: 'certificate_only',
      certificateIssuedOn: '2026-10-30',
    })
    assert.equal(res.status, 303, res.text)
    const page = text((await officer.get(`/casework/mediation/${mediationId}`)).text)
    assert.match(page, /Certificate issued \(3 working days\) .* 6 October 2026 30 October 2026 Done 24 days late/)
    assert.match(page, /Last day to appeal to the Tribunal .* 30 November 2026/)
  })

  it("shows the fixture case's 30-day mediation clock and its overdue certificate", async () => {
    const page = text((await officer.get(`/casework/mediation/${d.mediations.cara}`)).text)
    assert.match(page, /Mediation held \(30 days\) .* 31 October 2026 20 October 2026 Done on time/)
    assert.match(page, /Certificate issued \(3 working days\) .* 23 October 2026 Not yet Overdue by 31 days/)
    const reads = await audits('mediation.read')
    assert.equal(reads.at(-1)!.record_id, d.mediations.cara)
  })

  it('dates out of order → 400 with a message on the later field, the input kept', async () => {
    const res = await officer.post(`/children/${t.fixture.children.ben}/mediation`, {
      decisionKind: 'cease',
      decisionOn: '2026-10-10',
      adviserContactedOn: '2026-10-01',
      familyChoice: 'mediation',
      mediationHeldOn: '2026-09-30',
    })
    assert.equal(res.status, 400)
    assert.match(res.text, /There is a problem/)
    assert.match(res.text, /href="#adviserContactedOn"/)
    assert.match(text(res.text), /The date the adviser was contacted must be on or after the date of the decision/)
    assert.match(text(res.text), /The date of the mediation must be on or after the date the adviser was contacted/)
    assert.match(res.text, /name="decisionOn" type="text" value="2026-10-10"/)
  })

  it('a stale version → 409, and nothing is overwritten', async () => {
    const path = `/casework/mediation/${d.mediations.cara}`
    const version = await versionOn(officer, path)
    const form = {
      version,
      decisionKind: 'amended_plan',
      decisionOn: '2026-09-15',
      adviserContactedOn: '2026-10-01',
      familyChoice: 'mediation',
      mediationHeldOn: '2026-10-20',
      outcome: 'not_agreed',
    }
    const manager = await signedIn(t.app, 'manager')
    await manager.get(path)
    assert.equal((await manager.post(path, { ...form, certificateIssuedOn: '2026-10-22' })).status, 303)
    const stale = await officer.post(path, { ...form, certificateIssuedOn: '2026-11-01' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Nothing was overwritten/)
    const row = await db()
      .selectFrom('mediation_case')
      .select(['certificate_issued_on', 'version'])
      .where('id', '=', d.mediations.cara)
      .executeTakeFirstOrThrow()
    assert.equal(row.certificate_issued_on, '2026-10-22')
    assert.equal(row.version, Number(version) + 1)
  })
})

describe('tribunal appeals (R14–R16)', () => {
  it('a Section I-only appeal needs no mediation: its deadline is decision + 2 months', async () => {
    const res = await postForm(officer, `/children/${t.fixture.children.ada}/appeals`, [
      ['decisionKind', 'amended_plan'],
      ['decisionOn', '2026-08-31'],
      ['registeredOn', '2026-10-20'],
      ['reasons', 'section_i'],
    ])
    assert.equal(res.status, 303, res.text)
    const id = idFrom(res.headers.location, '/casework/appeals/')
    const page = text((await officer.get(`/casework/appeals/${id}`)).text)
    assert.match(page, /Not needed: Section I only/)
    // 31 August + 2 months is 31 October.
    assert.match(page, /Appeal registered with the Tribunal \(R14, .*\) 31 October 2026 20 October 2026 Done on time/)
    assert.match(page, /2 months from the decision/)
    const row = await db().selectFrom('tribunal_appeal').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(row.mediation_id, null)
    assert.deepEqual(row.appeal_reasons, ['section_i'])
  })

  it('an appeal about Section F as well needs a mediation case with a certificate', async () => {
    const none = await postForm(officer, `/children/${t.fixture.children.ada}/appeals`, [
      ['decisionKind', 'amended_plan'],
      ['decisionOn', '2026-08-31'],
      ['registeredOn', '2026-10-20'],
      ['reasons', 'section_f'],
      ['reasons', 'section_i'],
    ])
    assert.equal(none.status, 400)
    assert.match(text(none.text), /needs a mediation certificate/)
    // The reasons ticked are kept.
    assert.match(none.text, /value="section_f" checked/)
    assert.match(none.text, /value="section_i" checked/)
  })

  it('an appeal after mediation takes its decision and counts 1 month from the certificate', async () => {
    const m = await officer.post(`/children/${t.fixture.children.eve}/mediation`, {
      decisionKind: 'plan_content',
      decisionOn: '2026-07-01',
      adviserContactedOn: '2026-08-20',
      familyChoice: 'mediation',
      mediationHeldOn: '2026-09-10',
      outcome: 'not_agreed',
    })
    const mediationId = idFrom(m.headers.location, '/casework/mediation/')
    const noCertificate = await postForm(officer, `/children/${t.fixture.children.eve}/appeals`, [
      ['mediationId', mediationId],
      ['registeredOn', '2026-10-01'],
      ['reasons', 'section_f'],
    ])
    assert.equal(noCertificate.status, 400)
    assert.match(text(noCertificate.text), /Record the date the mediation certificate was issued first/)
    const version = await versionOn(officer, `/casework/mediation/${mediationId}`)
    await officer.post(`/casework/mediation/${mediationId}`, {
      version,
      decisionKind: 'plan_content',
      decisionOn: '2026-07-01',
      adviserContactedOn: '2026-08-20',
      familyChoice: 'mediation',
      mediationHeldOn: '2026-09-10',
      outcome: 'not_agreed',
      certificateIssuedOn: '2026-09-14',
    })
    const res = await postForm(officer, `/children/${t.fixture.children.eve}/appeals`, [
      ['mediationId', mediationId],
      ['registeredOn', '2026-10-13'],
      ['reasons', 'section_f'],
    ])
    assert.equal(res.status, 303, res.text)
    const id = idFrom(res.headers.location, '/casework/appeals/')
    const page = text((await officer.get(`/casework/appeals/${id}`)).text)
    // Decision 1 July + 2 months = 1 September; certificate 14 September + 1 month = 14 October.
    assert.match(page, /Appeal registered with the Tribunal .* 14 October 2026 13 October 2026 Done on time/)
    assert.match(page, /1 month from the mediation certificate/)
  })

  it('registered before the decision → 400 on the registered date', async () => {
    const res = await postForm(officer, `/children/${t.fixture.children.ada}/appeals`, [
      ['decisionKind', 'cease'],
      ['decisionOn', '2026-10-01'],
      ['registeredOn', '2026-09-01'],
      ['reasons', 'section_i'],
    ])
    assert.equal(res.status, 400)
    assert.match(res.text, /href="#registeredOn"/)
    assert.match(text(res.text), /The date the appeal was registered must be on or after the date of the decision/)
  })

  it('R15: a Section I order shows its 2-week compliance deadline; complied late is tagged', async () => {
    const path = `/casework/appeals/${d.appeals.dev}`
    let page = text((await officer.get(path)).text)
    assert.match(page, /Complying with the Tribunal’s order \(R15\), from 16 November 2026/)
    assert.match(
      page,
      /Issue the plan naming the school or setting \(R15, reg 44\) 30 November 2026 Not yet Due in 7 days/,
    )
    // Complied on the day, then (corrected) a day late would be tagged late: today stops at the 23rd.
    const version = await versionOn(officer, path)
    const res = await postForm(officer, path, [
      ['version', version],
      ['reasons', 'section_i'],
      ['hearingOn', '2026-11-10'],
      ['outcome', 'upheld'],
      ['outcomeOn', '2026-11-16'],
      ['orderKind', 'section_i'],
      ['complianceDoneOn', '2026-11-20'],
    ])
    assert.equal(res.status, 303, res.text)
    page = text((await officer.get(path)).text)
    assert.match(page, /30 November 2026 20 November 2026 Done on time/)
    const saved = await audits('appeal.save')
    assert.equal(saved.at(-1)!.record_id, d.appeals.dev)
  })

  it('R16: a concession runs the same periods from the concession date', async () => {
    const create = await postForm(officer, `/children/${t.fixture.children.dev}/appeals`, [
      ['decisionKind', 'not_to_issue'],
      ['decisionOn', '2026-09-01'],
      ['registeredOn', '2026-10-15'],
      ['reasons', 'section_i'],
    ])
    const id = idFrom(create.headers.location, '/casework/appeals/')
    const path = `/casework/appeals/${id}`
    const version = await versionOn(officer, path)
    const res = await postForm(officer, path, [
      ['version', version],
      ['reasons', 'section_i'],
      ['outcome', 'conceded'],
      ['outcomeOn', '2026-10-02'],
      ['orderKind', 'make_plan'],
    ])
    // Conceded before it was registered: refused on the date.
    assert.equal(res.status, 400)
    assert.match(
      text(res.text),
      /The date of the decision or concession must be on or after the date the appeal was registered/,
    )
    const ok = await postForm(officer, path, [
      ['version', version],
      ['reasons', 'section_i'],
      ['outcome', 'conceded'],
      ['outcomeOn', '2026-11-20'],
      ['orderKind', 'make_plan'],
    ])
    assert.equal(ok.status, 303, ok.text)
    const page = text((await officer.get(path)).text)
    // 20 November + 5 weeks and + 11 weeks.
    assert.match(page, /Complying with the concession \(R16\), from 20 November 2026/)
    assert.match(page, /Issue the draft plan \(R16, reg 45\) 25 December 2026/)
    assert.match(page, /Issue the final plan \(R16, reg 45\) 5 February 2027/)
    const row = await db().selectFrom('tribunal_appeal').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(row.conceded_on, '2026-11-20')
  })

  it('an upheld outcome without an order kind, or an order with a dismissal → 400', async () => {
    const path = `/casework/appeals/${d.appeals.cara2025}`
    const version = await versionOn(officer, path)
    const res = await postForm(officer, path, [
      ['version', version],
      ['reasons', 'section_f'],
      ['reasons', 'section_i'],
      ['outcome', 'dismissed'],
      ['outcomeOn', '2025-10-01'],
      ['orderKind', 'amend'],
    ])
    assert.equal(res.status, 400)
    assert.match(res.text, /href="#orderKind"/)
  })

  it('a stale version of an appeal → 409, nothing overwritten', async () => {
    const path = `/casework/appeals/${d.appeals.cara2025}`
    const version = await versionOn(officer, path)
    const form = (hearing: string): [string, string][] => [
      ['version', version],
      ['reasons', 'section_f'],
      ['reasons', 'section_i'],
      ['hearingOn', hearing],
      ['outcome', 'dismissed'],
      ['outcomeOn', '2025-10-01'],
    ]
    assert.equal((await postForm(officer, path, form('2025-09-20'))).status, 303)
    const stale = await postForm(officer, path, form('2025-09-25'))
    assert.equal(stale.status, 409)
    const row = await db()
      .selectFrom('tribunal_appeal')
      .select('hearing_on')
      .where('id', '=', d.appeals.cara2025)
      .executeTakeFirstOrThrow()
    assert.equal(row.hearing_on, '2025-09-20')
  })
})

describe('complaints and compliments', () => {
  it('stage 1 is due 20 working days after receipt, over Christmas and New Year', async () => {
    const res = await officer.post('/casework/complaints', {
      receivedOn: '2025-12-15',
      stage: '1',
      subject: 'No reply to emails for three weeks.',
    })
    assert.equal(res.status, 303, res.text)
    const id = idFrom(res.headers.location, '/casework/complaints/')
    const row = await db().selectFrom('complaint').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    // 25, 26 December 2025 and 1 January 2026 are bank holidays.
    assert.equal(row.response_due_on, '2026-01-15')
    assert.equal(row.child_id, null)
    const page = text((await officer.get(`/casework/complaints/${id}`)).text)
    assert.match(page, /Response due 15 January 2026/)
    assert.match(page, /Overdue by/)
  })

  it('counts a day an admin added to the calendar, and links a complaint to a child by their child ID', async () => {
    await db().insertInto('non_working_day').values({ day: '2026-11-24', name: 'Council closure day' }).execute()
    const res = await officer.post('/casework/complaints', {
      receivedOn: '2026-11-23',
      subject: 'Transport to school.',
      childLocalId: 'F0002',
    })
    assert.equal(res.status, 303, res.text)
    const id = idFrom(res.headers.location, '/casework/complaints/')
    const row = await db().selectFrom('complaint').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(row.response_due_on, '2026-12-22')
    assert.equal(row.child_id, t.fixture.children.ben)
    const unknown = await officer.post('/casework/complaints', {
      receivedOn: '2026-11-23',
      subject: 'Transport.',
      childLocalId: 'NOPE',
    })
    assert.equal(unknown.status, 400)
    assert.match(unknown.text, /href="#childLocalId"/)
    assert.match(unknown.text, />Transport.<\/textarea>/)
  })

  it('an Ombudsman complaint needs the date the Ombudsman asked for', async () => {
    const res = await officer.post('/casework/complaints', {
      receivedOn: '2026-11-02',
      stage: '3',
      subject: 'LGSCO enquiry',
    })
    assert.equal(res.status, 400)
    assert.match(res.text, /href="#responseDueOn"/)
  })

  it('records a response, then escalates to stage 2 (new due date) and to the Ombudsman', async () => {
    const path = `/casework/complaints/${d.complaints.ada}`
    const early = await officer.post(`${path}/escalation`, {
      version: await versionOn(officer, path),
      escalatedOn: '2026-11-20',
    })
    assert.equal(early.status, 400)
    assert.match(text(early.text), /Record the response at this stage before escalating it/)

    const before = await officer.post(`${path}/response`, {
      version: await versionOn(officer, path),
      respondedOn: '2026-11-01',
      outcome: 'not_upheld',
    })
    assert.equal(before.status, 400)
    assert.match(text(before.text), /The date of the response must be on or after the date the complaint was received/)

    const responded = await officer.post(`${path}/response`, {
      version: await versionOn(officer, path),
      respondedOn: '2026-11-12',
      outcome: 'not_upheld',
    })
    assert.equal(responded.status, 303, responded.text)
    assert.match(text((await officer.get(path)).text), /Responded on time/)

    const escalated = await officer.post(`${path}/escalation`, {
      version: await versionOn(officer, path),
      escalatedOn: '2026-11-16',
    })
    assert.equal(escalated.status, 303, escalated.text)
    const stage2 = idFrom(escalated.headers.location, '/casework/complaints/')
    const row = await db().selectFrom('complaint').selectAll().where('id', '=', stage2).executeTakeFirstOrThrow()
    assert.equal(row.stage, 2)
    assert.equal(row.escalated_from, d.complaints.ada)
    assert.equal(row.child_id, t.fixture.children.ada)
    // 16 November + 20 working days (the 24th was added as a closure day above).
    assert.equal(row.response_due_on, '2026-12-15')

    // A second escalation of the same stage, from the page read before: refused.
    const again = await officer.post(`${path}/escalation`, { version: '2', escalatedOn: '2026-11-17' })
    assert.equal(again.status, 409)

    const p2 = `/casework/complaints/${stage2}`
    await officer.post(`${p2}/response`, {
      version: await versionOn(officer, p2),
      respondedOn: '2026-11-20',
      outcome: 'partly_upheld',
    })
    const noDate = await officer.post(`${p2}/escalation`, {
      version: await versionOn(officer, p2),
      escalatedOn: '2026-11-21',
    })
    assert.equal(noDate.status, 400)
    assert.match(noDate.text, /href="#responseDueOn"/)
    const ombudsman = await officer.post(`${p2}/escalation`, {
      version: await versionOn(officer, p2),
      escalatedOn: '2026-11-21',
      responseDueOn: '2026-12-19',
    })
    assert.equal(ombudsman.status, 303, ombudsman.text)
    const stage3 = idFrom(ombudsman.headers.location, '/casework/complaints/')
    const r3 = await db().selectFrom('complaint').selectAll().where('id', '=', stage3).executeTakeFirstOrThrow()
    assert.equal(r3.stage, 3)
    assert.equal(r3.response_due_on, '2026-12-19')

    // The audit names the stages and outcomes, never what the complaint says.
    const rows = [...(await audits('complaint.respond')), ...(await audits('complaint.escalate'))]
    assert.ok(rows.length >= 3)
    for (const r of rows) assert.doesNotMatch(JSON.stringify(r.details), /annual review|cancelled|Ada/)
    const list = text((await officer.get('/casework/complaints')).text)
    assert.match(list, /Ombudsman 26 November 2026|Ombudsman 21 November 2026 19 December 2026/)
  })

  it('logs a compliment, counted in its year', async () => {
    const res = await officer.post('/casework/compliments', {
      complimentReceivedOn: '2026-11-20',
      about: 'Quick answers about the draft plan.',
      team: 'SEND casework',
    })
    assert.equal(res.status, 303, res.text)
    const page = await officer.get('/casework/complaints')
    const table = text(/<table class="govuk-table" id="year-table">[\s\S]*?<\/table>/.exec(page.text)![0])
    assert.match(table, /Compliments 1 2/)
    const bad = await officer.post('/casework/compliments', { complimentReceivedOn: '2026-13-01', about: '' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /href="#complimentReceivedOn"/)
    assert.match(bad.text, /href="#about"/)
    assert.equal((await audits('compliment.create')).length, 1)
  })
})

describe('who may', () => {
  for (const username of ['senco.a', 'finance', 'panel']) {
    it(`${username}: 403 on every page and form`, async () => {
      const client = await signedIn(t.app, username)
      for (const path of [
        '/casework/disputes',
        '/casework/complaints',
        `/casework/mediation/${d.mediations.cara}`,
        `/casework/appeals/${d.appeals.dev}`,
        `/casework/complaints/${d.complaints.ada}`,
        `/children/${t.fixture.children.ada}/appeals/new`,
      ]) {
        assert.equal((await client.get(path)).status, 403, path)
      }
      assert.equal((await client.post('/casework/complaints', { receivedOn: '2026-11-20', subject: 'x' })).status, 403)
      assert.doesNotMatch((await client.get('/')).text, /Complaints and compliments/)
    })
  }

  it('the LA admin reads but may not record', async () => {
    const admin = await signedIn(t.app, 'admin')
    assert.equal((await admin.get('/casework/disputes')).status, 200)
    assert.equal((await admin.get(`/casework/appeals/${d.appeals.dev}`)).status, 200)
    assert.equal((await admin.get(`/children/${t.fixture.children.ada}/mediation/new`)).status, 403)
    assert.equal(
      (await admin.post('/casework/compliments', { complimentReceivedOn: '2026-11-20', about: 'x' })).status,
      403,
    )
    assert.match((await admin.get('/casework')).text, /Disagreements and appeals/)
  })

  it('an unknown or malformed id is 404', async () => {
    assert.equal((await officer.get('/casework/appeals/not-a-uuid')).status, 404)
    assert.equal((await officer.get('/casework/mediation/00000000-0000-4000-8000-000000000000')).status, 404)
  })
})

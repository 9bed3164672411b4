import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import type { ModerationFixture } from './support/fixture.ts'
import { LA, loadModerationFixture } from './support/fixture.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'

// The moderation panel through its pages (docs/moderation.md). The fixture's panel has a quorum of 2
// and three members: the PEP ('panel'), the SEND manager ('manager') and the head at Alder ('head.a'),
// who belongs to School A. Ben's submitted matrix (Level 2, School A) is pending on the session of
// 2026-11-30, where nobody is recorded present yet. In 2026-27 mainstream pays £1,550 (Level 1) and
// £4,320 (Level 2); Level 3 is bespoke (a costed package).

let t: TestApp
let m: ModerationFixture
before(async () => {
  t = await startTestApp()
  m = await loadModerationFixture(t.database.db, t.fixture)
})
after(() => t.close())

const db = () => t.database.db
const awardRow = (id: string) => db().selectFrom('award').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const caseRow = (id: string) => db().selectFrom('panel_case').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const currentDecision = (caseId: string) =>
  db()
    .selectFrom('panel_decision')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('superseded_at', 'is', null)
    .executeTakeFirst()
const audits = (recordId: string) =>
  db().selectFrom('audit_event').selectAll().where('record_id', '=', recordId).orderBy('id').execute()
const openCaseOf = async (awardId: string) =>
  (
    await db()
      .selectFrom('panel_case')
      .select('id')
      .where('award_id', '=', awardId)
      .where('status', 'in', ['pending', 'decided'])
      .executeTakeFirstOrThrow()
  ).id

const versionOn = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!

/** A form with repeated fields (checkbox lists), sent as a browser sends it. */
async function postRepeated(client: Client, path: string, fields: [string, string][]) {
  const body = new URLSearchParams([['_csrf', client.csrf], ...fields]).toString()
  return request(t.app).post(path).set('Cookie', client.cookie).type('form').send(body)
}

/** A SENCo (or officer) fills in and submits a draft matrix through the API. */
async function submit(client: Client, awardId: string, choices: Record<string, string | null>, extra: object = {}) {
  const evidence = Object.fromEntries(Object.keys(choices).map(k => [k, 'Annual review report']))
  const { version } = await awardRow(awardId)
  const saved = await client.postJson(`/api/v1/awards/${awardId}`, { version, choices, evidence, ...extra })
  assert.equal(saved.status, 200, JSON.stringify(saved.body))
  const submitted = await client.postJson(`/api/v1/awards/${awardId}/submit`, { version: saved.body.version })
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body))
}

/** Opens the case (as a member would) and posts a decision from the case's current version. */
async function decide(client: Client, caseId: string, form: Record<string, string>) {
  assert.equal((await client.get(`/moderation/cases/${caseId}`)).status, 200)
  const { version } = await caseRow(caseId)
  return client.post(`/moderation/cases/${caseId}/decision`, { version: String(version), ...form })
}

describe('the moderation panel', () => {
  it('a SEND manager sets up a panel, its members and a session through the pages', async () => {
    const manager = await signedIn(t.app, 'manager')
    const list = await manager.get('/moderation/panels')
    assert.equal(list.status, 200)
    assert.match(list.text, /Test moderation panel/)
    const bad = await manager.post('/moderation/panels', { name: 'North panel', quorum: '0' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /href="#quorum"[^>]*>The quorum must be at least 1/)
    assert.match(bad.text, /value="North panel"/, 'what was typed is kept')
    const created = await manager.post('/moderation/panels', { name: 'North panel', quorum: '2' })
    assert.equal(created.status, 303)
    const path = created.headers.location as string
    const page = await manager.get(path)
    assert.match(page.text, /North panel/)

    const member = await manager.post(`${path}/members`, {
      userId: t.fixture.users.officer!,
      panelRole: 'Case officer',
      settingId: '',
    })
    assert.equal(member.status, 303, member.text)
    const again = await manager.post(`${path}/members`, {
      userId: t.fixture.users.officer!,
      panelRole: 'Case officer',
      settingId: '',
    })
    assert.equal(again.status, 400)
    assert.match(again.text, /already a member of this panel/)
    const school = await manager.post(`${path}/members`, {
      userId: t.fixture.users['senco.a']!,
      panelRole: 'SENCo',
      settingId: '',
    })
    assert.equal(school.status, 400, 'a school user never sits on a panel')

    const edited = await manager.post(path, { version: '1', name: 'North moderation panel', quorum: '3' })
    assert.equal(edited.status, 303)
    const stale = await manager.post(path, { version: '1', name: 'Overwritten', quorum: '1' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /North moderation panel/, 'the 409 page shows the latest')
    const panelId = path.split('/').pop()!
    const panel = await db().selectFrom('panel').selectAll().where('id', '=', panelId).executeTakeFirstOrThrow()
    assert.equal(panel.name, 'North moderation panel')
    assert.equal(panel.quorum, 3)

    const noDate = await manager.post(`${path}/sessions`, { date: '2026-13-01', location: 'Room 1' })
    assert.equal(noDate.status, 400)
    assert.match(noDate.text, /Enter the session date as a real date/)
    const session = await manager.post(`${path}/sessions`, { date: '2026-12-07', location: 'Room 1' })
    assert.equal(session.status, 303)
    const sessionPage = await manager.get(session.headers.location as string)
    assert.equal(sessionPage.status, 200)
    assert.match(sessionPage.text, /7 December 2026/)
    assert.match(sessionPage.text, /Nothing is on the agenda yet/)
    assert.ok((await audits(panelId)).some(r => r.action === 'panel.edit'))

    const member_ = await db()
      .selectFrom('panel_member')
      .select(['id', 'version'])
      .where('panel_id', '=', panelId)
      .executeTakeFirstOrThrow()
    const deactivate = { active: 'false', version: String(member_.version) }
    assert.equal((await manager.post(`/moderation/members/${member_.id}`, deactivate)).status, 303)
    const inactive = await db()
      .selectFrom('panel_member')
      .select('active')
      .where('id', '=', member_.id)
      .executeTakeFirstOrThrow()
    assert.equal(inactive.active, false)

    const panelMember = await signedIn(t.app, 'panel')
    assert.equal((await panelMember.post('/moderation/panels', { name: 'Mine', quorum: '1' })).status, 403)
    const officer = await signedIn(t.app, 'officer')
    assert.equal((await officer.get('/moderation/panels')).status, 403)
  })

  it('the agenda is built from submitted matrices with filters; one already on an open agenda is refused by name', async () => {
    await submit(await signedIn(t.app, 'senco.a'), t.fixture.awards.ada, { CI: 'CI1', CL: 'CL1' }) // Level 1
    await submit(await signedIn(t.app, 'senco.b'), t.fixture.awards.eve, { CI: 'CI2', CL: 'CL1' }) // Level 2
    const manager = await signedIn(t.app, 'manager')
    const base = `/moderation/sessions/${m.sessions.upcoming}/agenda`
    const names = (html: string) => ['Ada Quill', 'Ben Quill', 'Eve Thorn'].filter(n => html.includes(n))

    const all = await manager.get(base)
    assert.equal(all.status, 200)
    assert.deepEqual(names(all.text), ['Ada Quill', 'Eve Thorn'], 'Ben is on an open agenda already')
    assert.deepEqual(names((await manager.get(`${base}?school=${t.fixture.settings.schoolA}`)).text), ['Ada Quill'])
    assert.deepEqual(names((await manager.get(`${base}?locality=S`)).text), ['Eve Thorn'])
    assert.deepEqual(names((await manager.get(`${base}?level=2`)).text), ['Eve Thorn'])
    assert.deepEqual(names((await manager.get(`${base}?level8=yes`)).text), [])
    assert.deepEqual(names((await manager.get(`${base}?from=2026-11-23&to=2026-11-23`)).text), [
      'Ada Quill',
      'Eve Thorn',
    ])
    assert.deepEqual(names((await manager.get(`${base}?to=2026-11-22`)).text), [])
    const bad = await manager.get(`${base}?from=2026-13-01`)
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter the first date submitted as a real date/)

    const none = await manager.post(base, {})
    assert.equal(none.status, 400)
    assert.match(none.text, /Choose at least one matrix to add to the agenda/)
    const added = await postRepeated(manager, base, [
      ['awards', t.fixture.awards.ada],
      ['awards', t.fixture.awards.eve],
    ])
    assert.equal(added.status, 303)
    const adaCase = await caseRow(await openCaseOf(t.fixture.awards.ada))
    const eveCase = await caseRow(await openCaseOf(t.fixture.awards.eve))
    assert.deepEqual([adaCase.position, eveCase.position], [2, 3], 'appended after Ben')
    const twice = await postRepeated(manager, base, [['awards', t.fixture.awards.ada]])
    assert.equal(twice.status, 400)
    assert.match(twice.text, /Ada Quill’s matrix is already on an open agenda/)

    // Withdrawn, the matrix stays submitted and may be added again.
    const withdrawn = await manager.post(`/moderation/cases/${adaCase.id}/withdraw`, {
      version: String(adaCase.version),
    })
    assert.equal(withdrawn.status, 303)
    assert.equal((await caseRow(adaCase.id)).status, 'withdrawn')
    assert.equal((await awardRow(t.fixture.awards.ada)).status, 'submitted')
    assert.equal((await postRepeated(manager, base, [['awards', t.fixture.awards.ada]])).status, 303)

    const session = await manager.get(`/moderation/sessions/${m.sessions.upcoming}`)
    assert.match(session.text, /Ben Quill[\s\S]*Eve Thorn[\s\S]*Ada Quill/)
  })

  it('deciding needs presence, no conflict and a quorum, each refused with its reason', async () => {
    const ben = m.cases.ben
    const pep = await signedIn(t.app, 'panel')
    const page = await pep.get(`/moderation/cases/${ben}`)
    assert.equal(page.status, 200)
    assert.match(page.text, /Ben Quill/)
    assert.match(page.text, /Needs visual support through the day/)
    assert.match(page.text, /Speech and language therapy report, 2026/)
    assert.match(page.text, /£4,320\.00/)
    assert.ok(
      (await audits(ben)).some(r => r.action === 'panel.case.read'),
      'reading a case is audited',
    )

    const absent = await decide(pep, ben, { outcome: 'agree' })
    assert.equal(absent.status, 400)
    assert.match(absent.text, /There is a problem/)
    assert.match(absent.text, /Test Panel is not recorded as present at this session/)

    const manager = await signedIn(t.app, 'manager')
    const sessionPath = `/moderation/sessions/${m.sessions.upcoming}`
    const one = await postRepeated(manager, `${sessionPath}/attendance`, [
      ['version', '1'],
      ['members', m.members.pep],
    ])
    assert.equal(one.status, 303)
    const noQuorum = await decide(pep, ben, { outcome: 'agree' })
    assert.equal(noQuorum.status, 400)
    assert.match(
      noQuorum.text,
      /not quorate for this case: 1 member without a conflict is recorded as present and 2 are needed/,
    )

    const stale = await postRepeated(manager, `${sessionPath}/attendance`, [
      ['version', '1'],
      ['members', m.members.head],
    ])
    assert.equal(stale.status, 409)
    const all = await postRepeated(manager, `${sessionPath}/attendance`, [
      ['version', '2'],
      ['members', m.members.pep],
      ['members', m.members.manager],
      ['members', m.members.head],
    ])
    assert.equal(all.status, 303)
    assert.ok((await audits(m.sessions.upcoming)).some(r => r.action === 'panel.attendance'))

    // The head at Alder is present but never decides a case from Alder.
    const head = await signedIn(t.app, 'head.a')
    const conflicted = await decide(head, ben, { outcome: 'agree' })
    assert.equal(conflicted.status, 400)
    assert.match(
      conflicted.text,
      /Head at Alder belongs to Alder Primary School, the school that submitted this matrix/,
    )
    assert.equal(await currentDecision(ben), undefined)

    const noReason = await decide(pep, ben, { outcome: 'change_level', level: '1', reason: '' })
    assert.equal(noReason.status, 400)
    assert.match(noReason.text, /href="#reason"[^>]*>Enter why the panel changed the level/)
    assert.match(noReason.text, /<option value="1" selected>/, 'the level chosen is kept')
    assert.equal(await currentDecision(ben), undefined)

    const officer = await signedIn(t.app, 'officer')
    assert.equal(
      (await officer.post(`/moderation/cases/${ben}/decision`, { version: '1', outcome: 'agree' })).status,
      403,
    )
  })

  it('two members deciding the same case from the same version: one wins, the other gets 409 and sees it', async () => {
    const ben = m.cases.ben
    const pep = await signedIn(t.app, 'panel')
    const manager = await signedIn(t.app, 'manager')
    const version = versionOn((await pep.get(`/moderation/cases/${ben}`)).text)
    assert.equal(versionOn((await manager.get(`/moderation/cases/${ben}`)).text), version)
    const form = {
      version,
      outcome: 'change_level',
      level: '1',
      reason: 'The evidence shows the pupil works independently for most of the day.',
    }
    // Sent at once: whichever the database takes first wins; the other is refused, not applied.
    const [fromPep, fromManager] = await Promise.all([
      pep.post(`/moderation/cases/${ben}/decision`, form),
      manager.post(`/moderation/cases/${ben}/decision`, form),
    ])
    assert.deepEqual([fromPep.status, fromManager.status].sort(), [303, 409])
    const loser = fromPep.status === 409 ? fromPep : fromManager
    assert.match(loser.text, /Your decision was not recorded/)
    assert.match(loser.text, /Change the level/)
    assert.match(loser.text, /works independently/)
    const winner = fromPep.status === 303 ? m.members.pep : m.members.manager
    const api = await manager.postJson(`/api/v1/moderation/cases/${ben}/decision`, {
      version: Number(version),
      outcome: 'agree',
    })
    assert.equal(api.status, 409)
    assert.match(String(api.headers['content-type']), /application\/problem\+json/)

    const decision = (await currentDecision(ben))!
    assert.equal(decision.outcome, 'change_level')
    assert.equal(decision.proposed_level, 2)
    assert.equal(decision.decided_level, 1)
    assert.equal(Number(decision.annual_pence), 155_000)
    assert.equal(decision.start_date, '2026-11-30', 'the session date by default')
    assert.equal(decision.member_id, winner)
    assert.equal((await caseRow(ben)).status, 'decided')
    assert.equal((await awardRow(m.awards.benSubmitted)).status, 'moderated')
    const recorded = await audits(decision.id)
    assert.deepEqual(
      recorded.map(r => r.action),
      ['panel.decision.record'],
    )
    assert.ok(!JSON.stringify(recorded).includes('independently'), 'the reason stays out of the audit log')
  })

  it('issuing agrees awards at the moderated level and price, ends earlier awards, and returns others', async () => {
    const pep = await signedIn(t.app, 'panel')
    const head = await signedIn(t.app, 'head.a')
    const adaCase = await openCaseOf(t.fixture.awards.ada)
    const eveCase = await openCaseOf(t.fixture.awards.eve)
    assert.equal((await decide(pep, adaCase, { outcome: 'agree', startDate: '2026-12-01' })).status, 303)
    const noEvidence = await decide(head, eveCase, { outcome: 'return', evidenceNeeded: '' })
    assert.equal(noEvidence.status, 400)
    assert.match(noEvidence.text, /Enter what evidence the school must send/)
    // Until issued, a different decision may be recorded in its place (same checks, same version rule).
    assert.equal((await decide(head, eveCase, { outcome: 'agree' })).status, 303)
    assert.equal(
      (await decide(head, eveCase, { outcome: 'return', evidenceNeeded: 'The educational psychologist’s report' }))
        .status,
      303,
    )
    const rows = await db().selectFrom('panel_decision').selectAll().where('case_id', '=', eveCase).execute()
    assert.equal(rows.length, 1)
    assert.equal(rows[0]!.outcome, 'return')
    assert.equal(rows[0]!.decided_level, null)
    assert.deepEqual(
      (await audits(rows[0]!.id)).map(r => r.action),
      ['panel.decision.record', 'panel.decision.change'],
    )
    // Not yet issued: nothing is paid.
    assert.equal((await awardRow(t.fixture.awards.ada)).status, 'moderated')
    assert.equal((await awardRow(m.awards.adaAgreed)).end_date, null)

    const pepIssue = await pep.post(`/moderation/sessions/${m.sessions.upcoming}/issue`)
    assert.equal(pepIssue.status, 403)
    const manager = await signedIn(t.app, 'manager')
    const issued = await manager.post(`/moderation/sessions/${m.sessions.upcoming}/issue`)
    assert.equal(issued.status, 303, issued.text)

    const ben = await awardRow(m.awards.benSubmitted)
    assert.equal(ben.status, 'agreed')
    assert.equal(ben.level, 1)
    assert.equal(Number(ben.annual_pence), 155_000)
    assert.equal(ben.start_date, '2026-11-30')
    const ada = await awardRow(t.fixture.awards.ada)
    assert.equal(ada.status, 'agreed')
    assert.equal(ada.start_date, '2026-12-01')
    assert.equal(Number(ada.annual_pence), 155_000)
    assert.equal((await awardRow(m.awards.adaAgreed)).end_date, '2026-11-30', 'the earlier award ends the day before')
    const eve = await awardRow(t.fixture.awards.eve)
    assert.equal(eve.status, 'returned')
    assert.equal(eve.returned_reason, 'The educational psychologist’s report')
    for (const id of [m.cases.ben, adaCase, eveCase]) {
      assert.equal((await caseRow(id)).status, 'issued')
      const d = (await currentDecision(id))!
      assert.ok(d.issued_at)
      assert.ok((await audits(d.id)).some(r => r.action === 'panel.decision.issue'))
    }

    // The SENCo sees the agreed level, the reason, the money and the letter on the child record.
    const senco = await signedIn(t.app, 'senco.a')
    const record = await senco.get(`/children/${t.fixture.children.ben}`)
    assert.match(record.text, /Change the level: Level 1 \(school proposed Level 2\), £1,550\.00 a year/)
    assert.match(record.text, /works independently/)
    assert.match(record.text, /\/decisions\/[0-9a-f-]+\/letter/)
    const awardPage = await senco.get(`/children/${t.fixture.children.ben}/awards/${m.awards.benSubmitted}`)
    assert.match(awardPage.text, /Panel decision/)
    assert.match(awardPage.text, /Read the decision letter/)
    assert.match(awardPage.text, /rate for Level 2 is £4,320\.00 a year/, 'what the school’s matrix scored, explained')
    assert.match(awardPage.text, /The panel changed the level/)
    const senb = await signedIn(t.app, 'senco.b')
    const returned = await senb.get(`/children/${t.fixture.children.eve}/awards/${t.fixture.awards.eve}`)
    assert.match(returned.text, /Returned because/)
    assert.match(returned.text, /Submit for agreement/)
  })

  it('refer for Level 8: the school adds a package, and the panel agrees it at the package total', async () => {
    const eveAward = t.fixture.awards.eve
    const senb = await signedIn(t.app, 'senco.b')
    await submit(senb, eveAward, { CI: 'CI2', CL: 'CL1' })
    const manager = await signedIn(t.app, 'manager')
    const agenda = `/moderation/sessions/${m.sessions.upcoming}/agenda`
    assert.equal((await postRepeated(manager, agenda, [['awards', eveAward]])).status, 303)
    const head = await signedIn(t.app, 'head.a')
    const referCase = await openCaseOf(eveAward)
    const noReason = await decide(head, referCase, { outcome: 'refer_level8' })
    assert.equal(noReason.status, 400)
    assert.match(noReason.text, /Enter why the panel refers this pupil for Level 8/)
    assert.equal(
      (await decide(head, referCase, { outcome: 'refer_level8', reason: 'Two adults are needed for personal care' }))
        .status,
      303,
    )
    const one = await manager.post(`/moderation/cases/${referCase}/issue`, {
      version: String((await caseRow(referCase)).version),
    })
    assert.equal(one.status, 303)
    const referred = await awardRow(eveAward)
    assert.equal(referred.status, 'returned')
    assert.equal(referred.level8_referred, true)
    assert.equal(referred.returned_reason, 'Referred for Level 8: Two adults are needed for personal care')

    // Now funded as Level 3 (bespoke) whatever the score: the package is needed to submit.
    const page = await senb.get(`/children/${t.fixture.children.eve}/awards/${eveAward}`)
    assert.match(page.text, /The panel referred this pupil for Level 3 \(bespoke\)/)
    assert.match(page.text, /Level 8 package/)
    const { version } = await awardRow(eveAward)
    const refused = await senb.postJson(`/api/v1/awards/${eveAward}/submit`, { version })
    assert.equal(refused.status, 400)
    assert.match(JSON.stringify(refused.body), /Add the Level 8 package/)
    await submit(
      senb,
      eveAward,
      { CI: 'CI2', CL: 'CL1' },
      {
        level8: {
          rationale: 'Two adults for personal care',
          lines: [{ description: 'Teaching assistant', kind: 'staff', quantity: 975, unitPence: 1450 }],
        },
      },
    )
    const packaged = await awardRow(eveAward)
    assert.equal(packaged.level, 3)
    assert.equal(Number(packaged.level8_total_pence), 1_413_750)

    // A legacy exceptional amount not yet linked: issuing links it, ends it and copies the protection.
    const legacy = await db()
      .insertInto('legacy_funding')
      .values({
        la_code: LA,
        child_id: t.fixture.children.eve,
        setting_id: t.fixture.settings.schoolB,
        annual_pence: 1_600_000,
        start_date: '2026-11-16',
        kind: 'exceptional',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    assert.equal((await postRepeated(manager, agenda, [['awards', eveAward]])).status, 303)
    const agreeCase = await openCaseOf(eveAward)
    const casePage = await head.get(`/moderation/cases/${agreeCase}`)
    assert.match(casePage.text, /Legacy exceptional funding/)
    assert.match(casePage.text, /£16,000\.00/)
    const agreed = await head.post(`/moderation/cases/${agreeCase}/decision`, {
      version: versionOn(casePage.text),
      outcome: 'agree',
      startDate: '2026-12-01',
      protectedUntil: '2027-08-31',
    })
    assert.equal(agreed.status, 303, agreed.text)
    const issue = await manager.post(`/moderation/cases/${agreeCase}/issue`, {
      version: String((await caseRow(agreeCase)).version),
    })
    assert.equal(issue.status, 303)
    const eve = await awardRow(eveAward)
    assert.equal(eve.status, 'agreed')
    assert.equal(eve.level, 3)
    assert.equal(Number(eve.annual_pence), 1_413_750)
    assert.equal((await awardRow(m.awards.eveAgreed)).end_date, '2026-11-30')
    const linked = await db()
      .selectFrom('legacy_funding')
      .selectAll()
      .where('id', '=', legacy.id)
      .executeTakeFirstOrThrow()
    assert.equal(linked.award_id, eveAward)
    assert.equal(linked.end_date, '2026-11-30')
    assert.equal(linked.protected_until, '2027-08-31')
  })

  it('an issued decision is superseded with a reason: re-priced at once, the old one kept', async () => {
    const old = (await currentDecision(m.cases.ben))!
    const manager = await signedIn(t.app, 'manager')
    const page = await manager.get(`/moderation/cases/${m.cases.ben}`)
    assert.match(page.text, /Correct the issued decision/)
    const path = `/moderation/decisions/${old.id}/supersede`
    const noReason = await manager.post(path, { version: String(old.version), level: '2', reason: '' })
    assert.equal(noReason.status, 400)
    assert.match(noReason.text, /Enter why the issued decision is superseded/)
    const pep = await signedIn(t.app, 'panel')
    assert.equal((await pep.post(path, { version: String(old.version), level: '2', reason: 'x' })).status, 403)
    const ok = await manager.post(path, {
      version: String(old.version),
      level: '2',
      reason: 'The level was recorded in error: the panel agreed Level 2.',
    })
    assert.equal(ok.status, 303, ok.text)
    const stale = await manager.post(path, { version: String(old.version), level: '1', reason: 'Again' })
    assert.equal(stale.status, 409)

    const kept = await db().selectFrom('panel_decision').selectAll().where('id', '=', old.id).executeTakeFirstOrThrow()
    assert.ok(kept.superseded_at)
    assert.equal(kept.decided_level, 1)
    const next = (await currentDecision(m.cases.ben))!
    assert.equal(next.supersedes, old.id)
    assert.equal(next.decided_level, 2)
    assert.equal(next.outcome, 'agree')
    assert.equal(Number(next.annual_pence), 432_000)
    assert.ok(next.issued_at)
    assert.equal(next.member_id, null)
    const ben = await awardRow(m.awards.benSubmitted)
    assert.equal(ben.level, 2)
    assert.equal(Number(ben.annual_pence), 432_000)
    assert.ok((await audits(next.id)).some(r => r.action === 'panel.decision.supersede'))
  })

  it('a school reads the letter for its own pupil; another school’s is 404 and audited as denied', async () => {
    const senco = await signedIn(t.app, 'senco.a')
    const current = (await currentDecision(m.cases.ben))!
    const letter = await senco.get(`/decisions/${current.id}/letter`)
    assert.equal(letter.status, 200)
    assert.match(letter.text, /Funding matrix decision for Ben Quill/)
    assert.match(letter.text, /Alder Primary School/)
    assert.match(
      letter.text,
      /the 2026-27 mainstream rate for Level 2 is £4,320\.00 a year, paid from 30 November 2026/,
    )
    assert.match(letter.text, /To print this letter/)
    assert.match(letter.text, /govuk-!-display-none-print/)
    const old = await senco.get(`/decisions/${current.supersedes}/letter`)
    assert.match(old.text, /This decision was corrected/)

    const other = await senco.get(`/decisions/${m.decisions.eve}/letter`)
    assert.equal(other.status, 404)
    const denied = await audits(m.decisions.eve)
    assert.ok(denied.some(r => r.action === 'decision.letter.read' && r.outcome === 'denied'))
    assert.ok((await audits(current.id)).some(r => r.action === 'decision.letter.read' && r.outcome === 'allowed'))
    const finance = await signedIn(t.app, 'finance')
    assert.equal((await finance.get(`/decisions/${current.id}/letter`)).status, 403)
  })

  it('every decision recorded, issued or superseded is in the audit log', async () => {
    const decisions = await db()
      .selectFrom('panel_decision')
      .select(['id', 'supersedes', 'member_id'])
      .where('decided_at', '>', new Date('2026-11-20T00:00:00Z'))
      .execute()
    assert.ok(decisions.length >= 5)
    for (const d of decisions) {
      const actions = (await audits(d.id)).map(r => r.action)
      assert.ok(actions.includes('panel.decision.issue') || actions.includes('panel.decision.supersede'), d.id)
      if (d.member_id) assert.ok(actions.includes('panel.decision.record'), d.id)
    }
  })
})

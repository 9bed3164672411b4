import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { timelineOf } from '../src/casework/request-service.ts'
import type { RequestRow } from '../src/casework/request-store.ts'
import { addDays } from '../src/platform/time/dates.ts'
import { loadCaseworkFixture } from './support/casework-fixture.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'

// The fixture's today is Monday 23 November 2026. Ben (SEN support, no plan) is taken to a final plan;
// Eve to a decision not to issue one; Dev to a decision not to assess. The casework fixture adds Ada's
// open request (received 2 November) and Cara's, finalised on 13 July 2026.

let t: TestApp
before(async () => {
  t = await startTestApp()
  await loadCaseworkFixture(t.database.db, t.fixture)
})
after(() => t.close())

const db = () => t.database.db
const requestRow = (id: string) =>
  db().selectFrom('ehc_request').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const versionOf = async (id: string) => String((await requestRow(id)).version)
const audits = (action: string) =>
  db().selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('id').execute()

/** Logs a request from the child record's button; returns the request's id. */
async function logRequest(client: Client, childId: string, form: Record<string, string>): Promise<string> {
  const record = await client.get(`/children/${childId}`)
  assert.equal(record.status, 200)
  assert.match(record.text, /Log a request for an EHC needs assessment/)
  const page = await client.get(`/children/${childId}/ehc-requests/new`)
  assert.equal(page.status, 200)
  const res = await client.post(`/children/${childId}/ehc-requests`, form)
  assert.equal(res.status, 303, res.text)
  const id = (res.headers.location as string).split('/').pop()!
  assert.match(id, /^[0-9a-f-]{36}$/)
  return id
}

async function step(client: Client, requestId: string, action: string, form: Record<string, string>, status = 303) {
  const res = await client.post(`/casework/requests/${requestId}/${action}`, form)
  assert.equal(res.status, status, `${action}: ${res.status}\n${res.text.slice(0, 3000)}`)
  return res
}

describe('requests for an EHC needs assessment', () => {
  it('an email at 17:30 on a Friday is received on the next working day, with R1 and R5 counted from it', async () => {
    const officer = await signedIn(t.app, 'officer')
    const id = await logRequest(officer, t.fixture.children.ben, {
      source: 'parent',
      receivedVia: 'email',
      arrivedOn: '2026-11-20',
      arrivedTime: '17:30',
    })
    const row = await requestRow(id)
    assert.equal(row.received_on, '2026-11-23')
    assert.equal(row.arrived_time, '17:30')
    assert.equal(row.officer_id, t.fixture.users.officer, 'the officer defaults to the one logging it')
    const page = await officer.get(`/casework/requests/${id}`)
    assert.equal(page.status, 200)
    assert.match(page.text, /23 November 2026/)
    assert.match(page.text, /after 17:00/)
    // R1: + 6 weeks; R5: + 20 weeks; the draft target: + 14 weeks.
    assert.match(page.text, /Decision whether to assess[\s\S]*?4 January 2027[\s\S]*?Due in 42 days/)
    assert.match(page.text, /Final plan issued[\s\S]*?12 April 2027/)
    assert.match(page.text, /1 March 2027/)
    const reads = await audits('casework.request.read')
    assert.equal(reads.at(-1)!.record_id, id)
    assert.doesNotMatch(JSON.stringify(reads.at(-1)!.details), /Ben|Quill/)
    // Withdrawn, so Ben's later request in this file starts clean.
    await step(officer, id, 'withdraw', {
      version: await versionOf(id),
      withdrawnOn: '2026-11-23',
      withdrawnReason: 'Logged twice',
    })
    assert.equal((await requestRow(id)).withdrawn_on, '2026-11-23')
  })

  it('the admin adds a non-working day and the clocks count with it; a duplicate is refused', async () => {
    const admin = await signedIn(t.app, 'admin')
    const page = await admin.get('/casework/non-working-days')
    assert.equal(page.status, 200)
    assert.match(page.text, /25 December 2026/)
    assert.match(page.text, /28 December 2027/)
    const added = await admin.post('/casework/non-working-days', { day: '2026-11-16', name: 'Local closure day' })
    assert.equal(added.status, 303)
    const again = await admin.post('/casework/non-working-days', { day: '2026-11-16', name: 'Again' })
    assert.equal(again.status, 400)
    assert.match(again.text, /There is a problem/)
    assert.match(again.text, /already a non-working day/)
    const bankHoliday = await admin.post('/casework/non-working-days', { day: '2026-12-25', name: 'Christmas' })
    assert.equal(bankHoliday.status, 400)
    const saturday = await admin.post('/casework/non-working-days', { day: '2026-11-21', name: 'Saturday' })
    assert.equal(saturday.status, 400)
    assert.match(saturday.text, /is a Saturday/)
    // Posted first class on Friday 13 November: the next working day skips the weekend and the 16th.
    const officer = await signedIn(t.app, 'officer')
    const id = await logRequest(officer, t.fixture.children.dev, {
      source: 'school',
      receivedVia: 'first_class_post',
      arrivedOn: '2026-11-13',
    })
    assert.equal((await requestRow(id)).received_on, '2026-11-17')
    // Dev: a decision not to assess, and its letter.
    await step(officer, id, 'decision', {
      version: await versionOf(id),
      decision: 'not_assess',
      decisionOn: '2026-11-20',
    })
    const letter = await officer.get(`/casework/requests/${id}/letters/not-to-assess`)
    assert.equal(letter.status, 200)
    assert.match(letter.text, /decision not to carry out an EHC needs assessment/)
    assert.match(letter.text, /First-tier Tribunal \(Special Educational Needs and Disability\)/)
    assert.match(letter.text, /20 January 2027/, 'the appeal deadline: 2 months from the decision')
    assert.equal((await officer.get(`/casework/requests/${id}/letters/final-plan`)).status, 404)
    assert.equal((await officer.get(`/casework/requests/${id}/letters/no-plan`)).status, 404)
    assert.equal((await officer.get(`/casework/requests/${id}/letters/nonsense`)).status, 404)
  })

  it('refuses dates out of order and a missing exception reason with an error summary, keeping the input', async () => {
    const officer = await signedIn(t.app, 'officer')
    const id = t.fixture.casework!.requests.ada
    const version = await versionOf(id)
    const early = await step(officer, id, 'decision', { version, decision: 'assess', decisionOn: '2026-10-30' }, 400)
    assert.match(early.text, /There is a problem/)
    assert.match(early.text, /must be on or after the date the request was received, 2026-11-02/)
    assert.match(early.text, /href="#decisionOn"/)
    assert.match(early.text, /id="decisionOn" name="decisionOn" type="date" value="2026-10-30"/)
    const missing = await step(officer, id, 'decision', { version, decisionOn: '2026-11-20' }, 400)
    assert.match(missing.text, /Choose whether to assess/)
    const future = await step(officer, id, 'decision', { version, decision: 'assess', decisionOn: '2026-11-24' }, 400)
    assert.match(future.text, /cannot be in the future/)
    const outcomeFirst = await step(
      officer,
      id,
      'outcome',
      { version, outcome: 'issue_plan', outcomeOn: '2026-11-20' },
      400,
    )
    assert.match(outcomeFirst.text, /Record the decision to assess before the assessment outcome/)
    const noReason = await step(
      officer,
      id,
      'exceptions',
      { version, exceptionKind: 'personal_circumstances', exceptionFrom: '2026-11-05', exceptionTo: '2026-11-30' },
      400,
    )
    assert.match(noReason.text, /Enter the reason for the exception/)
    assert.match(noReason.text, /href="#exceptionReason"/)
    assert.match(noReason.text, /value="2026-11-05"/)
    const shortClosure = await step(
      officer,
      id,
      'exceptions',
      {
        version,
        exceptionKind: 'absent_from_area',
        exceptionFrom: '2026-11-05',
        exceptionTo: '2026-11-10',
        exceptionReason: 'Away',
      },
      400,
    )
    assert.match(shortClosure.text, /at least 4 continuous weeks/)
    assert.equal((await requestRow(id)).version, Number(version), 'nothing was saved')
  })

  it('two officers saving the same request at the same version: one wins, the other gets 409 and nothing is overwritten', async () => {
    const officer = await signedIn(t.app, 'officer')
    const manager = await signedIn(t.app, 'manager')
    const id = t.fixture.casework!.requests.ada
    const version = await versionOf(id)
    await step(officer, id, 'decision', { version, decision: 'assess', decisionOn: '2026-11-20' })
    const stale = await step(
      manager,
      id,
      'decision',
      { version, decision: 'not_assess', decisionOn: '2026-11-19' },
      409,
    )
    assert.match(stale.text, /changed by someone else/)
    assert.match(stale.text, /Assess, 20 November 2026/, 'the latest is shown')
    const row = await requestRow(id)
    assert.equal(row.decision, 'assess')
    assert.equal(row.decision_on, '2026-11-20')
    assert.equal(row.version, Number(version) + 1)
    // The same for an addition under the request: a stale page adds nothing.
    const staleAdvice = await step(
      manager,
      id,
      'advice',
      { version, advisor: 'health', adviceRequestedOn: '2026-11-21' },
      409,
    )
    assert.match(staleAdvice.text, /changed by someone else/)
    const advice = await db().selectFrom('advice_request').selectAll().where('request_id', '=', id).execute()
    assert.equal(advice.length, 0)
  })

  it('takes a request to a final plan: plan, ranked needs, the child marked, audit rows and the letter', async () => {
    const officer = await signedIn(t.app, 'officer')
    const { ben } = t.fixture.children
    const { schoolA } = t.fixture.settings
    const id = await logRequest(officer, ben, {
      source: 'school',
      receivedVia: 'hand',
      arrivedOn: '2026-06-01',
      arrivedTime: '09:00',
      officerId: t.fixture.users.manager!,
    })
    assert.equal((await requestRow(id)).received_on, '2026-06-01')
    assert.equal((await requestRow(id)).officer_id, t.fixture.users.manager)
    const v = () => versionOf(id)
    await step(officer, id, 'decision', { version: await v(), decision: 'assess', decisionOn: '2026-07-06' })
    await step(officer, id, 'exceptions', {
      version: await v(),
      exceptionKind: 'personal_circumstances',
      exceptionFrom: '2026-06-15',
      exceptionTo: '2026-07-20',
      exceptionReason: 'Parent in hospital',
    })
    await step(officer, id, 'advice', {
      version: await v(),
      advisor: 'educational_psychologist',
      advisorName: 'Dr Example',
      adviceRequestedOn: '2026-07-07',
    })
    const [advice] = await db().selectFrom('advice_request').selectAll().where('request_id', '=', id).execute()
    const receipt = await officer.post(`/casework/requests/${id}/advice/${advice!.id}/receipt`, {
      version: String(advice!.version),
      adviceReceivedOn: '2026-07-01',
    })
    assert.equal(receipt.status, 400)
    assert.match(receipt.text, new RegExp(`href="#adviceReceivedOn-${advice!.id}"`))
    const received = await officer.post(`/casework/requests/${id}/advice/${advice!.id}/receipt`, {
      version: String(advice!.version),
      adviceReceivedOn: '2026-08-10',
    })
    assert.equal(received.status, 303)
    await step(officer, id, 'outcome', { version: await v(), outcome: 'issue_plan', outcomeOn: '2026-07-01' }, 400)
    await step(officer, id, 'outcome', { version: await v(), outcome: 'issue_plan', outcomeOn: '2026-09-14' })
    await step(officer, id, 'draft', { version: await v(), draftSentOn: '2026-09-21', preferredSettingId: schoolA })
    await step(officer, id, 'consultations', {
      version: await v(),
      consultationSettingId: schoolA,
      consultationSentOn: '2026-09-22',
    })
    const [consultation] = await db()
      .selectFrom('placement_consultation')
      .selectAll()
      .where('request_id', '=', id)
      .execute()
    const answered = await officer.post(`/casework/requests/${id}/consultations/${consultation!.id}/response`, {
      version: String(consultation!.version),
      response: 'can_meet',
      respondedOn: '2026-10-01',
    })
    assert.equal(answered.status, 303)
    const plan = {
      need1: 'SPLD',
      need2: 'SLCN',
      namedSettingId: schoolA,
      provisionSummary: 'Weekly specialist teaching; speech and language therapy each term.',
    }
    // Before the 15 days for the family's comments have run (served 21 September: until 5 October).
    const early = await step(officer, id, 'final', { version: await v(), finalIssuedOn: '2026-10-01', ...plan }, 400)
    assert.match(early.text, /issue the final plan on or after 2026-10-06/)
    const beforeDraft = await step(
      officer,
      id,
      'final',
      { version: await v(), finalIssuedOn: '2026-09-20', ...plan },
      400,
    )
    assert.match(beforeDraft.text, /on or after the date the draft was sent, 2026-09-21/)
    const noNeed = await step(
      officer,
      id,
      'final',
      { version: await v(), ...plan, need1: '', finalIssuedOn: '2026-10-12' },
      400,
    )
    assert.match(noNeed.text, /Choose the primary need/)
    await step(officer, id, 'final', { version: await v(), finalIssuedOn: '2026-10-12', ...plan })

    const row = await requestRow(id)
    assert.equal(row.final_issued_on, '2026-10-12')
    assert.ok(row.plan_id)
    const saved = await db().selectFrom('ehc_plan').selectAll().where('id', '=', row.plan_id!).executeTakeFirstOrThrow()
    assert.equal(saved.issued_on, '2026-10-12')
    assert.equal(saved.named_setting_id, schoolA)
    assert.equal(saved.request_id, id)
    const needs = await db()
      .selectFrom('ehc_plan_need')
      .select(['rank', 'need_code'])
      .where('plan_id', '=', row.plan_id!)
      .orderBy('rank')
      .execute()
    assert.deepEqual(needs, [
      { rank: 1, need_code: 'SPLD' },
      { rank: 2, need_code: 'SLCN' },
    ])
    const child = await db().selectFrom('child').selectAll().where('id', '=', ben).executeTakeFirstOrThrow()
    assert.equal(child.sen_status, 'ehcp')
    assert.equal(child.ehcp_start_date, '2026-10-12')
    const issued = await audits('casework.plan.issue')
    assert.equal(issued.at(-1)!.record_id, row.plan_id)
    for (const action of [
      'casework.request.create',
      'casework.request.decision',
      'casework.exception.create',
      'casework.advice.create',
      'casework.advice.receipt',
      'casework.request.outcome',
      'casework.request.draft',
      'casework.consultation.create',
      'casework.consultation.response',
    ]) {
      assert.ok((await audits(action)).length > 0, `audited: ${action}`)
    }
    const exceptionAudit = (await audits('casework.exception.create')).at(-1)!
    assert.doesNotMatch(JSON.stringify(exceptionAudit.details), /hospital/)

    const page = await officer.get(`/casework/requests/${id}`)
    assert.match(page.text, /Final plan issued/)
    assert.match(page.text, new RegExp(`href="/casework/plans/${row.plan_id}"`))
    // R1 was met on 6 July (due 13 July) with the exception shown beside it; R5 due 19 October, met.
    assert.match(
      page.text,
      /13 July 2026[\s\S]*?Done on time[\s\S]*?with exception: Exceptional personal circumstances/,
    )
    assert.match(page.text, /19 October 2026[\s\S]*?Done on time/)
    assert.match(page.text, /within 20 weeks, with an exception/)
    assert.doesNotMatch(page.text, /Issue the final plan<\/button>/, 'a finalised request takes no more steps')
    const again = await step(officer, id, 'final', { version: await v(), finalIssuedOn: '2026-10-13', ...plan }, 400)
    assert.match(again.text, /was issued on 2026-10-12/)

    const letter = await officer.get(`/casework/requests/${id}/letters/final-plan`)
    assert.equal(letter.status, 200)
    assert.match(letter.text, /Alder Primary School/)
    assert.match(letter.text, /Section B/)
    assert.match(letter.text, /Section F/)
    assert.match(letter.text, /Section I/)
    assert.match(letter.text, /First-tier Tribunal \(Special Educational Needs and Disability\)/)
    assert.match(
      letter.text,
      /2 months from the date of this letter, or 1 month from the date on your mediation certificate/,
    )
    assert.match(letter.text, /12 December 2026/, 'the appeal deadline')
    assert.match(
      letter.text,
      /unless your appeal is only about the school, college or type of setting named in Section I/,
    )
    assert.match(letter.text, new RegExp(t.config.mediationAdviser.phone))
    assert.match(letter.text, /by post or email/)
    const letterAudit = (await audits('casework.letter.read')).at(-1)!
    assert.equal(letterAudit.record_id, id)
  })

  it('the no-plan path: the family is told, the request closes, and the letter carries the appeal rights', async () => {
    const manager = await signedIn(t.app, 'manager')
    const id = await logRequest(manager, t.fixture.children.eve, {
      source: 'health',
      receivedVia: 'online',
      arrivedOn: '2026-07-04',
      arrivedTime: '11:00',
    })
    assert.equal((await requestRow(id)).received_on, '2026-07-06', 'a Saturday: the next working day')
    await step(manager, id, 'decision', { version: await versionOf(id), decision: 'assess', decisionOn: '2026-08-10' })
    await step(
      manager,
      id,
      'outcome',
      { version: await versionOf(id), outcome: 'no_plan', outcomeOn: '2026-08-01' },
      400,
    )
    await step(manager, id, 'outcome', { version: await versionOf(id), outcome: 'no_plan', outcomeOn: '2026-10-30' })
    const page = await manager.get(`/casework/requests/${id}`)
    // R3: 16 weeks from 6 July is 26 October; told on 30 October, 4 days late.
    assert.match(page.text, /Notice of a decision not to issue a plan[\s\S]*?26 October 2026[\s\S]*?Done 4 days late/)
    assert.doesNotMatch(page.text, /Final plan issued \(R5/)
    const letter = await manager.get(`/casework/requests/${id}/letters/no-plan`)
    assert.equal(letter.status, 200)
    assert.match(letter.text, /decision not to issue an EHC plan/)
    assert.match(letter.text, /First-tier Tribunal/)
    assert.match(letter.text, /you must contact a mediation adviser/)
    assert.match(letter.text, /30 December 2026/)
    assert.equal((await manager.get(`/casework/requests/${id}/letters/final-plan`)).status, 404)
    const list = await manager.get('/casework/requests')
    assert.doesNotMatch(list.text, new RegExp(id), 'a no-plan notice closes the request')
  })

  it('lists open requests by next deadline, filtered by officer, and audits the count only', async () => {
    const manager = await signedIn(t.app, 'manager')
    const list = await manager.get('/casework/requests')
    assert.equal(list.status, 200)
    assert.match(list.text, /Ada Quill/)
    assert.doesNotMatch(list.text, /Cara Rowan/, 'finalised')
    const audit = (await audits('casework.request.list')).at(-1)!
    assert.equal(audit.record_id, null)
    assert.equal(typeof (audit.details as { count: number }).count, 'number')
    assert.doesNotMatch(JSON.stringify(audit.details), /Ada|Quill/)
    const mine = await manager.get(`/casework/requests?officer=${t.fixture.users.manager}`)
    assert.doesNotMatch(mine.text, /Ada Quill/, 'Ada’s request is the case officer’s')
    const theirs = await manager.get(`/casework/requests?officer=${t.fixture.users.officer}`)
    assert.match(theirs.text, /Ada Quill/)
  })

  it('hands a request to another officer: it moves to their list; the same officer or a stale version is refused', async () => {
    const manager = await signedIn(t.app, 'manager')
    const { ada } = t.fixture.casework!.requests
    const same = await step(
      manager,
      ada,
      'officer',
      { version: await versionOf(ada), officerId: t.fixture.users.officer! },
      400,
    )
    assert.match(same.text, /already with this officer/)
    const stale = String(Number(await versionOf(ada)) - 1)
    await step(manager, ada, 'officer', { version: stale, officerId: t.fixture.users.manager! }, 409)
    assert.equal((await requestRow(ada)).officer_id, t.fixture.users.officer)
    await step(manager, ada, 'officer', { version: await versionOf(ada), officerId: t.fixture.users.manager! })
    assert.equal((await requestRow(ada)).officer_id, t.fixture.users.manager)
    assert.match((await manager.get(`/casework/requests?officer=${t.fixture.users.manager}`)).text, /Ada Quill/)
    const entry = (await audits('casework.request.officer')).at(-1)!
    assert.equal((entry.details as { from: string }).from, t.fixture.users.officer)
    assert.equal((entry.details as { to: string }).to, t.fixture.users.manager)
    // Back to the case officer, so the other tests see the fixture as it was.
    await step(manager, ada, 'officer', { version: await versionOf(ada), officerId: t.fixture.users.officer! })
  })

  it('keeps casework from school users, finance and panel members', async () => {
    const { ada, cara } = t.fixture.casework!.requests
    for (const username of ['senco.a', 'finance', 'panel']) {
      const client = await signedIn(t.app, username)
      assert.equal((await client.get('/casework/requests')).status, 403, username)
      assert.equal((await client.get(`/casework/requests/${ada}`)).status, 403, username)
      assert.equal((await client.get(`/casework/requests/${cara}/letters/final-plan`)).status, 403, username)
      assert.equal((await client.post(`/casework/requests/${ada}/decision`, { version: '1' })).status, 403, username)
    }
    const senco = await signedIn(t.app, 'senco.a')
    const record = await senco.get(`/children/${t.fixture.children.ada}`)
    assert.equal(record.status, 200)
    assert.doesNotMatch(record.text, /Casework|EHC needs assessment/)
    // The LA admin reads casework but does not act on it.
    const admin = await signedIn(t.app, 'admin')
    const page = await admin.get(`/casework/requests/${cara}`)
    assert.equal(page.status, 200)
    assert.equal((await admin.post(`/casework/requests/${ada}/decision`, { version: '1' })).status, 403)
    assert.equal((await admin.get(`/casework/requests/00000000-0000-0000-0000-000000000000`)).status, 404)
  })
})

describe('the request timeline', () => {
  const isoDay = fc.integer({ min: 0, max: 3650 }).map(n => addDays('2020-01-01', n))
  const row = (receivedOn: string, decisionOn: string | null): RequestRow => ({
    id: 'r',
    child_id: 'c',
    officer_id: null,
    officer_name: null,
    source: 'parent',
    received_via: 'email',
    arrived_on: receivedOn,
    arrived_time: '10:00',
    received_on: receivedOn,
    decision: decisionOn ? 'assess' : null,
    decision_on: decisionOn,
    outcome: null,
    outcome_on: null,
    draft_sent_on: null,
    comments_received_on: null,
    preferred_setting_id: null,
    preferred_setting_name: null,
    final_issued_on: null,
    plan_id: null,
    withdrawn_on: null,
    withdrawn_reason: null,
    version: 1,
    created_at: new Date(),
  })

  it('an exception is shown beside R1 and R5 but never moves a deadline or turns late into on time', () => {
    fc.assert(
      fc.property(
        isoDay,
        fc.integer({ min: 0, max: 120 }),
        isoDay,
        fc.integer({ min: 28, max: 90 }),
        fc.constantFrom('school_closure', 'personal_circumstances', 'absent_from_area', 'early_years_closure' as const),
        (received, after, from, length, kind) => {
          const r = row(received, addDays(received, after))
          const today = addDays(received, 200)
          const plain = timelineOf(r, [], [], today)
          const excepted = timelineOf(r, [], [{ kind, from_date: from, to_date: addDays(from, length) }], today)
          assert.deepEqual(
            excepted.map(c => [c.key, c.deadline, c.status.text]),
            plain.map(c => [c.key, c.deadline, c.status.text]),
          )
          const r1 = excepted.find(c => c.key === 'R1')!
          const shown = kind !== 'early_years_closure' && from <= r.decision_on!
          assert.equal(r1.exceptions.length, shown ? 1 : 0)
          assert.equal(r1.status.text.startsWith('Done') && after > 42, r1.status.text.endsWith('late'))
        },
      ),
    )
  })
})

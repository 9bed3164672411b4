import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { amendmentClockLines } from '../src/casework/plan-service.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { loadReviewFixture, type ReviewFixture } from './support/review-fixture.ts'

// Today is 2026-11-23. The review fixture: Dev's plan (special school, issued 2025-10-01) with an open
// review due 2026-10-01; Cara's plan (School B) decided 'amend' after a meeting on 2026-10-20, its
// proposed amendments sent 2026-11-02. Ada (born 2016-03-14) is in Year 6 in 2026/27.

let t: TestApp
let r: ReviewFixture
let officer: Client
before(async () => {
  t = await startTestApp()
  r = await loadReviewFixture(t.database.db, t.fixture)
  officer = await signedIn(t.app, 'officer')
})
after(() => t.close())

const db = () => t.database.db
const plan = (id: string) => db().selectFrom('ehc_plan').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const review = (id: string) =>
  db().selectFrom('annual_review').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const audits = (action: string) =>
  db().selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('id').execute()

async function versionOn(client: Client, path: string): Promise<string> {
  const page = await client.get(path)
  assert.equal(page.status, 200, page.text)
  return /name="version" value="(\d+)"/.exec(page.text)![1]!
}

/** The text of the page without its markup, for matching what a reader sees. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

const PLAN_FORM = {
  issuedOn: '2026-03-01',
  namedSettingId: '',
  namedSettingType: '',
  provisionSummary: 'Teaching assistant support for 15 hours a week.',
  need1: 'SLCN',
  need2: 'ASD',
  need3: '',
}

describe('recording an existing plan and opening its annual review (R6)', () => {
  let planId: string

  it('offers the plan from the child record, refuses a plan without a setting and keeps the input', async () => {
    const record = await officer.get(`/children/${t.fixture.children.ada}`)
    assert.equal(record.status, 200)
    assert.match(record.text, /<h2 class="govuk-heading-m" id="ehc-plan">EHC plan<\/h2>/)
    assert.match(record.text, /Record an existing EHC plan/)
    const form = await officer.get(`/children/${t.fixture.children.ada}/plans/new`)
    assert.equal(form.status, 200)
    const res = await officer.post(`/children/${t.fixture.children.ada}/plans`, PLAN_FORM)
    assert.equal(res.status, 400)
    assert.match(res.text, /There is a problem/)
    assert.match(res.text, /Choose the school or setting named, or enter a type of setting/)
    assert.match(res.text, /value="2026-03-01"/)
    assert.match(res.text, /Teaching assistant support for 15 hours a week\./)
  })

  it('records the plan, with its needs ranked by SEN2 code and name', async () => {
    const res = await officer.post(`/children/${t.fixture.children.ada}/plans`, {
      ...PLAN_FORM,
      namedSettingId: t.fixture.settings.schoolA,
    })
    assert.equal(res.status, 303, res.text)
    planId = (res.headers.location as string).split('/').pop()!
    const page = await officer.get(`/casework/plans/${planId}`)
    assert.equal(page.status, 200)
    const shown = text(page.text)
    assert.match(shown, /Speech, language and communication needs \(SLCN\): primary need/)
    assert.match(shown, /Autistic spectrum disorder \(ASD\)/)
    assert.match(shown, /Alder Primary School/)
    assert.match(shown, /due by 1 March 2027/)
    const created = await audits('ehc_plan.create')
    assert.equal(created.at(-1)!.record_id, planId)
  })

  it('opens the next review due 12 months from the issue date, and resumes it when asked again', async () => {
    const first = await officer.post(`/casework/plans/${planId}/reviews`, { kind: 'annual' })
    assert.equal(first.status, 303)
    const reviewId = (first.headers.location as string).split('/').pop()!
    assert.equal((await review(reviewId)).due_on, '2027-03-01')
    const again = await officer.post(`/casework/plans/${planId}/reviews`, { kind: 'annual' })
    assert.equal(again.headers.location, first.headers.location)
  })

  it('lists a Year 6 child with a plan for a September 2027 transfer, due by 15 February 2027 (R11)', async () => {
    const page = await officer.get('/casework/phase-transfers?year=2027')
    assert.equal(page.status, 200)
    const shown = text(page.text)
    assert.match(
      shown,
      /Ada Quill Year 6 to Year 7 Alder Primary School 15 February 2027 Open the review for Ada Quill/,
    )
    // Dev is in Year 11 at an all-through special school: he stays on, so he is not listed.
    assert.doesNotMatch(shown, /Dev Sorrel/)
    const listed = await audits('phase_transfer.list')
    assert.deepEqual(listed.at(-1)!.details, { year: 2027, count: 1 })
    const opened = await officer.post(`/casework/plans/${planId}/reviews`, { kind: 'phase_transfer' })
    assert.equal(opened.status, 303)
    const transferReview = await review((opened.headers.location as string).split('/').pop()!)
    assert.equal(transferReview.kind, 'phase_transfer')
    assert.equal(transferReview.due_on, '2027-02-15')
  })

  it('counts the phase transfer review done once it is decided and an amendment names the new setting', async () => {
    const reviewPath = (await officer.post(`/casework/plans/${planId}/reviews`, { kind: 'phase_transfer' })).headers
      .location as string
    const version = await versionOn(officer, reviewPath)
    const decided = await officer.post(reviewPath, {
      version,
      meetingOn: '2026-11-02',
      reportReceivedOn: '2026-11-09',
      decision: 'amend',
      decisionOn: '2026-11-10',
    })
    assert.equal(decided.status, 303, decided.text)
    assert.match(
      text((await officer.get('/casework/phase-transfers?year=2027')).text),
      /Decided \(amend\); no amendment/,
    )
    const started = await officer.post(`${reviewPath}/amendments`, {
      proposalsSentOn: '2026-11-10',
      summary: 'Name Birch Academy from September 2027.',
    })
    assert.equal(started.status, 303, started.text)
    const amendmentPath = started.headers.location as string
    const issued = await officer.post(`${amendmentPath}/issue`, {
      version: await versionOn(officer, amendmentPath),
      planVersion: String((await plan(planId)).version),
      // The family has not commented and their 15 days run to 24 November: too soon.
      finalIssuedOn: '2026-11-23',
      namedSettingId: t.fixture.settings.schoolB,
      provisionSummary: PLAN_FORM.provisionSummary,
      need1: 'SLCN',
      need2: 'ASD',
    })
    assert.equal(issued.status, 400)
    assert.match(issued.text, /The family has until 24 November 2026 to comment/)
    const commented = await officer.post(amendmentPath, {
      version: await versionOn(officer, amendmentPath),
      summary: 'Name Birch Academy from September 2027.',
      commentsReceivedOn: '2026-11-20',
    })
    assert.equal(commented.status, 303, commented.text)
    const final = await officer.post(`${amendmentPath}/issue`, {
      version: await versionOn(officer, amendmentPath),
      planVersion: String((await plan(planId)).version),
      finalIssuedOn: '2026-11-23',
      namedSettingId: t.fixture.settings.schoolB,
      provisionSummary: PLAN_FORM.provisionSummary,
      need1: 'SLCN',
      need2: 'ASD',
    })
    assert.equal(final.status, 303, final.text)
    const shown = text((await officer.get('/casework/phase-transfers?year=2027')).text)
    assert.match(
      shown,
      /Ada Quill Year 6 to Year 7 Birch Academy 15 February 2027 Done: new setting named on 23 November 2026 .*Done on time/,
    )
  })
})

describe('the reviews list', () => {
  it('lists the overdue review first with its status, and counts the reviews outstanding', async () => {
    const page = await officer.get('/casework/reviews')
    assert.equal(page.status, 200)
    const shown = text(page.text)
    assert.match(shown, /1 annual review outstanding today/)
    assert.match(
      shown,
      /Dev Sorrel Year 11 Cedar Special School 1 October 2026 Meeting not booked .*Overdue by 53 days/,
    )
    // Cara's plan was reviewed on 2026-10-30: her next review is a year away.
    assert.doesNotMatch(shown, /Cara Rowan/)
    const listed = await audits('annual_review.list')
    assert.deepEqual(listed.at(-1)!.details, { count: 1, outstanding: 1 })
  })
})

describe('recording an annual review (R7–R9)', () => {
  const path = () => `/casework/reviews/${r.reviews.devOpen}`

  it('refuses a report received before the meeting, naming the field and keeping the input', async () => {
    const version = await versionOn(officer, path())
    const res = await officer.post(path(), { version, meetingOn: '2026-11-10', reportReceivedOn: '2026-11-01' })
    assert.equal(res.status, 400)
    assert.match(res.text, /href="#reportReceivedOn">The review report cannot be received before the meeting/)
    assert.match(res.text, /value="2026-11-01"/)
    const decided = await officer.post(path(), {
      version,
      meetingOn: '2026-11-10',
      decision: 'keep',
      decisionOn: '2026-11-09',
    })
    assert.equal(decided.status, 400)
    assert.match(decided.text, /The decision cannot be before the meeting/)
    assert.equal((await review(r.reviews.devOpen)).meeting_on, null)
  })

  it('shows the invitations, report and decision deadlines from the meeting date', async () => {
    const version = await versionOn(officer, path())
    const res = await officer.post(path(), { version, meetingOn: '2026-11-10', invitationsSentOn: '2026-10-20' })
    assert.equal(res.status, 303, res.text)
    const shown = text((await officer.get(path())).text)
    assert.match(shown, /Invitations and advice sent \(R7, regs 20–21\) 27 October 2026 20 October 2026 Done on time/)
    assert.match(shown, /Review report received \(R8, regs 20–21\) 24 November 2026 Not yet Due in 1 day/)
    assert.match(shown, /Decision: keep, amend or cease \(R9, reg 20\(10\)\) 8 December 2026 Not yet Due in 15 days/)
    assert.match(
      shown,
      /Review meeting held \(R6, CFA 2014 s44; Code 9\.178\) 1 October 2026 10 November 2026 Done 40 days late/,
    )
  })

  it('lets only one of two officers save the same version: the other gets 409 and nothing is overwritten', async () => {
    const manager = await signedIn(t.app, 'manager')
    const version = await versionOn(officer, path())
    assert.equal(await versionOn(manager, path()), version)
    const first = await officer.post(path(), { version, meetingOn: '2026-11-10', reportReceivedOn: '2026-11-20' })
    assert.equal(first.status, 303)
    const second = await manager.post(path(), { version, meetingOn: '2026-11-12' })
    assert.equal(second.status, 409)
    assert.match(second.text, /Someone else saved this record after you opened it/)
    // The page shows the latest record: the first officer's dates.
    assert.match(second.text, /name="reportReceivedOn" type="text" value="2026-11-20"/)
    const saved = await review(r.reviews.devOpen)
    assert.equal(saved.meeting_on, '2026-11-10')
    assert.equal(saved.report_received_on, '2026-11-20')
  })
})

describe('amending the plan after a review (R10)', () => {
  const path = () => `/casework/amendments/${r.amendments.cara}`

  it('shows the 15 days for comments, the 8-week final and the 12-week whole process', async () => {
    const shown = text((await officer.get(path())).text)
    assert.match(shown, /Period ended they had until 16 November 2026 \(15 days\)/)
    assert.match(
      shown,
      /Final amended plan issued \(8 weeks\) \(R10, reg 22; L v Devon CC \[2022\]\) 28 December 2026 Not yet Due in 35 days/,
    )
    assert.match(shown, /Whole process \(12 weeks from the meeting\) .* 12 January 2027 Not yet Due in 50 days/)
  })

  it('refuses a final plan before the proposals, then records comments, a consultation and the final plan', async () => {
    let version = await versionOn(officer, path())
    const planVersion = String((await plan(r.plans.cara)).version)
    const early = await officer.post(`${path()}/issue`, {
      version,
      planVersion,
      finalIssuedOn: '2026-10-30',
      namedSettingId: t.fixture.settings.special,
      need1: 'SEMH',
    })
    assert.equal(early.status, 400)
    assert.match(early.text, /The final amended plan cannot be issued before the proposed amendments were sent/)

    const comments = await officer.post(path(), {
      version,
      summary: 'Add weekly counselling to Section F; name Cedar.',
      commentsReceivedOn: '2026-11-12',
    })
    assert.equal(comments.status, 303, comments.text)
    const consulted = await officer.post(`${path()}/consultations`, {
      settingId: t.fixture.settings.special,
      sentOn: '2026-11-03',
      response: 'can_meet',
      respondedOn: '2026-11-10',
    })
    assert.equal(consulted.status, 303, consulted.text)

    version = await versionOn(officer, path())
    const issued = await officer.post(`${path()}/issue`, {
      version,
      planVersion,
      finalIssuedOn: '2026-11-20',
      namedSettingId: t.fixture.settings.special,
      namedSettingType: '',
      provisionSummary: 'Special school place; weekly counselling.',
      need1: 'SEMH',
      need2: 'SLCN',
      need3: '',
    })
    assert.equal(issued.status, 303, issued.text)

    const updated = await plan(r.plans.cara)
    assert.equal(updated.named_setting_id, t.fixture.settings.special)
    assert.equal(updated.provision_summary, 'Special school place; weekly counselling.')
    const amendment = await db()
      .selectFrom('plan_amendment')
      .selectAll()
      .where('id', '=', r.amendments.cara)
      .executeTakeFirstOrThrow()
    assert.equal(amendment.final_issued_on, '2026-11-20')
    assert.deepEqual(amendment.changes, {
      namedSetting: { before: 'Birch Academy', after: 'Cedar Special School' },
      provisionSummary: {
        before: 'Resource base place; a mentor for 2 hours a week.',
        after: 'Special school place; weekly counselling.',
      },
    })
    const shown = text((await officer.get(`/casework/plans/${r.plans.cara}`)).text)
    assert.match(shown, /Named school or setting \(Section I\) : from “Birch Academy” to “Cedar Special School”/)
    assert.match(shown, /Final amended plan Issued 20 November 2026/)
    const amendmentPage = text((await officer.get(path())).text)
    assert.match(amendmentPage, /Cedar Special School 3 November 2026 Can meet the needs \(10 November 2026\)/)
    assert.match(amendmentPage, /28 December 2026 20 November 2026 Done on time/)
  })

  it('tags a final plan within 8 weeks of the proposals but over 12 weeks from the meeting as late', () => {
    const amendment = {
      id: 'a',
      plan_id: 'p',
      review_id: 'r',
      proposals_sent_on: '2026-07-20',
      comments_received_on: null,
      final_issued_on: '2026-09-07',
      summary: 's',
      changes: null,
      version: 1,
    }
    const clocks = amendmentClockLines(amendment, '2026-06-01', '2026-11-23')
    assert.deepEqual(
      clocks.lines.map(l => [l.deadline, l.status.text]),
      [
        ['2026-09-14', 'Done on time'],
        ['2026-08-24', 'Done 14 days late'],
      ],
    )
    const open = amendmentClockLines({ ...amendment, final_issued_on: null }, '2026-06-01', '2026-09-01')
    assert.equal(open.lines[1]!.status.text, 'Overdue by 8 days')
  })

  it('gives the review decision letter with the appeal and mediation rights', async () => {
    const res = await officer.get(`/casework/plans/${r.plans.cara}/letters/review-decision`)
    assert.equal(res.status, 200)
    const shown = text(res.text)
    assert.match(shown, /We have decided to change \(amend\) the plan/)
    assert.match(shown, /We issued the amended plan on 20 November 2026/)
    assert.match(shown, /First-tier Tribunal \(Special Educational Needs and Disability\)/)
    assert.match(
      shown,
      /within 2 months of the date we issue the amended plan \(by 20 January 2027\), or within 1 month of the date on a mediation certificate, whichever is later/,
    )
    assert.match(shown, /only about the school or other setting named in the plan \(Section I\)/)
    assert.match(shown, /by post or by email/)
  })
})

describe('ceasing a plan (R12)', () => {
  const path = () => `/casework/plans/${r.plans.dev}/cessation`

  it('refuses a decision to cease without a reason, keeping what was typed', async () => {
    const version = await versionOn(officer, path())
    const res = await officer.post(path(), { version, decidedOn: '2026-09-01', note: 'Moving to college' })
    assert.equal(res.status, 400)
    assert.match(res.text, /href="#reason">Choose the reason for ceasing the plan/)
    assert.match(res.text, /value="2026-09-01"/)
    assert.match(res.text, /Moving to college/)
    assert.match(res.text, /2: Needs met without an EHC plan/)
  })

  it('records the decision, keeps the plan while the appeal time runs, then ceases it', async () => {
    let version = await versionOn(officer, path())
    const decided = await officer.post(path(), { version, decidedOn: '2026-09-01', reason: '2', note: '' })
    assert.equal(decided.status, 303, decided.text)
    let saved = await plan(r.plans.dev)
    assert.equal(saved.cease_decided_on, '2026-09-01')
    assert.equal(saved.ceased_on, null)
    const shown = text((await officer.get(`/casework/plans/${r.plans.dev}`)).text)
    assert.match(shown, /EHC plan Ceasing/)
    assert.match(shown, /Appeal by 1 November 2026/)

    const letter = text((await officer.get(`/casework/plans/${r.plans.dev}/letters/cessation`)).text)
    assert.match(letter, /The reason is: Needs met without an EHC plan\./)
    assert.match(letter, /until 1 November 2026, when the time to appeal ends/)
    assert.match(letter, /First-tier Tribunal/)
    assert.match(letter, /mediation adviser/)
    assert.match(letter, /within 2 months of the date of this letter \(by 1 November 2026\)/)
    assert.match(letter, /by post or by email/)

    version = await versionOn(officer, path())
    const early = await officer.post(`/casework/plans/${r.plans.dev}/cease`, { version, ceasedOn: '2026-10-15' })
    assert.equal(early.status, 400)
    assert.match(early.text, /it can cease from 2 November 2026/)
    const ceased = await officer.post(`/casework/plans/${r.plans.dev}/cease`, { version, ceasedOn: '2026-11-20' })
    assert.equal(ceased.status, 303, ceased.text)
    saved = await plan(r.plans.dev)
    assert.equal(saved.ceased_on, '2026-11-20')
    assert.equal(saved.cease_reason, 2)
    const child = await db()
      .selectFrom('child')
      .select('sen_status')
      .where('id', '=', t.fixture.children.dev)
      .executeTakeFirstOrThrow()
    assert.equal(child.sen_status, 'ehcp')
    assert.match(text((await officer.get(`/casework/plans/${r.plans.dev}`)).text), /EHC plan Ceased/)
    // A ceased plan is not in force: no review is due for it.
    assert.doesNotMatch(text((await officer.get('/casework/reviews')).text), /Dev Sorrel/)
  })
})

describe('who may use casework', () => {
  for (const username of ['senco.a', 'finance', 'panel']) {
    it(`${username} is refused every casework page`, async () => {
      const client = await signedIn(t.app, username)
      for (const path of [
        '/casework/reviews',
        '/casework/phase-transfers',
        `/casework/plans/${r.plans.cara}`,
        `/casework/reviews/${r.reviews.caraDecided}`,
        `/casework/amendments/${r.amendments.cara}`,
        `/casework/plans/${r.plans.cara}/letters/review-decision`,
      ]) {
        assert.equal((await client.get(path)).status, 403, path)
      }
      assert.equal((await client.post(`/casework/plans/${r.plans.cara}/reviews`, {})).status, 403)
    })
  }

  it('the LA admin reads but does not change casework', async () => {
    const admin = await signedIn(t.app, 'admin')
    assert.equal((await admin.get(`/casework/plans/${r.plans.cara}`)).status, 200)
    assert.equal((await admin.post(`/casework/plans/${r.plans.cara}/reviews`, {})).status, 403)
    assert.equal((await admin.get(`/children/${t.fixture.children.ada}/plans/new`)).status, 403)
  })

  it('audits every read of a plan or review, with no personal values in the details', async () => {
    const reads = [...(await audits('ehc_plan.read')), ...(await audits('annual_review.read'))]
    assert.ok(reads.some(a => a.record_id === r.plans.cara && a.username === 'officer'))
    assert.ok(reads.some(a => a.record_id === r.reviews.devOpen))
    const all = await db().selectFrom('audit_event').select('details').where('action', 'like', '%review%').execute()
    const details = JSON.stringify(all.map(a => a.details)) + JSON.stringify(reads.map(a => a.details))
    assert.doesNotMatch(details, /Dev|Cara|Sorrel|Rowan|2011-01-20|counselling/)
  })
})

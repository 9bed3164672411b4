import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { KyselyPlugin } from 'kysely'
import { QueueService } from '../src/casework/queue-service.ts'
import { LA, TODAY } from './support/fixture.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'

// Today is Monday 2026-11-23: this ISO week ends Sunday 2026-11-29, and "at risk" looks to 2026-12-07.
// The cases below (inserted directly) and where each step falls:
//
//  Test Officer's                                          due          status
//   A  Ben's request, received 2026-10-05: R1 decision     2026-11-16   overdue
//   B  Eve's request, received 2026-10-14: R1 decision     2026-11-25   due this week
//   C  Ada's request, received 2026-10-21: R1 decision     2026-12-02   at risk (no step before it)
//   D  Cara's request, received 2026-07-20, assessing, no draft:
//        R2 health advice asked 2026-10-20                 2026-12-01   later (the asking is the step before)
//        R5 final plan                                     2026-12-07   at risk (no draft sent)
//   P  Ada's plan from request X (issued 2025-11-20), no review opened:
//        R6 annual review                                  2026-11-20   overdue
//        R11 Year 6 → Year 7 (Alder is primary)            2027-02-15   later
//  Test Manager's
//   E  Dev's request, draft sent 2026-11-02: R2 advice asked 2026-10-01 (2026-11-12, overdue); R5 2026-12-14 later
//  Not assigned (Dev's plan was recorded without a request)
//   Q  Dev's plan: open review due 2026-12-05, meeting booked 2026-12-03:
//        R6 2026-12-05 later (booked); R7 invitations 2026-11-19 overdue; R8 2026-12-17, R9 2026-12-31 later
//      an amendment outside a review, proposals sent 2026-10-01: R10 2026-11-26 due this week
//   a stage 1 complaint about Eve, response due 2026-11-27: due this week

let t: TestApp
let officer: Client
let manager: Client
let admin: Client
const ids: Record<string, string> = {}

before(async () => {
  t = await startTestApp()
  const db = t.database.db
  const { children, users, settings } = t.fixture
  const request = (child: string, officerId: string, received: string, more: Record<string, unknown> = {}) =>
    db
      .insertInto('ehc_request')
      .values({
        la_code: LA,
        child_id: child,
        officer_id: officerId,
        source: 'parent',
        received_via: 'email',
        arrived_on: received,
        arrived_time: '10:00',
        received_on: received,
        created_by: officerId,
        ...more,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .then(r => r.id)
  const o = users.officer!
  const m = users.manager!
  ids.A = await request(children.ben, o, '2026-10-05')
  ids.B = await request(children.eve, o, '2026-10-14')
  ids.C = await request(children.ada, o, '2026-10-21')
  ids.D = await request(children.cara, o, '2026-07-20', {
    decision: 'assess',
    decision_on: '2026-08-20',
    outcome: 'issue_plan',
    outcome_on: '2026-11-10',
  })
  ids.E = await request(children.dev, m, '2026-07-27', {
    decision: 'assess',
    decision_on: '2026-09-01',
    outcome: 'issue_plan',
    outcome_on: '2026-10-20',
    draft_sent_on: '2026-11-02',
  })
  const advice = await db
    .insertInto('advice_request')
    .values([
      { la_code: LA, request_id: ids.D, advisor: 'health', requested_on: '2026-10-20' },
      { la_code: LA, request_id: ids.E, advisor: 'educational_psychologist', requested_on: '2026-10-01' },
    ])
    .returning('id')
    .execute()
  ids.adviceD = advice[0]!.id
  ids.adviceE = advice[1]!.id
  // Ada's plan, from a request taken to a final plan by Test Officer.
  ids.X = await request(children.ada, o, '2025-06-02', {
    decision: 'assess',
    decision_on: '2025-07-01',
    outcome: 'issue_plan',
    outcome_on: '2025-09-01',
    draft_sent_on: '2025-10-01',
  })
  const plan = (child: string, issued: string, setting: string, requestId: string | null) =>
    db
      .insertInto('ehc_plan')
      .values({
        la_code: LA,
        child_id: child,
        request_id: requestId,
        issued_on: issued,
        named_setting_id: setting,
        provision_summary: 'Support.',
        created_by: o,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .then(r => r.id)
  ids.P = await plan(children.ada, '2025-11-20', settings.schoolA, ids.X)
  await db
    .updateTable('ehc_request')
    .set({ final_issued_on: '2025-11-20', plan_id: ids.P })
    .where('id', '=', ids.X)
    .execute()
  ids.Q = await plan(children.dev, '2025-12-05', settings.special, null)
  ids.review = (
    await db
      .insertInto('annual_review')
      .values({ la_code: LA, plan_id: ids.Q, due_on: '2026-12-05', meeting_on: '2026-12-03', created_by: o })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  ids.amendment = (
    await db
      .insertInto('plan_amendment')
      .values({ la_code: LA, plan_id: ids.Q, proposals_sent_on: '2026-10-01', summary: 'Add therapy.', created_by: o })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  ids.complaint = (
    await db
      .insertInto('complaint')
      .values({
        la_code: LA,
        child_id: children.eve,
        received_on: '2026-10-30',
        stage: 1,
        subject: 'Late letters.',
        response_due_on: '2026-11-27',
        created_by: m,
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  officer = await signedIn(t.app, 'officer')
  manager = await signedIn(t.app, 'manager')
  admin = await signedIn(t.app, 'admin')
})
after(() => t.close())

/** The queue's rows as [key, status], in the page's order. */
function rows(html: string): [string, string][] {
  return [...html.matchAll(/data-key="([^"]+)" data-status="([^"]+)"/g)].map(m => [m[1]!, m[2]!])
}

const byStatus = (html: string, status: string) =>
  rows(html)
    .filter(([, s]) => s === status)
    .map(([k]) => k)

describe('the work queue on 2026-11-23', () => {
  it('shows a case officer their own work by default, each step in the right status', async () => {
    const res = await officer.get('/casework')
    assert.equal(res.status, 200)
    assert.match(res.text, /<h1 class="govuk-heading-l">My work<\/h1>/)
    assert.deepEqual(byStatus(res.text, 'overdue'), [`request:${ids.A}:R1`, `plan:${ids.P}:R6`])
    assert.deepEqual(byStatus(res.text, 'due_this_week'), [`request:${ids.B}:R1`])
    assert.deepEqual(byStatus(res.text, 'at_risk'), [`request:${ids.C}:R1`, `request:${ids.D}:R5`])
    // What needs action by default; the later steps on asking for every status.
    assert.deepEqual(byStatus(res.text, 'later'), [])
    const every = await officer.get('/casework?status=any')
    assert.deepEqual(byStatus(every.text, 'later'), [`request:${ids.D}:R2-${ids.adviceD}`, `plan:${ids.P}:R11`])
    assert.match(res.text, /<td[^>]*id="count-overdue">2</)
    assert.match(res.text, /<td[^>]*id="count-at_risk">2</)
    assert.match(res.text, /Decide whether to assess/)
    assert.match(res.text, /Ben Quill/)
    // The list names children, so its read is audited with the filter and a count, never a name.
    const entry = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'casework.queue.list')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    assert.deepEqual(entry.details, { officer: 'self', status: 'any', rule: null, count: 7 })
  })

  it('shows a manager the team, sorted by due date then rule', async () => {
    const res = await manager.get('/casework?status=any')
    assert.equal(res.status, 200)
    assert.match(res.text, /Team work queue/)
    assert.deepEqual(byStatus(res.text, 'overdue'), [
      `request:${ids.E}:R2-${ids.adviceE}`,
      `request:${ids.A}:R1`,
      `review:${ids.review}:R7`,
      `plan:${ids.P}:R6`,
    ])
    assert.deepEqual(byStatus(res.text, 'due_this_week'), [
      `request:${ids.B}:R1`,
      `amendment:${ids.amendment}:R10`,
      `complaint:${ids.complaint}`,
    ])
    assert.deepEqual(byStatus(res.text, 'at_risk'), [`request:${ids.C}:R1`, `request:${ids.D}:R5`])
    const dues = rows(res.text).map(([k]) => k)
    assert.equal(dues.length, 15)
  })

  it('filters by officer, status and rule', async () => {
    const mine = await manager.get(`/casework?officer=${t.fixture.users.manager}&status=any`)
    assert.match(mine.text, /My work/)
    assert.deepEqual(
      rows(mine.text).map(([k]) => k),
      [`request:${ids.E}:R2-${ids.adviceE}`, `request:${ids.E}:R5`],
    )
    const none = await manager.get('/casework?officer=unassigned&status=overdue')
    assert.deepEqual(rows(none.text), [[`review:${ids.review}:R7`, 'overdue']])
    const r1 = await officer.get('/casework?officer=all&rule=R1')
    assert.deepEqual(
      rows(r1.text).map(([k]) => k),
      [`request:${ids.A}:R1`, `request:${ids.B}:R1`, `request:${ids.C}:R1`],
    )
  })

  it('refuses a bad filter with an error summary', async () => {
    for (const q of ['status=soon', 'rule=R99', 'officer=nobody', `officer=${t.fixture.users.finance}`]) {
      const res = await officer.get(`/casework?${q}`)
      assert.equal(res.status, 400, q)
      assert.match(res.text, /There is a problem/)
    }
  })

  it('shows each caseload against capacity', async () => {
    const res = await manager.get('/casework')
    const caseloads = res.text.slice(res.text.indexOf('id="caseloads"'))
    // Test Officer: A, B, C, D open and Ada's plan (from request X); Dev's plan has no request.
    assert.match(
      caseloads,
      /Test Officer<\/th>\s*<td[^>]*>4<\/td>\s*<td[^>]*>1<\/td>\s*<td[^>]*>5<\/td>\s*<td[^>]*>Not set</,
    )
    assert.match(caseloads, /Not assigned<\/th>\s*<td[^>]*>0<\/td>\s*<td[^>]*>1<\/td>/)
    assert.doesNotMatch(caseloads, /govuk-tag--red/)
  })
})

describe('reading the queue', () => {
  it('costs the same number of queries however many cases there are', async () => {
    let queries = 0
    const counting: KyselyPlugin = {
      transformQuery: args => {
        queries++
        return args.node
      },
      transformResult: async args => args.result,
    }
    const service = new QueueService(t.database.db.withPlugin(counting), LA, t.clock)
    const actor = {
      userId: t.fixture.users.manager!,
      username: 'manager',
      displayName: 'Test Manager',
      role: 'send_manager' as const,
      settingId: null,
      ip: null,
    }
    const count = async () => {
      queries = 0
      await service.queue(actor, {})
      return queries
    }
    const before = await count()
    for (const received of ['2026-09-01', '2026-09-08', '2026-09-15']) {
      const { id } = await t.database.db
        .insertInto('ehc_request')
        .values({
          la_code: LA,
          child_id: t.fixture.children.eve,
          officer_id: t.fixture.users.officer!,
          source: 'school',
          received_via: 'hand',
          arrived_on: received,
          received_on: received,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await t.database.db
        .insertInto('advice_request')
        .values({ la_code: LA, request_id: id, advisor: 'health', requested_on: TODAY })
        .execute()
    }
    assert.equal(await count(), before)
    assert.ok(before <= 20, `${before} queries`)
  })
})

describe('officers’ capacity', () => {
  const officerRow = (html: string) => {
    const id = t.fixture.users.officer!
    const at = html.indexOf(`value="${id}"`)
    return /name="version" value="(\d+)"/.exec(html.slice(at))![1]!
  }

  it('lets a manager set a capacity, and shows an officer over it', async () => {
    const page = await manager.get('/casework/capacity')
    assert.equal(page.status, 200)
    const res = await manager.post('/casework/capacity', {
      userId: t.fixture.users.officer!,
      capacity: '4',
      version: officerRow(page.text),
    })
    assert.equal(res.status, 303, res.text)
    const queue = await manager.get('/casework')
    assert.match(
      queue.text.slice(queue.text.indexOf('id="caseloads"')),
      /Test Officer[\s\S]*?>4<\/td>\s*<td[^>]*>\s*<strong class="govuk-tag govuk-tag--red">\s*Over capacity/,
    )
    const entry = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'casework.capacity.set')
      .executeTakeFirstOrThrow()
    assert.deepEqual(entry.details, { capacity: 4, version: 1 })
  })

  it('refuses a stale version with 409 and keeps the first save', async () => {
    const page = await admin.get('/casework/capacity')
    const version = officerRow(page.text)
    assert.equal(version, '1')
    assert.equal(
      (await admin.post('/casework/capacity', { userId: t.fixture.users.officer!, capacity: '30', version })).status,
      303,
    )
    const stale = await manager.post('/casework/capacity', {
      userId: t.fixture.users.officer!,
      capacity: '10',
      version,
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Nothing you sent was saved/)
    const row = await t.database.db
      .selectFrom('officer_capacity')
      .selectAll()
      .where('user_id', '=', t.fixture.users.officer!)
      .executeTakeFirstOrThrow()
    assert.equal(row.capacity, 30)
    assert.equal(row.version, 2)
  })

  it('refuses bad input with 400 and an error against the row', async () => {
    for (const capacity of ['', 'lots', '-1', '2.5', '1001']) {
      const res = await manager.post('/casework/capacity', {
        userId: t.fixture.users.officer!,
        capacity,
        version: '2',
      })
      assert.equal(res.status, 400, capacity)
      assert.match(res.text, /There is a problem/)
      assert.match(res.text, new RegExp(`href="#capacity-${t.fixture.users.officer}"`))
    }
    const notOfficer = await manager.post('/casework/capacity', {
      userId: t.fixture.users.finance!,
      capacity: '5',
      version: '0',
    })
    assert.equal(notOfficer.status, 400)
  })

  it('is only for managers and admins; the queue is only for casework staff', async () => {
    assert.equal((await officer.get('/casework/capacity')).status, 403)
    assert.equal(
      (await officer.post('/casework/capacity', { userId: t.fixture.users.officer!, capacity: '5' })).status,
      403,
    )
    for (const who of ['senco.a', 'finance', 'panel']) {
      const client = await signedIn(t.app, who)
      assert.equal((await client.get('/casework')).status, 403, who)
      assert.equal((await client.get('/casework/measures')).status, 403, who)
      assert.equal((await client.get('/casework/capacity')).status, 403, who)
    }
  })
})

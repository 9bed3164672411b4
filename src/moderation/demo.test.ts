import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { freshDatabase } from '../../test/support/database.ts'
import { loadFundingDemo } from '../funding/demo.ts'
import { level8Total } from '../funding/rules/level8.ts'
import { scoreAssessment, type Choices } from '../funding/rules/scoring.ts'
import type { StoredLevel8Package } from '../funding/tables.ts'
import { loadDemo } from '../people/demo/index.ts'
import type { Database } from '../platform/db/index.ts'
import { loadModerationDemo, moderationDemoPlan, type ModerationDemoCounts } from './demo.ts'

const LA = '332'
const today = '2026-11-23'
const now = new Date(`${today}T09:00:00Z`)

describe('the moderation demo plan', () => {
  it('has exactly 79 exceptional-funding cases at full size, and every group when it is smaller', () => {
    for (const eligible of [120, 225, 1000]) {
      const plan = moderationDemoPlan(eligible)
      assert.deepEqual([plan.moved, plan.awaiting, plan.notAssessed], [50, 15, 14])
      assert.equal(plan.sessionSizes.length, 6)
      for (const n of plan.sessionSizes) assert.ok(n >= 8 && n <= 15, `${n} cases in a session`)
      assert.ok(plan.awaiting <= plan.pending + plan.candidates)
    }
    for (let eligible = 3; eligible < 120; eligible++) {
      const plan = moderationDemoPlan(eligible)
      const total = plan.moved + plan.awaiting + plan.notAssessed
      assert.ok(total <= eligible && total <= 79, `${total} cases from ${eligible}`)
      assert.ok(plan.moved > 0 && plan.awaiting > 0 && plan.notAssessed > 0, `a group is empty at ${eligible}`)
    }
  })
})

// The demo at a small scale, loaded as `seed` does into two new databases.
describe('the moderation demo', () => {
  const load = async () => {
    const database = await freshDatabase()
    await loadDemo(database.db, { laCode: LA, asAt: today, scale: 0.05 })
    await loadFundingDemo(database.db, LA, now)
    const counts = await loadModerationDemo(database.db, LA, now)
    return { database, counts }
  }
  let first: Database
  let second: Database
  let counts: ModerationDemoCounts | null
  before(async () => {
    ;({ database: first, counts } = await load())
    ;({ database: second } = await load())
  })
  after(async () => {
    await first?.close()
    await second?.close()
  })

  const casesOf = (database: Database) =>
    database.db
      .selectFrom('panel_case as pc')
      .innerJoin('panel_session as ps', 'ps.id', 'pc.session_id')
      .innerJoin('award as a', 'a.id', 'pc.award_id')
      .innerJoin('child as c', 'c.id', 'a.child_id')
      .leftJoin('panel_decision as d', join => join.onRef('d.case_id', '=', 'pc.id').on('d.superseded_at', 'is', null))
      .leftJoin('panel_member as m', 'm.id', 'd.member_id')
      .select([
        'pc.id as caseId',
        'pc.session_id as sessionId',
        'ps.session_date as sessionDate',
        'pc.position',
        'pc.status',
        'c.local_id as localId',
        'a.setting_id as settingId',
        'a.status as awardStatus',
        'a.choices',
        'a.level',
        'a.annual_pence as awardAnnual',
        'a.start_date as awardStart',
        'a.agreed_at as agreedAt',
        'a.returned_reason as returnedReason',
        'a.level8_referred as level8Referred',
        'a.level8_package as level8Package',
        'a.level8_total_pence as level8TotalPence',
        'd.id as decisionId',
        'd.outcome',
        'd.proposed_level as proposed',
        'd.decided_level as decided',
        'd.annual_pence as decisionAnnual',
        'd.start_date as decisionStart',
        'd.reason',
        'd.evidence_needed as evidenceNeeded',
        'd.issued_at as issuedAt',
        'd.decided_by as decidedBy',
        'd.member_id as memberId',
        'd.protected_until as protectedUntil',
        'm.user_id as memberUser',
        'm.setting_id as memberSetting',
        'm.panel_role as memberRole',
      ])
      .where('pc.la_code', '=', LA)
      .orderBy('ps.session_date')
      .orderBy('pc.position')
      .execute()

  it('loads the panel: six members, two of them primary heads with their schools, quorum 4', async () => {
    assert.ok(counts)
    const { db } = first
    const panel = await db.selectFrom('panel').selectAll().where('la_code', '=', LA).executeTakeFirstOrThrow()
    assert.equal(panel.name, 'Internal Moderation Panel')
    assert.equal(panel.quorum, 4)
    const members = await db
      .selectFrom('panel_member as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select([
        'u.username',
        'u.role',
        'u.setting_id as userSetting',
        'u.password_hash',
        'm.setting_id',
        'm.panel_role',
      ])
      .where('m.panel_id', '=', panel.id)
      .execute()
    assert.equal(members.length, 6)
    const names = members.map(m => m.username)
    for (const name of ['manager', 'panel', 'head.send', 'ep.senior']) assert.ok(names.includes(name), name)
    const heads = members.filter(m => m.panel_role === 'Primary head teacher')
    assert.equal(heads.length, 2)
    for (const head of heads) {
      assert.match(head.username, /^head\.[a-z]+$/)
      assert.ok(head.setting_id)
      assert.equal(head.userSetting, null)
    }
    const pep = members.find(m => m.username === 'panel')!
    for (const m of members.filter(m => ['head.send', 'ep.senior', ...heads.map(h => h.username)].includes(m.username)))
      assert.equal(m.password_hash, pep.password_hash, `${m.username} cannot sign in with the demo password`)
    // One head belongs to the school the demo's primary SENCo works at: the conflict rule shows in the demo.
    const sencos = await db.selectFrom('app_user').select('setting_id').where('role', '=', 'school_user').execute()
    assert.ok(heads.some(h => sencos.some(s => s.setting_id === h.setting_id)))
  })

  it('issues every past case with one current decision, by a present member free of a conflict', async () => {
    const { db } = first
    const quorum = 4
    const attendance = await db.selectFrom('panel_attendance').selectAll().where('la_code', '=', LA).execute()
    const members = await db.selectFrom('panel_member').select(['id', 'setting_id']).execute()
    const past = (await casesOf(first)).filter(c => c.sessionDate < today)
    const { spec } = await db
      .selectFrom('matrix_version')
      .select('spec')
      .where('la_code', '=', LA)
      .executeTakeFirstOrThrow()
    assert.ok(past.length > 0)
    assert.equal(new Set(past.map(c => c.sessionId)).size, 6)
    let lowered = 0
    let raised = 0
    for (const c of past) {
      const label = `${c.localId} on ${c.sessionDate}`
      assert.equal(c.status, 'issued', label)
      assert.ok(c.decisionId && c.issuedAt, `${label} has no issued decision`)
      assert.notEqual(c.memberSetting, c.settingId, `${label} was decided by a member from the school`)
      assert.equal(c.decidedBy, c.memberUser, label)
      const present = attendance.filter(a => a.session_id === c.sessionId).map(a => a.member_id)
      assert.ok(present.includes(c.memberId!), `${label} was decided by a member not present`)
      const free = members.filter(m => present.includes(m.id) && m.setting_id !== c.settingId)
      assert.ok(free.length >= quorum, `${label}: the panel was not quorate`)
      const scored = scoreAssessment(spec, c.choices as Choices)
      assert.equal(c.proposed, scored.level, `${label}: the proposed level is not the matrix's score`)
      if (c.outcome === 'agree' || c.outcome === 'change_level') {
        assert.equal(c.awardStatus, 'agreed', label)
        assert.equal(c.level, c.decided, label)
        assert.equal(Number(c.awardAnnual), Number(c.decisionAnnual), label)
        assert.equal(c.awardStart, c.sessionDate, label)
        assert.equal(c.decisionStart, c.sessionDate, label)
        if (c.outcome === 'agree') assert.equal(c.decided, c.proposed, label)
        else {
          assert.ok(c.reason, label)
          if (c.decided! < c.proposed!) lowered++
          else if (c.decided! > c.proposed!) raised++
          else assert.fail(`${label}: a change of level that changes nothing`)
        }
      } else {
        assert.equal(c.awardStatus, 'returned', label)
        assert.ok(c.returnedReason, label)
        assert.equal(c.level8Referred, c.outcome === 'refer_level8', label)
        if (c.outcome === 'return') assert.ok(c.evidenceNeeded, label)
        else assert.ok(c.reason, label)
      }
    }
    assert.ok(lowered >= 1, 'no level lowered')
    assert.ok(raised >= 1, 'no level raised')
    assert.ok(past.some(c => c.outcome === 'return'))
    assert.ok(past.some(c => c.outcome === 'refer_level8'))
  })

  it('has the next session after today with pending submitted matrices, one of them Level 8, and candidates', async () => {
    const { db } = first
    const cases = await casesOf(first)
    const pending = cases.filter(c => c.status === 'pending')
    assert.ok(pending.length >= 3)
    for (const c of pending) {
      assert.ok(c.sessionDate > today, 'a pending case on a past session')
      assert.equal(c.awardStatus, 'submitted')
      assert.equal(c.decisionId, null)
    }
    assert.equal(new Set(pending.map(c => c.sessionId)).size, 1)
    const attendance = await db
      .selectFrom('panel_attendance')
      .select('member_id')
      .where('session_id', '=', pending[0]!.sessionId)
      .execute()
    assert.equal(attendance.length, 0)
    const heads = await db.selectFrom('panel_member').select('setting_id').where('setting_id', 'is not', null).execute()
    assert.ok(
      pending.some(c => heads.some(h => h.setting_id === c.settingId)),
      'no pending case a head may not decide',
    )
    const level8 = pending.filter(c => c.level8Package)
    assert.equal(level8.length, 1)
    const pkg = level8[0]!.level8Package as StoredLevel8Package
    assert.equal(Number(level8[0]!.level8TotalPence), level8Total(pkg.lines))
    assert.equal(Number(level8[0]!.awardAnnual), level8Total(pkg.lines))
    assert.equal(level8[0]!.level, 8)
    const onAgenda = new Set((await db.selectFrom('panel_case').select('award_id').execute()).map(c => c.award_id))
    const submitted = await db.selectFrom('award').select('id').where('status', '=', 'submitted').execute()
    assert.ok(
      submitted.some(a => !onAgenda.has(a.id)),
      'no candidates for an agenda',
    )
  })

  it('moves legacy exceptional funding onto the matrix without paying any pupil twice', async () => {
    assert.ok(counts)
    const { db } = first
    const legacy = await db
      .selectFrom('legacy_funding')
      .selectAll()
      .where('la_code', '=', LA)
      .where('kind', '=', 'exceptional')
      .execute()
    assert.equal(legacy.length, counts.exceptional)
    assert.equal(counts.exceptional, counts.moved + counts.awaiting + counts.notAssessed)
    assert.ok(counts.exceptional <= 79)
    assert.ok(counts.moved > 0 && counts.awaiting > 0 && counts.notAssessed > 0)
    const awards = await db
      .selectFrom('award')
      .select(['id', 'child_id', 'status', 'start_date', 'end_date', 'annual_pence'])
      .where('la_code', '=', LA)
      .execute()
    const issued = await db
      .selectFrom('panel_decision as d')
      .innerJoin('panel_case as pc', 'pc.id', 'd.case_id')
      .innerJoin('panel_session as ps', 'ps.id', 'pc.session_id')
      .select(['d.award_id', 'ps.session_date', 'd.protected_until'])
      .where('d.issued_at', 'is not', null)
      .execute()
    let linked = 0
    let awaiting = 0
    let notAssessed = 0
    for (const row of legacy) {
      assert.equal(row.note, 'Exceptional funding (illustrative demo data)')
      const pounds = Number(row.annual_pence) / 100
      assert.ok(Number.isInteger(pounds) && pounds >= 6_000 && pounds <= 30_000, `£${pounds}`)
      assert.ok(row.start_date >= '2018-01-01' && row.start_date <= '2021-12-31', row.start_date)
      const own = awards.filter(a => a.child_id === row.child_id)
      if (row.award_id) {
        linked++
        const award = awards.find(a => a.id === row.award_id)!
        assert.equal(award.status, 'agreed')
        assert.ok(row.end_date && row.end_date < award.start_date, 'the legacy amount overlaps its award')
        const decision = issued.find(d => d.award_id === award.id && d.session_date === award.start_date)
        assert.ok(decision, 'the award did not start on the day of its issued decision')
        assert.equal(decision.protected_until, row.protected_until)
        if (row.protected_until) assert.ok(Number(row.annual_pence) > Number(award.annual_pence))
        for (const other of own.filter(a => a.status === 'agreed' && a.id !== award.id))
          assert.ok(other.end_date && other.end_date <= row.end_date!, 'another agreed award overlaps')
      } else {
        assert.equal(row.end_date, null)
        assert.equal(row.protected_until, null)
        assert.ok(!own.some(a => a.status === 'agreed'), 'an unlinked pupil is paid an agreed award as well')
        if (own.some(a => a.status === 'submitted')) awaiting++
        else notAssessed++
      }
    }
    assert.deepEqual([linked, awaiting, notAssessed], [counts.moved, counts.awaiting, counts.notAssessed])
  })

  it('loads once, and the same rows every time', async () => {
    assert.equal(await loadModerationDemo(first.db, LA, now), null)
    const [a, b] = await Promise.all([casesOf(first), casesOf(second)])
    const comparable = (rows: typeof a) =>
      rows.map(r => ({
        ...r,
        caseId: null,
        sessionId: null,
        settingId: null,
        decisionId: null,
        decidedBy: null,
        memberId: null,
        memberUser: null,
        memberSetting: null,
      }))
    assert.deepEqual(comparable(a), comparable(b))
    const legacyOf = (database: Database) =>
      database.db
        .selectFrom('legacy_funding as f')
        .innerJoin('child as c', 'c.id', 'f.child_id')
        .leftJoin('award as a', 'a.id', 'f.award_id')
        .select([
          'c.local_id',
          'f.annual_pence',
          'f.start_date',
          'f.end_date',
          'f.kind',
          'f.protected_until',
          'a.start_date as awardStart',
        ])
        .where('f.la_code', '=', LA)
        .orderBy('c.local_id')
        .orderBy('f.start_date')
        .execute()
    assert.deepEqual(await legacyOf(first), await legacyOf(second))
    const awardsOf = (database: Database) =>
      database.db
        .selectFrom('award as a')
        .innerJoin('child as c', 'c.id', 'a.child_id')
        .select(['c.local_id', 'a.status', 'a.level', 'a.annual_pence', 'a.start_date', 'a.choices', 'a.evidence'])
        .where('a.la_code', '=', LA)
        .orderBy('c.local_id')
        .orderBy('a.status')
        .execute()
    assert.deepEqual(await awardsOf(first), await awardsOf(second))
  })
})

// The server SIGKILLed (no clean-up, no rollback by the process) while concurrent clients write
// funding and casework over HTTP, then started again on the same database. Every write the server
// acknowledged (answered 2xx or 3xx) is there after the restart, and no batch that one request
// wrote is there in part: a panel session's issued decisions, the matrices added to an agenda in
// one go, a session's attendance, and every record with the audit rows written beside it.
// Run against the real command, as a child process, on PGlite (a data folder on disk) and, when
// TEST_DATABASE_URL is set, on a fresh database of that PostgreSQL server too.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { slotsOf } from '../src/funding/awards.ts'
import type { MatrixVersionSpec } from '../src/funding/rules/matrix-version.ts'
import { DEMO_PASSWORD } from '../src/people/demo/index.ts'
import type { Database } from '../src/platform/db/index.ts'
import { setLogLevel } from '../src/platform/log.ts'
import { makeTarget, signIn, start, targetName as name, type SignedIn, type Target } from './support/crash.ts'
import { freePort } from './support/net.ts'

setLogLevel((process.env.LOG_LEVEL as 'silent' | undefined) ?? 'silent')

/** The demo authority at a quarter of its size: about 3,600 children, one panel session still to sit. */
const SCALE = '0.25'
const CLIENTS = { casework: 2, awards: 2 }

type Ack =
  | { kind: 'request.create'; id: string }
  | { kind: 'request.decision'; id: string; version: number }
  | { kind: 'award.create'; id: string }
  | { kind: 'award.save'; id: string; version: number }
  | { kind: 'award.submit'; id: string; version: number }
  | { kind: 'attendance'; sessionId: string; version: number }
  | { kind: 'session.create'; id: string }
  | { kind: 'decision'; caseId: string }
  | { kind: 'issue'; sessionId: string }
  | { kind: 'agenda'; sessionId: string; awards: string[] }

type Seeded = {
  panelId: string
  members: string[]
  pendingSession: { id: string; version: number; date: string }
  pendingCases: { id: string; version: number }[]
  /** The pupils' legacy exceptional funding that issuing the session moves onto their new awards. */
  legacy: string[]
  /** The pupils' earlier agreed awards still running on the session's date, which issuing it ends. */
  running: { id: string; end_date: string | null }[]
  submitted: string[]
  spec: MatrixVersionSpec
  forRequests: string[]
  forAwards: string[]
}

/** What the demo loaded that the clients write to, read before the server starts. */
async function readSeeded(database: Database): Promise<Seeded> {
  const db = database.db
  const panel = await db.selectFrom('panel').select('id').executeTakeFirstOrThrow()
  const members = await db
    .selectFrom('panel_member')
    .select('id')
    .where('panel_id', '=', panel.id)
    .where('active', '=', true)
    .execute()
  const pendingCases = await db
    .selectFrom('panel_case')
    .select(['id', 'version', 'session_id'])
    .where('status', '=', 'pending')
    .execute()
  assert.ok(pendingCases.length >= 3, 'the demo has a session still to sit')
  const session = await db
    .selectFrom('panel_session')
    .select(['id', 'version', 'session_date'])
    .where('id', '=', pendingCases[0]!.session_id)
    .executeTakeFirstOrThrow()
  const date = String(session.session_date).slice(0, 10)
  const pupils = db
    .selectFrom('panel_case')
    .innerJoin('award', 'award.id', 'panel_case.award_id')
    .select('award.child_id')
    .where('panel_case.session_id', '=', session.id)
  const legacy = await db
    .selectFrom('legacy_funding')
    .select('id')
    .where('kind', '=', 'exceptional')
    .where('award_id', 'is', null)
    .where('child_id', 'in', pupils)
    .execute()
  const running = await db
    .selectFrom('award')
    .select(['id', 'end_date'])
    .where('status', '=', 'agreed')
    .where('child_id', 'in', pupils)
    .where(eb => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', date)]))
    .execute()
  const onAgenda = db.selectFrom('panel_case').select('award_id').where('status', 'in', ['pending', 'decided'])
  const submitted = await db
    .selectFrom('award')
    .select('id')
    .where('status', '=', 'submitted')
    .where('id', 'not in', onAgenda)
    .execute()
  const version = await db
    .selectFrom('matrix_version')
    .select('spec')
    .where('status', '=', 'approved')
    .executeTakeFirstOrThrow()
  const placed = db.selectFrom('placement').select('child_id').where('end_date', 'is', null)
  const forAwards = await db
    .selectFrom('child')
    .select('id')
    .where('sen_status', '=', 'sen_support')
    .where('id', 'in', placed)
    .where('id', 'not in', db.selectFrom('award').select('child_id'))
    .orderBy('id')
    .limit(600)
    .execute()
  const forRequests = await db
    .selectFrom('child')
    .select('id')
    .where('sen_status', '=', 'sen_support')
    .where('id', 'not in', db.selectFrom('ehc_request').select('child_id'))
    .where(
      'id',
      'not in',
      forAwards.map(c => c.id),
    )
    .orderBy('id')
    .limit(600)
    .execute()
  return {
    panelId: panel.id,
    members: members.map(m => m.id),
    pendingSession: { id: session.id, version: session.version, date },
    legacy: legacy.map(l => l.id),
    running,
    pendingCases: pendingCases.map(c => ({ id: c.id, version: c.version })),
    submitted: submitted.map(a => a.id),
    spec: version.spec as MatrixVersionSpec,
    forRequests: forRequests.map(c => c.id),
    forAwards: forAwards.map(c => c.id),
  }
}

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

type Answer = { status: number; location: string; body: unknown }

/** A signed-in browser or API client; a request whose answer never came back throws. */
function client(base: string, who: SignedIn) {
  const send = async (method: string, path: string, body?: Record<string, unknown>, json = false) => {
    const headers: Record<string, string> = { cookie: who.cookie, 'x-csrf-token': who.csrf }
    let payload: string | URLSearchParams | undefined
    if (body && json) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(body)
    } else if (body) {
      payload = new URLSearchParams({ _csrf: who.csrf })
      for (const [key, value] of Object.entries(body)) {
        for (const v of Array.isArray(value) ? value : [value]) payload.append(key, String(v))
      }
    }
    const res = await fetch(`${base}${path}`, { method, headers, body: payload, redirect: 'manual' })
    const text = await res.text()
    const answer: Answer = { status: res.status, location: res.headers.get('location') ?? '', body: text }
    if (res.headers.get('content-type')?.includes('json')) answer.body = JSON.parse(text)
    return answer
  }
  return {
    get: (path: string) => send('GET', path),
    form: (path: string, body: Record<string, unknown>) => send('POST', path, body),
    json: (path: string, body: Record<string, unknown>) => send('POST', path, body, true),
  }
}
type Client = ReturnType<typeof client>

const ok = (a: Answer) => a.status >= 200 && a.status < 400
/** Why the API refused: its problem's messages. */
const reason = (a: Answer) =>
  ((a.body as { errors?: { message: string }[] }).errors ?? []).map(e => e.message).join(', ') || String(a.status)

/** The writes in flight when the server died, and those it acknowledged. */
class Ledger {
  acks: Ack[] = []
  /** Every batch sent, acknowledged or not: the rows each would write are all there or none are. */
  attendance = new Map<string, Map<number, string[]>>()
  agendas: { sessionId: string; awards: string[] }[] = []
  issueSent = false
  refused: string[] = []
  killed = false
  ack(a: Ack) {
    if (!this.killed) this.acks.push(a)
  }
  of<K extends Ack['kind']>(kind: K) {
    return this.acks.filter((a): a is Extract<Ack, { kind: K }> => a.kind === kind)
  }
}

/** Logs requests for assessment and records the decision to assess, child after child. */
async function caseworkClient(c: Client, children: string[], ledger: Ledger) {
  for (const childId of children) {
    if (ledger.killed) return
    const logged = await c.form(`/children/${childId}/ehc-requests`, {
      source: 'parent',
      receivedVia: 'email',
      arrivedOn: isoDay(-20),
      arrivedTime: '10:00',
    })
    if (!ok(logged)) {
      ledger.refused.push(`log request ${logged.status}`)
      continue
    }
    const id = logged.location.split('/').at(-1)!
    ledger.ack({ kind: 'request.create', id })
    const decided = await c.form(`/casework/requests/${id}/decision`, {
      version: 1,
      decision: 'assess',
      decisionOn: isoDay(-1),
    })
    if (ok(decided)) ledger.ack({ kind: 'request.decision', id, version: 2 })
    else ledger.refused.push(`decision ${decided.status}`)
  }
}

/** Starts a matrix for a pupil, answers every area with evidence, and submits it for the panel. */
async function awardClient(c: Client, children: string[], spec: MatrixVersionSpec, ledger: Ledger, queue: string[]) {
  const slots = slotsOf(spec)
  let n = 0
  for (const childId of children) {
    if (ledger.killed) return
    const started = await c.json(`/api/v1/children/${childId}/awards`, {})
    if (started.status !== 201) {
      ledger.refused.push(`start matrix ${started.status}: ${reason(started)}`)
      continue
    }
    const id = (started.body as { id: string }).id
    ledger.ack({ kind: 'award.create', id })
    n++
    const choices = Object.fromEntries(slots.map((s, i) => [s.code, s.descriptors[(n + i) % 2]!.code]))
    const evidence = Object.fromEntries(slots.map(s => [s.code, `Report ${n}`]))
    const saved = await c.json(`/api/v1/awards/${id}`, { version: 1, choices, evidence })
    if (!ok(saved)) {
      ledger.refused.push(`save matrix ${saved.status}: ${reason(saved)}`)
      continue
    }
    ledger.ack({ kind: 'award.save', id, version: (saved.body as { version: number }).version })
    const submitted = await c.json(`/api/v1/awards/${id}/submit`, { version: 2 })
    if (!ok(submitted)) {
      ledger.refused.push(`submit matrix ${submitted.status}: ${reason(submitted)}`)
      continue
    }
    ledger.ack({ kind: 'award.submit', id, version: (submitted.body as { version: number }).version })
    queue.push(id)
  }
}

/**
 * The panel's work: attendance for the session still to sit, a decision on each of its cases (by
 * a panel member), the session issued in one go; then new sessions, their attendance changed over
 * and over, and the matrices submitted meanwhile added to their agendas in batches.
 */
async function moderationClient(manager: Client, member: Client, seeded: Seeded, ledger: Ledger, queue: string[]) {
  const attend = async (sessionId: string, version: number, members: string[]) => {
    let sent = ledger.attendance.get(sessionId)
    if (!sent) ledger.attendance.set(sessionId, (sent = new Map()))
    sent.set(version + 1, members)
    const res = await manager.form(`/moderation/sessions/${sessionId}/attendance`, { version, members })
    assert.ok(ok(res) || ledger.killed, `attendance recorded (${res.status})`)
    ledger.ack({ kind: 'attendance', sessionId, version: version + 1 })
  }
  const pending = seeded.pendingSession
  await attend(pending.id, pending.version, seeded.members)
  for (const c of seeded.pendingCases) {
    const res = await member.json(`/api/v1/moderation/cases/${c.id}/decision`, {
      version: c.version,
      outcome: 'agree',
    })
    assert.ok(ok(res) || ledger.killed, `the panel decided (${res.status}: ${JSON.stringify(res.body)})`)
    ledger.ack({ kind: 'decision', caseId: c.id })
  }
  ledger.issueSent = true
  const issued = await manager.form(`/moderation/sessions/${pending.id}/issue`, {})
  assert.ok(ok(issued) || ledger.killed, `the session issued (${issued.status})`)
  ledger.ack({ kind: 'issue', sessionId: pending.id })
  let backlog = [...seeded.submitted]
  for (let s = 1; !ledger.killed; s++) {
    const created = await manager.form(`/moderation/panels/${seeded.panelId}/sessions`, {
      date: isoDay(7 + s),
      location: `Room ${s}`,
    })
    assert.ok(ok(created) || ledger.killed, `a session added (${created.status})`)
    const sessionId = created.location.split('/').at(-1)!
    ledger.ack({ kind: 'session.create', id: sessionId })
    for (let v = 1; v <= 6 && !ledger.killed; v++) {
      await attend(
        sessionId,
        v,
        seeded.members.filter((_, i) => (i + v) % 3 !== 0),
      )
      backlog.push(...queue.splice(0))
      if (backlog.length < 2) continue
      const awards = backlog
      backlog = []
      ledger.agendas.push({ sessionId, awards })
      const added = await manager.form(`/moderation/sessions/${sessionId}/agenda`, { awards })
      assert.ok(ok(added) || ledger.killed, `matrices added to the agenda (${added.status})`)
      ledger.ack({ kind: 'agenda', sessionId, awards })
    }
  }
}

/** Funding runs computed while the writes go on: a read, but a heavy one the kill may interrupt. */
async function runReader(c: Client, ledger: Ledger): Promise<number> {
  let runs = 0
  try {
    while (!ledger.killed) {
      const res = await c.get(`/funding/runs`)
      assert.equal(res.status, 200)
      runs++
      // One at a time with a breath between: on PGlite's one connection a run holds up every write.
      await new Promise(resolve => setTimeout(resolve, 250))
    }
  } catch (error) {
    if (!ledger.killed) throw error
  }
  return runs
}

/** The audit rows written since the clients began, counted by action and record, and by action alone. */
async function auditSince(database: Database, since: Date) {
  const rows = await database.db
    .selectFrom('audit_event')
    .select(['action', 'record_id', eb => eb.fn.countAll<number>().as('n')])
    .where('outcome', '=', 'allowed')
    .where('at', '>=', since)
    .groupBy(['action', 'record_id'])
    .execute()
  const counts = new Map<string, number>()
  const add = (key: string, n: number) => counts.set(key, (counts.get(key) ?? 0) + n)
  for (const r of rows) {
    add(`${r.action} ${r.record_id}`, Number(r.n))
    add(r.action, Number(r.n))
  }
  return (action: string, recordId?: string) => counts.get(recordId ? `${action} ${recordId}` : action) ?? 0
}

/** Every acknowledged write is there, and every batch sent is there whole or not at all. */
async function assertDurable(target: Target, seeded: Seeded, ledger: Ledger, since: Date) {
  const database = await target.open()
  const db = database.db
  const count = await auditSince(database, since)
  let checked = 0
  const check = (condition: boolean, message: string) => {
    assert.ok(condition, message)
    checked++
  }
  try {
    // Requests for assessment: each with its audit row; the decision with its own.
    const requests = await db
      .selectFrom('ehc_request')
      .select(['id', 'version', 'decision'])
      .where('created_at', '>=', since)
      .execute()
    const requestById = new Map(requests.map(r => [r.id, r]))
    for (const a of ledger.of('request.create')) check(requestById.has(a.id), `acknowledged request ${a.id} is there`)
    for (const a of ledger.of('request.decision')) {
      const r = requestById.get(a.id)
      check(Boolean(r && r.version >= a.version && r.decision === 'assess'), `acknowledged decision on ${a.id}`)
    }
    assert.equal(count('casework.request.create'), requests.length)
    for (const r of requests) {
      assert.equal(count('casework.request.create', r.id), 1, 'a request with its audit row')
      assert.equal(count('casework.request.decision', r.id), r.decision ? 1 : 0)
      assert.equal(r.version, r.decision ? 2 : 1)
    }

    // Matrices: each version is one save or submission with its audit row.
    const awards = await db
      .selectFrom('award')
      .select(['id', 'version', 'status'])
      .where('created_at', '>=', since)
      .execute()
    const awardById = new Map(awards.map(a => [a.id, a]))
    for (const a of ledger.of('award.create')) check(awardById.has(a.id), `acknowledged matrix ${a.id} is there`)
    for (const a of [...ledger.of('award.save'), ...ledger.of('award.submit')]) {
      const row = awardById.get(a.id)
      check(Boolean(row && row.version >= a.version), `acknowledged ${a.kind} of ${a.id} (version ${a.version})`)
      if (a.kind === 'award.submit') assert.equal(row!.status, 'submitted')
    }
    assert.equal(count('award.create'), awards.length)
    for (const a of awards) {
      const writes = count('award.save', a.id) + count('award.submit', a.id)
      assert.equal(writes, a.version - 1, `matrix ${a.id}: version ${a.version}, ${writes} audited writes`)
      assert.equal(count('award.create', a.id), 1)
    }

    // Attendance: the members of the version the session is at, all of them, and its audit row.
    for (const [sessionId, sent] of ledger.attendance) {
      const session = await db
        .selectFrom('panel_session')
        .select('version')
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow()
      for (const a of ledger.of('attendance').filter(a => a.sessionId === sessionId)) {
        check(
          session.version >= a.version,
          `session ${sessionId} at version ${session.version}, acknowledged ${a.version}`,
        )
      }
      const present = await db
        .selectFrom('panel_attendance')
        .select('member_id')
        .where('session_id', '=', sessionId)
        .execute()
      const expected = session.version > 1 ? sent.get(session.version) : []
      assert.ok(expected, `session ${sessionId} is at a version that was sent`)
      assert.deepEqual(present.map(p => p.member_id).sort(), [...expected].sort(), 'the whole attendance, no more')
      assert.equal(count('panel.attendance', sessionId), session.version - 1)
    }
    for (const a of ledger.of('session.create')) {
      const found = await db.selectFrom('panel_session').select('id').where('id', '=', a.id).executeTakeFirst()
      check(Boolean(found), `acknowledged session ${a.id}`)
    }

    // The session still to sit: each decision with its case, award and audit row; issued all at once.
    const cases = await db
      .selectFrom('panel_case')
      .innerJoin('award', 'award.id', 'panel_case.award_id')
      .select(['panel_case.id', 'panel_case.status', 'award.status as awardStatus'])
      .where(
        'panel_case.id',
        'in',
        seeded.pendingCases.map(c => c.id),
      )
      .execute()
    const caseById = new Map(cases.map(c => [c.id, c]))
    for (const a of ledger.of('decision')) {
      check(caseById.get(a.caseId)!.status !== 'pending', `acknowledged decision on case ${a.caseId}`)
    }
    const issuedAcked = ledger.of('issue').length > 0
    const issued = cases.filter(c => c.status === 'issued').length
    if (issuedAcked) check(issued === cases.length, 'the acknowledged session issue is there')
    assert.ok(issued === 0 || issued === cases.length, `${issued} of ${cases.length} cases issued: a partial issue`)
    for (const c of cases) {
      const decisions = await db
        .selectFrom('panel_decision')
        .select(['id', 'issued_at'])
        .where('case_id', '=', c.id)
        .execute()
      const recorded = count('panel.decision.record', decisions[0]?.id ?? c.id)
      const issuedAudit = count('panel.decision.issue', decisions[0]?.id ?? c.id)
      if (c.status === 'pending') {
        assert.deepEqual([decisions.length, recorded, c.awardStatus], [0, 0, 'submitted'], `case ${c.id} untouched`)
      } else if (c.status === 'decided') {
        assert.deepEqual(
          [decisions.length, decisions[0]!.issued_at, recorded, issuedAudit, c.awardStatus],
          [1, null, 1, 0, 'moderated'],
          `case ${c.id} decided, whole`,
        )
      } else {
        assert.equal(c.status, 'issued')
        assert.deepEqual(
          [decisions.length, decisions[0]!.issued_at !== null, recorded, issuedAudit, c.awardStatus],
          [1, true, 1, 1, 'agreed'],
          `case ${c.id} issued, whole`,
        )
      }
    }
    // Issuing moved the pupils' legacy exceptional funding onto the new awards and ended the earlier ones.
    const linked = await db
      .selectFrom('legacy_funding')
      .select('id')
      .where('id', 'in', seeded.legacy.length ? seeded.legacy : [seeded.pendingSession.id])
      .where('award_id', 'is not', null)
      .execute()
    assert.equal(linked.length, issued ? seeded.legacy.length : 0, 'legacy funding moved with the issue, or not')
    for (const before of seeded.running) {
      const after = await db
        .selectFrom('award')
        .select('end_date')
        .where('id', '=', before.id)
        .executeTakeFirstOrThrow()
      if (issued)
        assert.ok(after.end_date !== null && after.end_date < seeded.pendingSession.date, 'earlier award ended')
      else assert.equal(after.end_date, before.end_date, 'earlier award untouched')
    }

    // Agendas: every batch of matrices sent is on its session whole, or not at all.
    for (const batch of ledger.agendas) {
      const on = await db
        .selectFrom('panel_case')
        .select('id')
        .where('session_id', '=', batch.sessionId)
        .where('award_id', 'in', batch.awards)
        .execute()
      const acked = ledger.of('agenda').some(a => a.sessionId === batch.sessionId && a.awards === batch.awards)
      if (acked) check(on.length === batch.awards.length, 'an acknowledged agenda batch is there')
      assert.ok(on.length === 0 || on.length === batch.awards.length, `${on.length} of ${batch.awards.length} added`)
      for (const c of on) assert.equal(count('panel.case.add', c.id), 1)
    }
    return { checked, issued: issued > 0 }
  } finally {
    await database.close()
  }
}

describe(`the server, SIGKILLed while clients write, keeps every acknowledged write (${name})`, () => {
  it('funding, moderation and casework writes from concurrent clients: none lost, no batch in part', async () => {
    const target = await makeTarget()
    try {
      const times: string[] = []
      let lap = Date.now()
      const time = (what: string) => (
        times.push(`${what} ${((Date.now() - lap) / 1000).toFixed(1)} s`),
        (lap = Date.now())
      )
      const seed = start(['seed'], { ...target.env, DEMO_SCALE: SCALE })
      assert.equal(await seed.exited, 0, seed.output().slice(-2000))
      const database = await target.open()
      const seeded = await readSeeded(database).finally(() => database.close())
      const since = new Date()

      const port = await freePort()
      const env = { ...target.env, PORT: String(port), HOST: '127.0.0.1', SIGN_IN_RATE_LIMIT: '1000' }
      const server = start(['serve'], env)
      await server.waitFor(/opensend is serving/)
      time('seeded and started')
      const base = `http://127.0.0.1:${port}`
      const as = async (username: string) => client(base, await signIn(base, username, DEMO_PASSWORD))

      const ledger = new Ledger()
      const queue: string[] = []
      const share = (list: string[], n: number, i: number) => list.filter((_, j) => j % n === i)
      let failure: Error | undefined
      const runs = (async () => runReader(await as('finance'), ledger))()
      const clients = [
        ...Array.from({ length: CLIENTS.casework }, async (_, i) =>
          caseworkClient(await as('officer'), share(seeded.forRequests, CLIENTS.casework, i), ledger),
        ),
        ...Array.from({ length: CLIENTS.awards }, async (_, i) =>
          awardClient(await as('officer'), share(seeded.forAwards, CLIENTS.awards, i), seeded.spec, ledger, queue),
        ),
        (async () => moderationClient(await as('manager'), await as('panel'), seeded, ledger, queue))(),
        runs,
      ].map(p =>
        p.then(
          () => 'done' as const,
          (error: Error) => (ledger.killed ? 'cut off' : (failure = error)),
        ),
      )

      // A random moment once the session's issue has been sent: it may be acknowledged, in flight or
      // not yet begun, and so may the writes around it.
      // CRASH_AFTER_ACKS pins the moment, to replay a run.
      const more = Number(process.env.CRASH_AFTER_ACKS ?? Math.floor(Math.random() * 150))
      let threshold = Infinity
      const started = Date.now()
      while (ledger.acks.length < threshold && Date.now() - started < 40_000) {
        if (ledger.issueSent && threshold === Infinity) threshold = ledger.acks.length + more
        await new Promise(resolve => setTimeout(resolve, 5))
        if (failure) throw failure
      }
      ledger.killed = true
      server.child.kill('SIGKILL')
      assert.equal(await server.exited, null)
      for (const outcome of await Promise.all(clients)) if (outcome instanceof Error) throw outcome
      assert.ok(ledger.acks.length > 0)
      time('written until killed')

      // Started again on the same database: it recovers on its own and serves.
      const again = start(['serve'], env)
      await again.waitFor(/opensend is serving/)
      const manager = await as('manager')
      for (const path of [
        '/',
        `/moderation/sessions/${seeded.pendingSession.id}`,
        '/casework/requests',
        '/funding/runs',
      ]) {
        assert.equal((await manager.get(path)).status, 200, path)
      }
      again.child.kill('SIGTERM')
      assert.equal(await again.exited, 0)

      time('restarted and served')
      const { checked, issued } = await assertDurable(target, seeded, ledger, since)
      time('checked')
      assert.equal(checked, ledger.acks.length, 'every acknowledged write was looked for')
      const tally = new Map<string, number>()
      for (const a of ledger.acks) tally.set(a.kind, (tally.get(a.kind) ?? 0) + 1)
      const kinds = [...tally].map(([k, v]) => `${k} ${v}`)
      console.log(
        `${name}: killed ${more} acknowledged writes after the session's issue was sent, ` +
          `${ledger.acks.length} in all (${kinds.join(', ')}); ${checked} acknowledged writes all found; ` +
          `the session ${issued ? 'issued whole' : 'not issued'} (issue ${ledger.of('issue').length ? '' : 'not '}acknowledged); ` +
          `${ledger.agendas.length} agenda batches and ${ledger.attendance.size} sessions' attendance whole or absent; ` +
          `${ledger.refused.length} writes refused${ledger.refused.length ? ` (${[...new Set(ledger.refused)].join('; ')})` : ''}; ` +
          `${await runs} funding runs computed; ${times.join(', ')}`,
      )
    } finally {
      await target.drop()
    }
  })
})

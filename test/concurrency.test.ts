// Concurrent edits (issue 9, item 4): every editable record carries a version; officers who read a
// record and then save it, in any interleaving and with saves racing each other, end with exactly the
// saves made from the current version applied, one at a time; every other save refused with a
// ConflictError and nothing it carried written; the record as the last successful save left it; and
// the version moved on by exactly the number of saves that succeeded. Property tests at the service
// level, one kind of record per test, on one database; then the panel-member change over HTTP.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import type { Kysely } from 'kysely'
import { ReviewService } from '../src/casework/review-service.ts'
import { AwardService } from '../src/funding/awards.ts'
import { DashboardService } from '../src/insight/dashboard.ts'
import { ModerationService } from '../src/moderation/service.ts'
import { loadBudgetDemo } from '../src/planning/budget-demo.ts'
import { BudgetService } from '../src/planning/budget-service.ts'
import { ForecastService } from '../src/planning/forecast-service.ts'
import { SufficiencyService } from '../src/planning/sufficiency.ts'
import { FundingRunService } from '../src/funding/runs.ts'
import { loadProgrammeDemo } from '../src/programme/demo.ts'
import { ProgrammeService } from '../src/programme/service.ts'
import type { Actor, Role } from '../src/platform/actor.ts'
import { ConflictError } from '../src/platform/errors.ts'
import type { DB } from '../src/schema.ts'
import { signedIn, startTestApp } from './support/app.ts'
import { LA, loadModerationFixture, TODAY } from './support/fixture.ts'
import { loadReviewFixture } from './support/review-fixture.ts'

const RUNS = Number(process.env.CONCURRENCY_RUNS ?? 25)

const t = await startTestApp()
await loadModerationFixture(t.database.db, t.fixture)
await loadReviewFixture(t.database.db, t.fixture)
await loadBudgetDemo(t.database.db, LA, TODAY)
const programmeDemo = (await loadProgrammeDemo(t.database.db, LA, TODAY)).first
after(() => t.close())

const db: Kysely<DB> = t.database.db
const { clock, fixture } = t

type Officer = [username: string, role: Role]
const LA_STAFF: Officer[] = [
  ['manager', 'send_manager'],
  ['admin', 'la_admin'],
]
const actorOf = ([username, role]: Officer): Actor => ({
  userId: fixture.users[username]!,
  username,
  displayName: username,
  role,
  settingId: null,
  ip: null,
})

/** An editable record: how to read its version and what it holds, save an edit from a version, and what the edit leaves. */
type Kind<E> = {
  name: string
  /** Who takes turns to save it: people allowed to edit it. */
  officers: Officer[]
  edit: fc.Arbitrary<E>
  read(): Promise<{ version: number; value: unknown }>
  save(actor: Actor, version: number, edit: E): Promise<unknown>
  expected(edit: E): unknown
}

/**
 * A run: each actor's edit, and the order of their steps. Each actor appears twice in `order`: the
 * first time it reads the record, the second time it saves from the version it read. A save marked
 * `together` with the save before it is sent at the same moment, so the two race in the database.
 */
const scenario = <E>(edit: fc.Arbitrary<E>) =>
  fc.array(edit, { minLength: 2, maxLength: 4 }).chain(edits =>
    fc.record({
      edits: fc.constant(edits),
      keys: fc.array(fc.nat(1000), { minLength: edits.length * 2, maxLength: edits.length * 2 }),
      together: fc.array(fc.boolean(), { minLength: edits.length, maxLength: edits.length }),
    }),
  )

type Step = { read: number } | { save: number[] }

function stepsOf(n: number, keys: number[], together: boolean[]): Step[] {
  const tokens = Array.from({ length: n * 2 }, (_, i) => ({ actor: i % n, key: keys[i]! }))
  tokens.sort((a, b) => a.key - b.key)
  const seen = new Set<number>()
  const steps: Step[] = []
  for (const { actor } of tokens) {
    if (!seen.has(actor)) {
      seen.add(actor)
      steps.push({ read: actor })
      continue
    }
    const last = steps.at(-1)
    if (last && 'save' in last && together[actor]) last.save.push(actor)
    else steps.push({ save: [actor] })
  }
  return steps
}

/** What the runs of each kind did, so a property that never saved, refused or raced cannot pass unnoticed. */
type Tally = { applied: number; refused: number; raced: number }

async function checkInterleaving<E>(kind: Kind<E>, tally: Tally, edits: E[], keys: number[], together: boolean[]) {
  const start = await kind.read()
  let current = start.version
  let value = start.value
  let successes = 0
  const read = new Map<number, number>()
  for (const step of stepsOf(edits.length, keys, together)) {
    if ('read' in step) {
      const seen = await kind.read()
      assert.equal(seen.version, current, `${kind.name}: the version read`)
      read.set(step.read, seen.version)
      continue
    }
    const outcomes = await Promise.allSettled(
      step.save.map(a => kind.save(actorOf(kind.officers[a % kind.officers.length]!), read.get(a)!, edits[a]!)),
    )
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected')
        assert.ok(outcome.reason instanceof ConflictError, `${kind.name}: refused with ${String(outcome.reason)}`)
    }
    const winners = step.save.filter((_, i) => outcomes[i]!.status === 'fulfilled')
    const fresh = step.save.filter(a => read.get(a) === current)
    tally.refused += step.save.length - winners.length
    if (fresh.length > 1) tally.raced += 1
    // Of the saves sent together from the current version, exactly one wins; a save from an older version never does.
    if (fresh.length === 0) assert.deepEqual(winners, [], `${kind.name}: a stale save was applied`)
    else {
      assert.equal(winners.length, 1, `${kind.name}: ${winners.length} of ${fresh.length} fresh saves applied`)
      assert.ok(fresh.includes(winners[0]!), `${kind.name}: the save applied was stale`)
      current += 1
      successes += 1
      tally.applied += 1
      value = kind.expected(edits[winners[0]!]!)
    }
    const now = await kind.read()
    assert.equal(now.version, current, `${kind.name}: the version after a save`)
    assert.deepEqual(now.value, value, `${kind.name}: the record after a save`)
  }
  const end = await kind.read()
  assert.equal(end.version, start.version + successes, `${kind.name}: one version per successful save`)
  assert.deepEqual(end.value, value, `${kind.name}: the record as the last successful save left it`)
}

const words = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.'&()-]{0,40}[A-Za-z0-9.)]$/)
const pastDate = (from: string, to: string) =>
  fc
    .date({ min: new Date(`${from}T12:00:00Z`), max: new Date(`${to}T12:00:00Z`), noInvalidDate: true })
    .map(d => d.toISOString().slice(0, 10))

// --- the kinds of record -------------------------------------------------------------------------

const programme = new ProgrammeService(db, LA, clock, new DashboardService(db, LA, clock))
const programmeAction: Kind<{
  description: string
  owner: string
  dueDate: string
  status: 'not_started' | 'in_progress' | 'completed'
  evidence: string
  completedOn: string
}> = {
  name: 'a programme action',
  officers: LA_STAFF,
  edit: fc
    .record({
      description: words,
      owner: words,
      dueDate: pastDate('2025-01-01', '2028-12-31'),
      status: fc.constantFrom('not_started' as const, 'in_progress' as const, 'completed' as const),
      evidence: fc.oneof(fc.constant(''), words),
      completedOn: pastDate('2024-01-01', TODAY),
    })
    .map(e => ({ ...e, completedOn: e.status === 'completed' ? e.completedOn : '' })),
  async read() {
    const row = await db
      .selectFrom('programme_action')
      .select(['version', 'description', 'owner', 'due_date', 'status', 'evidence', 'completed_on'])
      .where('id', '=', programmeDemo.action)
      .executeTakeFirstOrThrow()
    const { version, ...value } = row
    return { version, value }
  },
  save: (actor, version, edit) =>
    programme.saveAction(actor, programmeDemo.action, { ...edit, version: String(version) }),
  expected: e => ({
    description: e.description,
    owner: e.owner,
    due_date: e.dueDate,
    status: e.status,
    evidence: e.evidence,
    completed_on: e.completedOn || null,
  }),
}

const forecasts = new ForecastService(db, LA, clock)
const budget = new BudgetService(db, LA, forecasts, new FundingRunService(db, LA, clock))
const budgetAssumptions: Kind<{
  firstYear: number
  openingDeficit: number
  funding: number
  fundingGrowth: number
  costPerPlan: number
  costInflation: number
  otherSpend: number
  source: string
}> = {
  name: 'the High Needs budget assumptions',
  officers: [
    ['finance', 'finance_officer'],
    ['admin', 'la_admin'],
  ],
  edit: fc.record({
    firstYear: fc.integer({ min: 2024, max: 2028 }),
    openingDeficit: fc.integer({ min: 0, max: 90_000_000 }),
    funding: fc.integer({ min: 1_000_000, max: 200_000_000 }),
    fundingGrowth: fc.integer({ min: 0, max: 10 }),
    costPerPlan: fc.integer({ min: 1_000, max: 60_000 }),
    costInflation: fc.integer({ min: 0, max: 10 }),
    otherSpend: fc.integer({ min: 0, max: 50_000_000 }),
    source: words,
  }),
  async read() {
    const row = await db.selectFrom('hn_trajectory').selectAll().where('la_code', '=', LA).executeTakeFirstOrThrow()
    return {
      version: row.version,
      value: {
        first_year: row.first_year,
        opening_deficit_pence: Number(row.opening_deficit_pence),
        funding_pence: Number(row.funding_pence),
        funding_growth_percent: Number(row.funding_growth_percent),
        cost_per_plan_pence: Number(row.cost_per_plan_pence),
        cost_inflation_percent: Number(row.cost_inflation_percent),
        other_spend_pence: Number(row.other_spend_pence),
        source: row.source,
      },
    }
  },
  save: (actor, version, e) =>
    budget.saveAssumptions(actor, {
      ...Object.fromEntries(Object.entries(e).map(([k, v]) => [k, String(v)])),
      version: String(version),
    }),
  expected: e => ({
    first_year: e.firstYear,
    opening_deficit_pence: e.openingDeficit * 100,
    funding_pence: e.funding * 100,
    funding_growth_percent: e.fundingGrowth,
    cost_per_plan_pence: e.costPerPlan * 100,
    cost_inflation_percent: e.costInflation,
    other_spend_pence: e.otherSpend * 100,
    source: e.source,
  }),
}

const sufficiency = new SufficiencyService(db, LA, forecasts)
const special = fixture.settings.special
const settingPlaces: Kind<number | null> = {
  name: 'a special school’s places',
  officers: LA_STAFF,
  edit: fc.option(fc.integer({ min: 1, max: 2000 })),
  async read() {
    const { version, special_places } = await db
      .selectFrom('setting')
      .select(['version', 'special_places'])
      .where('id', '=', special)
      .executeTakeFirstOrThrow()
    return { version, value: special_places }
  },
  save: (actor, version, places) =>
    sufficiency.recordPlaces(actor, special, {
      places: places === null ? '' : String(places),
      version: String(version),
    }),
  expected: places => places,
}

const reviews = new ReviewService(db, LA, clock)
const reviewId = fixture.reviews!.reviews.devOpen
const annualReview: Kind<{ meetingOn: string; invitationsBefore: number | null; decision: '' | 'keep' }> = {
  name: 'an annual review',
  officers: [
    ['officer', 'case_officer'],
    ['manager', 'send_manager'],
  ],
  edit: fc.record({
    meetingOn: pastDate('2025-11-01', TODAY),
    invitationsBefore: fc.option(fc.integer({ min: 0, max: 40 })),
    decision: fc.constantFrom('' as const, 'keep' as const),
  }),
  async read() {
    const row = await db
      .selectFrom('annual_review')
      .select(['version', 'meeting_on', 'invitations_sent_on', 'decision', 'decision_on'])
      .where('id', '=', reviewId)
      .executeTakeFirstOrThrow()
    const { version, ...value } = row
    return { version, value }
  },
  save: (actor, version, e) => reviews.saveReview(actor, reviewId, formOfReview(version, e)),
  expected: e => {
    const form = formOfReview(0, e)
    return {
      meeting_on: form.meetingOn,
      invitations_sent_on: form.invitationsSentOn || null,
      decision: form.decision || null,
      decision_on: form.decisionOn || null,
    }
  },
}
function formOfReview(version: number, e: { meetingOn: string; invitationsBefore: number | null; decision: string }) {
  const invited = new Date(`${e.meetingOn}T12:00:00Z`)
  invited.setUTCDate(invited.getUTCDate() - (e.invitationsBefore ?? 0))
  return {
    version: String(version),
    meetingOn: e.meetingOn,
    invitationsSentOn: e.invitationsBefore === null ? '' : invited.toISOString().slice(0, 10),
    reportReceivedOn: '',
    decision: e.decision,
    decisionOn: e.decision ? e.meetingOn : '',
  }
}

const awards = new AwardService(db, LA, clock)
const awardId = fixture.awards.ada
const adaAward = await awards.getAward(actorOf(LA_STAFF[1]!), awardId)
const slots = adaAward.slots.map(s => ({ code: s.code, descriptors: s.descriptors.map(d => d.code) }))
const matrixAssessment: Kind<{ choices: Record<string, string | null>; evidence: Record<string, string> }> = {
  name: 'a funding matrix assessment',
  officers: LA_STAFF,
  edit: fc
    .tuple(
      ...slots.map(s =>
        fc.record({
          code: fc.constant(s.code),
          choice: fc.option(fc.constantFrom(...s.descriptors), { nil: null }),
          answered: fc.boolean(),
          evidence: fc.oneof(fc.constant(''), words),
        }),
      ),
    )
    .map(answers => ({
      choices: Object.fromEntries(answers.filter(a => a.answered).map(a => [a.code, a.choice])),
      evidence: Object.fromEntries(answers.filter(a => a.evidence).map(a => [a.code, a.evidence])),
    })),
  async read() {
    const row = await db
      .selectFrom('award')
      .select(['version', 'choices', 'evidence'])
      .where('id', '=', awardId)
      .executeTakeFirstOrThrow()
    return { version: row.version, value: { choices: row.choices, evidence: row.evidence } }
  },
  save: (actor, version, e) => awards.saveAward(actor, awardId, { version: String(version), ...e }),
  expected: e => ({ choices: e.choices, evidence: e.evidence }),
}

const moderation = new ModerationService(db, LA, clock)
const { panel, members } = fixture.moderation!
const panelRecord: Kind<{ name: string; quorum: number }> = {
  name: 'a moderation panel',
  officers: LA_STAFF,
  edit: fc.record({ name: words, quorum: fc.integer({ min: 1, max: 3 }) }),
  async read() {
    const { version, ...value } = await db
      .selectFrom('panel')
      .select(['version', 'name', 'quorum'])
      .where('id', '=', panel)
      .executeTakeFirstOrThrow()
    return { version, value }
  },
  save: (actor, version, e) =>
    moderation.editPanel(actor, panel, { name: e.name, quorum: String(e.quorum), version: String(version) }),
  expected: e => ({ name: e.name, quorum: e.quorum }),
}
const panelMember: Kind<boolean> = {
  name: 'a moderation panel member',
  officers: LA_STAFF,
  edit: fc.boolean(),
  async read() {
    const { version, active } = await db
      .selectFrom('panel_member')
      .select(['version', 'active'])
      .where('id', '=', members.head)
      .executeTakeFirstOrThrow()
    return { version, value: active }
  },
  save: (actor, version, active) =>
    moderation.setMemberActive(actor, members.head, { active: String(active), version: String(version) }),
  expected: active => active,
}

// ---------------------------------------------------------------------------------------------------

const KINDS = [
  programmeAction,
  budgetAssumptions,
  settingPlaces,
  annualReview,
  matrixAssessment,
  panelRecord,
  panelMember,
] as Kind<unknown>[]

describe('two or more officers saving the same record, in any interleaving', () => {
  for (const kind of KINDS) {
    it(`${kind.name}: only saves from the current version apply, one version each; the rest are refused`, async () => {
      const tally: Tally = { applied: 0, refused: 0, raced: 0 }
      await fc.assert(
        fc.asyncProperty(scenario(kind.edit), ({ edits, keys, together }) =>
          checkInterleaving(kind, tally, edits, keys, together),
        ),
        { numRuns: RUNS },
      )
      assert.ok(tally.applied > 0 && tally.refused > 0 && tally.raced > 0, JSON.stringify(tally))
    })
  }
})

describe('the panel-member change over HTTP', () => {
  const versionOf = (html: string) =>
    new RegExp(`/moderation/members/${members.pep}"[\\s\\S]*?name="version" value="(\\d+)"`).exec(html)![1]!

  it('a stale change is refused with 409 beside the member as now saved, and overwrites nothing', async () => {
    const first = await signedIn(t.app, 'manager')
    const second = await signedIn(t.app, 'admin')
    const page = `/moderation/panels/${panel}`
    const version = versionOf((await first.get(page)).text)
    assert.equal(versionOf((await second.get(page)).text), version)
    const made = await first.post(`/moderation/members/${members.pep}`, { active: 'false', version })
    assert.equal(made.status, 303, made.text)
    const stale = await second.post(`/moderation/members/${members.pep}`, { active: 'true', version })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Not saved/)
    assert.match(stale.text, /changed by someone else/)
    // The page shows the member as now saved (inactive, with the new version to act from).
    assert.match(stale.text, /Make active<span class="govuk-visually-hidden">: Test Panel/)
    assert.equal(versionOf(stale.text), String(Number(version) + 1))
    const row = await db
      .selectFrom('panel_member')
      .select(['active', 'version'])
      .where('id', '=', members.pep)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, { active: false, version: Number(version) + 1 })
  })

  it('a change without the version read, or with a made-up active value, is refused with 400', async () => {
    const manager = await signedIn(t.app, 'manager')
    const missing = await manager.post(`/moderation/members/${members.pep}`, { active: 'true' })
    assert.equal(missing.status, 400)
    assert.match(missing.text, /The version number you read is missing/)
    const odd = await manager.post(`/moderation/members/${members.pep}`, { active: 'maybe', version: '1' })
    assert.equal(odd.status, 400)
    assert.match(odd.text, /Choose whether the member is active/)
  })
})

describe('a stale matrix save over HTTP', () => {
  it('is refused with 409 on the matrix page itself, showing the choices as now saved', async () => {
    const first = await signedIn(t.app, 'officer')
    const second = await signedIn(t.app, 'manager')
    const path = `/children/${fixture.children.eve}/awards/${fixture.awards.eve}`
    const versionOn = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!
    const version = versionOn((await first.get(path)).text)
    assert.equal(versionOn((await second.get(path)).text), version)
    const [slot] = slots
    const [mine, theirs] = slot!.descriptors
    const saved = await first.post(`${path}/save`, { version, [`choice-${slot!.code}`]: mine! })
    assert.equal(saved.status, 303, saved.text)
    const stale = await second.post(`${path}/save`, { version, [`choice-${slot!.code}`]: theirs! })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Not saved/)
    assert.match(stale.text, /changed by someone else after you opened it/)
    assert.match(stale.text, new RegExp(`name="choice-${slot!.code}" type="radio" value="${mine}" checked`))
    assert.equal(versionOn(stale.text), String(Number(version) + 1))
    const row = await db
      .selectFrom('award')
      .select('choices')
      .where('id', '=', fixture.awards.eve)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row.choices, { [slot!.code]: mine })
  })
})

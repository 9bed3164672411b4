import type { Insertable, Kysely } from 'kysely'
import type { MatrixVersionSpec } from '../funding/rules/matrix-version.ts'
import { level8Total } from '../funding/rules/level8.ts'
import { financialYearOf } from '../funding/rules/money.ts'
import { scoreAssessment, type Choices } from '../funding/rules/scoring.ts'
import type { StoredLevel8Package } from '../funding/tables.ts'
import { mulberry32 } from '../people/demo/generate.ts'
import { isoDateInLondon } from '../platform/time/clock.ts'
import { addDays, parts } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import { areaOfNeed } from './rules/panel.ts'

// The demo authority's moderation panel, shaped on Dudley's Internal Moderation Panel (two primary
// heads, the Head of SEND, the SEND Manager, the Principal and a Senior Educational Psychologist), six
// months of its past sessions, the next session's agenda, and the 79 legacy exceptional-funding cases
// moving onto the matrix. Every person is made up and every amount illustrative; every choice comes
// from a seeded generator, so the same demo is loaded on every machine.

const SEED = 3320
const BATCH = 500
const PANEL_NAME = 'Internal Moderation Panel'
const QUORUM = 4
const LOCATION = 'Council House, committee room 2'
const EXCEPTIONAL_NOTE = 'Exceptional funding (illustrative demo data)'
/** Cases on each of the six past sessions at full scale, oldest first. */
const SESSION_SIZES = [12, 10, 14, 9, 13, 11]
/** Pupils who could have had exceptional funding before the matrix: in their school with a plan by then. */
const EXCEPTIONAL_BY = '2021-12-31'
/** Exceptional-funding candidates at which the demo is at full size (the full demo has about 225). */
const FULL_AT = 120
/** The area of need whose pupils' schools over-score in the demo, so the consistency report has a story. */
const OVER_SCORED_AREA = 'Social, emotional and mental health'

export type ModerationDemoPlan = {
  sessionSizes: number[]
  returns: number
  referrals: number
  pending: number
  candidates: number
  moved: number
  awaiting: number
  notAssessed: number
}

/**
 * How much of the demo to load, from the number of pupils who can carry a legacy exceptional amount
 * (EHCP pupils funded as mainstream with an agreed award, at their school since 2021 or before): the
 * full demo (79 exceptional cases: 50 moved onto the matrix, 15 awaiting the panel, 14 not yet
 * assessed) from 120 of them, proportionally less below that, each group at least one when it can be.
 */
export function moderationDemoPlan(exceptionalEligible: number): ModerationDemoPlan {
  const k = Math.min(1, exceptionalEligible / FULL_AT)
  const sessionSizes = SESSION_SIZES.map(n => Math.max(2, Math.round(n * k)))
  const returns = Math.max(1, Math.round(8 * k))
  const referrals = Math.max(1, Math.round(2 * k))
  const pending = Math.max(3, Math.round(12 * k))
  const candidates = Math.max(2, Math.round(8 * k))
  const cases = sessionSizes.reduce((s, n) => s + n, 0) - returns - referrals
  let left = exceptionalEligible
  const awaiting = Math.min(Math.max(1, Math.round(15 * k)), pending + candidates - 1, left)
  left -= awaiting
  const notAssessed = Math.min(Math.max(1, Math.round(14 * k)), left)
  left -= notAssessed
  const moved = Math.min(Math.round(50 * k), cases, left)
  return { sessionSizes, returns, referrals, pending, candidates, moved, awaiting, notAssessed }
}

export type ModerationDemoCounts = {
  users: number
  members: number
  sessions: number
  cases: number
  decisions: number
  changed: number
  submitted: number
  exceptional: number
  moved: number
  awaiting: number
  notAssessed: number
}

type Pupil = {
  awardId: string
  childId: string
  localId: string
  settingId: string
  settingName: string
  phase: string
  fundedType: 'mainstream' | 'resource_base'
  choices: Choices
  level: number
  annualPence: number
  since: string
  area: string
}

const PEOPLE = {
  headA: 'Gemma Tromans',
  headB: 'Samir Bains',
  headOfSend: 'Helen Westwood',
  seniorEp: 'Dr Adaeze Nwosu',
}

const EVIDENCE: Record<string, string[]> = {
  CI: [
    'Speech and language therapy report (this year): receptive language well below age expectations.',
    'Communication passport and visual timetable in daily use; adult modelling in every lesson.',
    'Autism outreach advice: small-group social communication sessions three times a week.',
  ],
  CL: [
    'Standardised reading and maths scores below the 2nd percentile; personalised curriculum in place.',
    'Educational psychology advice: working memory and processing speed well below peers.',
    'Precision teaching daily with a teaching assistant; progress tracked on the provision map.',
  ],
  SEMH: [
    'Behaviour support plan reviewed half-termly; key adult at unstructured times.',
    'CAMHS involvement; reduced timetable ended last term with a graduated return.',
    'Two fixed-term suspensions this year; nurture group every morning.',
  ],
  SP: [
    'Occupational therapy programme delivered daily; adapted seating and writing slope.',
    'Qualified teacher of the deaf visits fortnightly; radio aid in all lessons.',
    'Physiotherapy programme and intimate care plan; two adults for transfers.',
  ],
}
const NO_NEED = 'No need identified in this area.'

const AGREE_REASONS = [
  'The evidence matches the descriptors the school chose.',
  'Agreed: the provision map and the professional reports support the level.',
]
const LOWER_REASONS = [
  'The evidence describes support that is ordinarily available in the school; the descriptor chosen in {area} is not met.',
  'The reports supplied describe needs at a lower descriptor in {area} than the school chose.',
  'The adult support described is shared with other pupils in the class; {area} is agreed one descriptor lower.',
]
const RAISE_REASONS = [
  'The professional advice shows a higher need in {area} than the descriptor the school chose.',
  'The school under-scored {area}: the plan requires daily specialist input that the chosen descriptor does not cover.',
]
const EVIDENCE_NEEDED = [
  'An up-to-date provision map showing the adult support in place and its cost.',
  'The speech and language therapy report the matrix refers to, dated within the last 12 months.',
  'Evidence of the graduated approach: two cycles of assess, plan, do and review with their outcomes.',
  'The educational psychology advice from the EHC needs assessment.',
]
const REFER_REASONS = [
  'Needs across several areas require support beyond Level 7: the school should cost a bespoke Level 8 package in line with section F of the plan.',
  'The pupil needs two adults for much of the day and therapy input weekly; a costed Level 8 package is the right way to fund this.',
]

const LEVEL8_PACKAGE: StoredLevel8Package = {
  rationale:
    'Complex communication, learning and sensory needs: 1:1 adult support all day, weekly therapy and specialist teaching advice (illustrative costs).',
  lines: [
    {
      description: 'Teaching assistant, 1:1 all day (32.5 hours × 39 weeks)',
      kind: 'staff',
      quantityHundredths: 126_750,
      unitPence: 1_850,
    },
    {
      description: 'Specialist teacher advice, half a day a fortnight',
      kind: 'staff',
      quantityHundredths: 1_950,
      unitPence: 15_000,
    },
    {
      description: 'Speech and language therapy, 1 hour a week',
      kind: 'therapy',
      quantityHundredths: 3_900,
      unitPence: 6_500,
    },
    {
      description: 'Sensory equipment and adapted seating',
      kind: 'equipment',
      quantityHundredths: 100,
      unitPence: 120_000,
    },
  ],
}

/** The date `months` months before the month of `iso`, on that month's second Wednesday. */
function secondWednesday(iso: string, monthsBefore: number): string {
  const { year, month } = parts(iso)
  const first = new Date(Date.UTC(year, month - 1 - monthsBefore, 1))
  const offset = (3 - first.getUTCDay() + 7) % 7
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1 + offset + 7)).toISOString().slice(0, 10)
}

const at = (date: string, time: string) => new Date(`${date}T${time}Z`)

/**
 * Loads the demo authority's moderation panel and legacy exceptional-funding cases after
 * loadFundingDemo, in one transaction. Returns what it loaded, or null (doing nothing) when the
 * authority already has a panel, has no approved matrix version or agreed awards, or lacks the demo's staff.
 */
export async function loadModerationDemo(
  db: Kysely<DB>,
  laCode: string,
  now: Date,
): Promise<ModerationDemoCounts | null> {
  return db.transaction().execute(async trx => {
    const existing = await trx
      .selectFrom('panel')
      .select('id')
      .where('la_code', '=', laCode)
      .limit(1)
      .executeTakeFirst()
    if (existing) return null
    const version = await trx
      .selectFrom('matrix_version')
      .select(['id', 'spec'])
      .where('la_code', '=', laCode)
      .where('status', '=', 'approved')
      .orderBy('approved_at')
      .limit(1)
      .executeTakeFirst()
    if (!version) return null
    return load(trx, laCode, now, version.id, version.spec)
  })
}

async function load(
  trx: Kysely<DB>,
  laCode: string,
  now: Date,
  versionId: string,
  spec: MatrixVersionSpec,
): Promise<ModerationDemoCounts | null> {
  const today = isoDateInLondon(now)
  const next = mulberry32(SEED)
  const random = () => next() / 4294967296
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const shuffle = <T>(list: readonly T[]): T[] => {
    const out = [...list]
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out
  }

  // Three plain queries joined here: one query joining them all is slow on PGlite before ANALYZE.
  const rows = await trx
    .selectFrom('award as a')
    .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'a.la_code').onRef('c.id', '=', 'a.child_id'))
    .innerJoin('setting as s', 's.id', 'a.setting_id')
    .select([
      'a.id as awardId',
      'a.child_id as childId',
      'c.local_id as localId',
      'c.ehcp_start_date as planStart',
      'a.setting_id as settingId',
      's.name as settingName',
      's.phase',
      'a.funded_setting_type as fundedType',
      'a.choices',
      'a.level',
      'a.annual_pence as annualPence',
    ])
    .where('a.la_code', '=', laCode)
    .where('a.matrix_version_id', '=', versionId)
    .where('a.status', '=', 'agreed')
    .where('a.funded_setting_type', 'in', ['mainstream', 'resource_base'])
    .where('a.level8_package', 'is', null)
    .where('c.sen_status', '=', 'ehcp')
    .orderBy('c.local_id')
    .execute()
  const placements = await trx
    .selectFrom('placement')
    .select(['child_id', 'setting_id', 'start_date'])
    .where('la_code', '=', laCode)
    .where('end_date', 'is', null)
    .where('rank', '=', 1)
    .execute()
  const placedSince = new Map(placements.map(p => [`${p.child_id} ${p.setting_id}`, String(p.start_date)]))
  const needs = await trx
    .selectFrom('child_need')
    .select(['child_id', 'need_code'])
    .where('la_code', '=', laCode)
    .where('rank', '=', 1)
    .execute()
  const primaryNeed = new Map(needs.map(n => [n.child_id, n.need_code]))
  // One award per pupil, at the school they attend: a pupil with two (not the demo's case) is left alone.
  const perChild = new Map<string, number>()
  for (const r of rows) perChild.set(r.childId, (perChild.get(r.childId) ?? 0) + 1)
  const pupils: Pupil[] = rows
    .filter(
      r =>
        perChild.get(r.childId) === 1 &&
        r.level !== null &&
        r.annualPence !== null &&
        placedSince.has(`${r.childId} ${r.settingId}`),
    )
    .map(r => ({
      awardId: r.awardId,
      childId: r.childId,
      localId: r.localId,
      settingId: r.settingId,
      settingName: r.settingName,
      phase: r.phase,
      fundedType: r.fundedType as Pupil['fundedType'],
      choices: r.choices as Choices,
      level: Number(r.level),
      annualPence: Number(r.annualPence),
      since: [String(r.planStart ?? ''), placedSince.get(`${r.childId} ${r.settingId}`)!].reduce((a, b) =>
        b > a ? b : a,
      ),
      area: areaOfNeed(primaryNeed.get(r.childId) ?? null),
    }))
  if (pupils.length === 0) return null

  const users = await trx
    .selectFrom('app_user')
    .select(['id', 'username', 'role', 'setting_id', 'password_hash'])
    .where(eb => eb.or([eb('username', 'in', ['manager', 'panel', 'officer']), eb('username', 'like', 'senco.%')]))
    .orderBy('username')
    .execute()
  const manager = users.find(u => u.username === 'manager')
  const principalEp = users.find(u => u.username === 'panel')
  const officer = users.find(u => u.username === 'officer') ?? manager
  if (!manager || !principalEp || !officer) return null
  const sencoAt = new Map(users.filter(u => u.role === 'school_user' && u.setting_id).map(u => [u.setting_id!, u.id]))

  const years = [...new Set(spec.rates.map(r => r.financialYear))].sort()
  const rateYear = years.includes(financialYearOf(today)) ? financialYearOf(today) : years[years.length - 1]!
  const rateOf = (type: string, level: number) =>
    spec.rates.find(r => r.financialYear === rateYear && r.settingType === type && r.level === level)?.annualPence

  // The head teachers' schools: the demo SENCo's primary (so the conflict rule shows) and another primary.
  const primaryCounts = new Map<string, { name: string; n: number }>()
  for (const p of pupils) {
    if (p.phase !== 'primary' || p.fundedType !== 'mainstream') continue
    const entry = primaryCounts.get(p.settingId) ?? { name: p.settingName, n: 0 }
    entry.n++
    primaryCounts.set(p.settingId, entry)
  }
  const byCount = [...primaryCounts].sort((a, b) => b[1].n - a[1].n || a[1].name.localeCompare(b[1].name))
  const sencoPrimary = byCount.find(([id]) => sencoAt.has(id)) ?? byCount[0]
  const firstWord = (name: string) => name.split(' ')[0]!.toLowerCase()
  const otherPrimary = byCount.find(
    ([id, s]) => id !== sencoPrimary?.[0] && firstWord(s.name) !== firstWord(sencoPrimary?.[1].name ?? ''),
  )
  if (!sencoPrimary || !otherPrimary) return null

  // Users: copy the demo password hash, so the published demo password works for them too.
  const newUsers = [
    { username: `head.${firstWord(sencoPrimary[1].name)}`, display_name: PEOPLE.headA, role: 'panel_member' as const },
    { username: `head.${firstWord(otherPrimary[1].name)}`, display_name: PEOPLE.headB, role: 'panel_member' as const },
    { username: 'head.send', display_name: PEOPLE.headOfSend, role: 'send_manager' as const },
    { username: 'ep.senior', display_name: PEOPLE.seniorEp, role: 'panel_member' as const },
  ]
  const taken = await trx
    .selectFrom('app_user')
    .select(['id', 'username'])
    .where(
      'username',
      'in',
      newUsers.map(u => u.username),
    )
    .execute()
  const toAdd = newUsers.filter(u => !taken.some(t => t.username === u.username))
  const added = toAdd.length
    ? await trx
        .insertInto('app_user')
        .values(toAdd.map(u => ({ ...u, setting_id: null, password_hash: principalEp.password_hash })))
        .returning(['id', 'username'])
        .execute()
    : []
  const userId = new Map([...taken, ...added].map(u => [u.username, u.id]))
  const [headA, headB, headOfSend, seniorEp] = newUsers.map(u => userId.get(u.username)!)

  const panel = await trx
    .insertInto('panel')
    .values({
      la_code: laCode,
      name: PANEL_NAME,
      quorum: QUORUM,
      created_by: manager.id,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const seats = [
    { user_id: headA!, panel_role: 'Primary head teacher', setting_id: sencoPrimary[0] },
    { user_id: headB!, panel_role: 'Primary head teacher', setting_id: otherPrimary[0] },
    { user_id: headOfSend!, panel_role: 'Head of SEND', setting_id: null },
    { user_id: manager.id, panel_role: 'SEND Manager', setting_id: null },
    { user_id: principalEp.id, panel_role: 'Principal Educational Psychologist', setting_id: null },
    { user_id: seniorEp!, panel_role: 'Senior Educational Psychologist', setting_id: null },
  ]
  const memberRows = await trx
    .insertInto('panel_member')
    .values(seats.map(s => ({ la_code: laCode, panel_id: panel.id, ...s, created_at: now, updated_at: now })))
    .returning(['id', 'user_id', 'setting_id'])
    .execute()
  // returning() keeps the order of the values on both drivers; match by user to be sure.
  const members = seats.map(s => memberRows.find(m => m.user_id === s.user_id)!)

  // Who plays which part. Exceptional-funding pupils were in their school with a plan by the end of 2021.
  const used = new Set<string>()
  const take = (n: number, fits: (p: Pupil) => boolean, from: readonly Pupil[] = pool): Pupil[] => {
    const out: Pupil[] = []
    for (const p of from) {
      if (out.length >= n) break
      if (used.has(p.childId) || !fits(p)) continue
      used.add(p.childId)
      out.push(p)
    }
    return out
  }
  const pool = shuffle(pupils)
  const mainstream = (p: Pupil) => p.fundedType === 'mainstream'
  const exceptionalFits = (p: Pupil) => mainstream(p) && p.since <= EXCEPTIONAL_BY
  const plan = moderationDemoPlan(pool.filter(exceptionalFits).length)

  const sencoPupils = take(2, p => mainstream(p) && p.settingId === sencoPrimary[0])
  const awaiting = take(plan.awaiting, exceptionalFits)
  const notAssessed = take(plan.notAssessed, exceptionalFits)
  // A few schools over-score: those with the most pupils who could have had exceptional funding. Some of
  // their pupils are among those moving onto the matrix, so the consistency report has a story to tell.
  const weight = new Map<string, { name: string; n: number }>()
  for (const p of pool) {
    if (used.has(p.childId) || !exceptionalFits(p) || p.level < 2) continue
    const entry = weight.get(p.settingId) ?? { name: p.settingName, n: 0 }
    entry.n++
    weight.set(p.settingId, entry)
  }
  const overScorers = new Set(
    [...weight]
      .filter(([id]) => id !== sencoPrimary[0] && id !== otherPrimary[0])
      .sort((a, b) => b[1].n - a[1].n || a[1].name.localeCompare(b[1].name))
      .slice(0, 3)
      .map(([id]) => id),
  )
  const movedFirst = [...overScorers].flatMap(id =>
    take(Math.ceil(plan.moved / 16), p => exceptionalFits(p) && p.settingId === id && p.level >= 2),
  )
  const moved = [...movedFirst, ...take(plan.moved - movedFirst.length, exceptionalFits)]
  const submittedCount = plan.pending + plan.candidates
  const resubmitters = take(Math.max(0, submittedCount - sencoPupils.length - awaiting.length), mainstream)
  const submitters = [...sencoPupils, ...shuffle([...awaiting, ...resubmitters])]
  const pendingPupils = submitters.slice(0, plan.pending)
  const candidatePupils = submitters.slice(plan.pending)
  const level8Pupil = pendingPupils[Math.min(sencoPupils.length, pendingPupils.length - 1)]

  // Past cases: the over-scoring schools' pupils come first.
  const totalCases = plan.sessionSizes.reduce((s, n) => s + n, 0)
  const slotsToFill = totalCases - plan.returns - plan.referrals - moved.length
  const overScored = [...overScorers].flatMap(id =>
    take(Math.min(5, Math.ceil(slotsToFill / 6)), p => p.settingId === id && p.level >= 2),
  )
  const others = take(Math.max(0, slotsToFill - overScored.length), () => true)
  const decidedPupils = shuffle([...moved, ...overScored, ...others])
  const returned = take(plan.returns, () => true)
  const referred = take(plan.referrals, () => true)

  // The six past sessions, monthly, and who attended each: all six, five of them, or the four without a school.
  const heads = new Set([members[0]!.id, members[1]!.id])
  const sessionDates = plan.sessionSizes.map((_, i) => secondWednesday(today, plan.sessionSizes.length - i))
  const attendance = sessionDates.map(() => {
    const r = random()
    if (r < 0.3) return members
    if (r < 0.85) {
      const away = Math.floor(random() * members.length)
      return members.filter((_, i) => i !== away)
    }
    return members.filter(m => !heads.has(m.id))
  })
  const pendingDate = (() => {
    const date = addDays(today, 7)
    const day = new Date(`${date}T00:00:00Z`).getUTCDay()
    return day === 6 ? addDays(date, 2) : day === 0 ? addDays(date, 1) : date
  })()
  const sessionRows = await trx
    .insertInto('panel_session')
    .values(
      [...sessionDates, pendingDate].map(date => ({
        la_code: laCode,
        panel_id: panel.id,
        session_date: date,
        location: LOCATION,
        created_at: now,
        updated_at: now,
      })),
    )
    .returning(['id', 'session_date'])
    .execute()
  const sessionId = new Map(sessionRows.map(s => [String(s.session_date).slice(0, 10), s.id]))
  await trx
    .insertInto('panel_attendance')
    .values(
      sessionDates.flatMap((date, i) =>
        attendance[i]!.map(m => ({ la_code: laCode, session_id: sessionId.get(date)!, member_id: m.id })),
      ),
    )
    .execute()

  // Which session each past case goes to: the returns and referrals spread across them, the rest in order.
  type PastCase = { pupil: Pupil; outcome: 'decide' | 'return' | 'refer_level8'; session: number }
  const past: PastCase[] = []
  const slots = plan.sessionSizes.map(n => n)
  returned.forEach((pupil, i) => {
    const s = i % slots.length
    past.push({ pupil, outcome: 'return', session: s })
    slots[s]!--
  })
  referred.forEach((pupil, i) => {
    const s = (i * 3 + 1) % slots.length
    past.push({ pupil, outcome: 'refer_level8', session: s })
    slots[s]!--
  })
  let s = 0
  for (const pupil of decidedPupils) {
    while (s < slots.length - 1 && slots[s]! <= 0) s++
    past.push({ pupil, outcome: 'decide', session: s })
    slots[s]!--
  }

  // What each decided case's level becomes: the over-scoring schools and area are lowered more often.
  const decided = past.filter(c => c.outcome === 'decide')
  const shift = new Map<string, number>()
  for (const c of decided) {
    const school = overScorers.has(c.pupil.settingId)
    const over = (school ? 0.55 : 0) + (c.pupil.area === OVER_SCORED_AREA ? 0.4 : 0)
    const r = random()
    if (r < 0.05 + over && c.pupil.level >= 2)
      shift.set(c.pupil.childId, c.pupil.level >= 3 && random() < 0.25 ? -2 : -1)
    else if (!school && r > 0.94 && c.pupil.level <= 6) shift.set(c.pupil.childId, 1)
  }
  if (![...shift.values()].some(v => v < 0)) {
    const c = decided.find(c => c.pupil.level >= 2 && !shift.has(c.pupil.childId))
    if (c) shift.set(c.pupil.childId, -1)
  }
  if (![...shift.values()].some(v => v > 0)) {
    const c = decided.find(c => c.pupil.level <= 6 && !shift.has(c.pupil.childId))
    if (c) shift.set(c.pupil.childId, 1)
  }

  // Evidence and choices for the new matrices.
  const evidenceFor = (choices: Choices) =>
    JSON.stringify(
      Object.fromEntries(
        spec.areas.map(area => [area.code, choices[area.code] ? pick(EVIDENCE[area.code] ?? EVIDENCE.CL!) : NO_NEED]),
      ),
    )
  const choicesWithin = (min: number, max: number): Choices => {
    let last: Choices = {}
    for (let tries = 0; tries < 500; tries++) {
      last = Object.fromEntries(
        spec.areas.map(area => {
          const descriptors = area.descriptors ?? []
          const index = random() < 0.12 ? -1 : Math.floor(random() * descriptors.length)
          return [area.code, index < 0 ? null : descriptors[index]!.code]
        }),
      )
      const level = scoreAssessment(spec, last).level
      if (level >= min && level <= max) return last
    }
    return last
  }
  const topArea = (choices: Choices) => {
    const score = scoreAssessment(spec, choices)
    return [...score.areas].sort((a, b) => b.weighted - a.weighted)[0]?.name ?? 'one area'
  }
  const submitter = (settingId: string) => sencoAt.get(settingId) ?? officer.id

  // New award rows: returned re-assessments (past) and submitted matrices (the agenda and candidates).
  const newAwards: { key: string; row: Insertable<DB['award']> }[] = []
  const pastCases = past.map((c, position) => ({ ...c, position }))
  for (const c of pastCases.filter(c => c.outcome !== 'decide')) {
    const date = sessionDates[c.session]!
    const choices = c.outcome === 'refer_level8' ? choicesWithin(6, 7) : choicesWithin(2, 6)
    const score = scoreAssessment(spec, choices)
    const submittedAt = at(addDays(date, -7 - Math.floor(random() * 8)), '09:30:00')
    newAwards.push({
      key: c.pupil.childId,
      row: {
        la_code: laCode,
        child_id: c.pupil.childId,
        setting_id: c.pupil.settingId,
        matrix_version_id: versionId,
        funded_setting_type: c.pupil.fundedType,
        choices: JSON.stringify(choices),
        evidence: evidenceFor(choices),
        total_points: score.total,
        level: score.level,
        status: 'returned' as const,
        annual_pence: rateOf(c.pupil.fundedType, score.level) ?? null,
        start_date: date,
        created_at: new Date(submittedAt.getTime() - 2 * 86_400_000),
        updated_at: at(date, '16:00:00'),
        submitted_at: submittedAt,
        submitted_by: submitter(c.pupil.settingId),
        returned_reason: c.outcome === 'return' ? pick(EVIDENCE_NEEDED) : pick(REFER_REASONS),
        returned_at: at(date, '16:00:00'),
        returned_by: manager.id,
        level8_referred: c.outcome === 'refer_level8',
      },
    })
  }
  const submittedAwards = [...pendingPupils, ...candidatePupils].map(p => {
    const level8 = p === level8Pupil
    const choices: Choices = level8
      ? Object.fromEntries(
          spec.areas.map((area, i) => [area.code, area.descriptors?.at(i < 2 ? -1 : -2)?.code ?? null]),
        )
      : choicesWithin(1, 7)
    const score = scoreAssessment(spec, choices)
    const total = level8 ? level8Total(LEVEL8_PACKAGE.lines) : null
    const submittedAt = new Date(now.getTime() - (1 + Math.floor(random() * 20)) * 86_400_000)
    return {
      key: p.childId,
      row: {
        la_code: laCode,
        child_id: p.childId,
        setting_id: p.settingId,
        matrix_version_id: versionId,
        funded_setting_type: p.fundedType,
        choices: JSON.stringify(choices),
        evidence: evidenceFor(choices),
        total_points: score.total,
        level: score.level,
        status: 'submitted' as const,
        annual_pence: level8 ? total : (rateOf(p.fundedType, score.level) ?? null),
        level8_package: level8 ? JSON.stringify(LEVEL8_PACKAGE) : null,
        level8_total_pence: total,
        start_date: pendingDate,
        created_at: new Date(submittedAt.getTime() - 2 * 86_400_000),
        updated_at: submittedAt,
        submitted_at: submittedAt,
        submitted_by: submitter(p.settingId),
      },
    }
  })
  newAwards.push(...submittedAwards)
  const insertedAwards: { id: string; child_id: string }[] = []
  for (let i = 0; i < newAwards.length; i += BATCH) {
    insertedAwards.push(
      ...(await trx
        .insertInto('award')
        .values(newAwards.slice(i, i + BATCH).map(a => a.row))
        .returning(['id', 'child_id'])
        .execute()),
    )
  }
  // One new award per pupil, so the child identifies it.
  const newAwardOf = new Map(insertedAwards.map(a => [a.child_id, a.id]))

  // The decided cases' awards: agreed at the session, at the panel's level and its rate.
  const awardUpdates = decided.map(c => {
    const date = sessionDates[c.session]!
    const level = c.pupil.level + (shift.get(c.pupil.childId) ?? 0)
    const annual = shift.has(c.pupil.childId)
      ? (rateOf(c.pupil.fundedType, level) ?? c.pupil.annualPence)
      : c.pupil.annualPence
    return { c, date, level, annual, submittedAt: at(addDays(date, -7 - Math.floor(random() * 8)), '09:00:00') }
  })
  for (const u of awardUpdates) {
    await trx
      .updateTable('award')
      .set({
        level: u.level,
        annual_pence: u.annual,
        start_date: u.date,
        evidence: evidenceFor(u.c.pupil.choices),
        created_at: new Date(u.submittedAt.getTime() - 2 * 86_400_000),
        updated_at: at(u.date, '16:00:00'),
        submitted_at: u.submittedAt,
        submitted_by: submitter(u.c.pupil.settingId),
        agreed_at: at(u.date, '16:00:00'),
        agreed_by: manager.id,
      })
      .where('la_code', '=', laCode)
      .where('id', '=', u.c.pupil.awardId)
      .execute()
  }

  const updateOf = new Map(awardUpdates.map(u => [u.c.pupil.childId, u]))

  // The cases, past and pending.
  const caseRows = [
    ...pastCases.map(c => ({
      la_code: laCode,
      session_id: sessionId.get(sessionDates[c.session]!)!,
      award_id: c.outcome === 'decide' ? c.pupil.awardId : newAwardOf.get(c.pupil.childId)!,
      position: 0,
      status: 'issued' as const,
      added_by: manager.id,
      added_at: at(addDays(sessionDates[c.session]!, -5), '12:00:00'),
      updated_at: at(sessionDates[c.session]!, '16:00:00'),
      order: c.position,
      session: c.session,
    })),
    ...pendingPupils.map((p, i) => ({
      la_code: laCode,
      session_id: sessionId.get(pendingDate)!,
      award_id: newAwardOf.get(p.childId)!,
      position: i + 1,
      status: 'pending' as const,
      added_by: manager.id,
      added_at: now,
      updated_at: now,
      order: pastCases.length + i,
      session: sessionDates.length,
    })),
  ]
  // Positions within each past session in a shuffled order, so returns are not always first.
  for (let si = 0; si < sessionDates.length; si++) {
    const inSession = shuffle(caseRows.filter(r => r.session === si))
    for (const [i, r] of inSession.entries()) r.position = i + 1
  }
  const insertedCases = await trx
    .insertInto('panel_case')
    .values(caseRows.map(({ order: _o, session: _s, ...r }) => r))
    .returning(['id', 'award_id'])
    .execute()
  const caseOf = new Map(insertedCases.map(c => [c.award_id, c.id]))

  // Legacy exceptional funding: moved (linked, ended the day before the award starts, some protected).
  const legacyStart = (p: Pupil) => {
    const from = p.since > '2018-01-01' ? p.since : '2018-01-01'
    const span = Math.max(0, Math.round((Date.parse(EXCEPTIONAL_BY) - Date.parse(from)) / 86_400_000))
    return addDays(from, Math.floor(random() * (span + 1)))
  }
  const legacyAmount = () => (6_000 + Math.floor(random() * 24_001)) * 100
  const movedSet = new Set(moved.map(p => p.childId))
  const protection = new Map<string, string>()
  const legacyRows = [
    ...awardUpdates
      .filter(u => movedSet.has(u.c.pupil.childId))
      .map(u => {
        const amount = legacyAmount()
        const protectedUntil =
          amount > u.annual && random() < 0.5 ? addDays(u.date, 183 + Math.floor(random() * 366)) : null
        if (protectedUntil) protection.set(u.c.pupil.awardId, protectedUntil)
        return {
          la_code: laCode,
          child_id: u.c.pupil.childId,
          setting_id: u.c.pupil.settingId,
          annual_pence: amount,
          start_date: legacyStart(u.c.pupil),
          end_date: addDays(u.date, -1),
          note: EXCEPTIONAL_NOTE,
          kind: 'exceptional' as const,
          award_id: u.c.pupil.awardId,
          protected_until: protectedUntil,
          created_at: now,
          updated_at: now,
        }
      }),
    ...[...awaiting, ...notAssessed].map(p => ({
      la_code: laCode,
      child_id: p.childId,
      setting_id: p.settingId,
      annual_pence: legacyAmount(),
      start_date: legacyStart(p),
      end_date: null,
      note: EXCEPTIONAL_NOTE,
      kind: 'exceptional' as const,
      award_id: null,
      protected_until: null,
      created_at: now,
      updated_at: now,
    })),
  ]
  await trx.insertInto('legacy_funding').values(legacyRows).execute()

  // The panel's decisions on the past cases, each by a member present and free of a conflict, issued that day.
  const decisions = pastCases.map(c => {
    const date = sessionDates[c.session]!
    const awardId = c.outcome === 'decide' ? c.pupil.awardId : newAwardOf.get(c.pupil.childId)!
    const setting = c.pupil.settingId
    const free = attendance[c.session]!.filter(m => m.setting_id !== setting)
    const member = pick(free)
    const userOf = memberRows.find(m => m.id === member.id)!.user_id
    const base = {
      la_code: laCode,
      case_id: caseOf.get(awardId)!,
      award_id: awardId,
      member_id: member.id,
      decided_by: userOf,
      // In the order the cases were heard, from 10:00, before the manager issues them at 16:00.
      decided_at: new Date(at(date, '10:00:00').getTime() + (c.position % 70) * 5 * 60_000),
      issued_at: at(date, '16:00:00'),
      issued_by: manager.id,
    }
    if (c.outcome === 'decide') {
      const u = updateOf.get(c.pupil.childId)!
      const moves = shift.get(c.pupil.childId) ?? 0
      const area = topArea(c.pupil.choices)
      return {
        ...base,
        outcome: moves === 0 ? ('agree' as const) : ('change_level' as const),
        proposed_level: c.pupil.level,
        decided_level: u.level,
        annual_pence: u.annual,
        reason:
          moves === 0
            ? random() < 0.3
              ? pick(AGREE_REASONS)
              : null
            : pick(moves < 0 ? LOWER_REASONS : RAISE_REASONS).replace('{area}', area),
        evidence_needed: null,
        start_date: date,
        protected_until: protection.get(awardId) ?? null,
      }
    }
    const award = newAwards.find(a => a.key === c.pupil.childId)!.row
    return {
      ...base,
      outcome: c.outcome === 'return' ? ('return' as const) : ('refer_level8' as const),
      proposed_level: Number(award.level),
      decided_level: null,
      annual_pence: null,
      reason: c.outcome === 'return' ? null : String(award.returned_reason),
      evidence_needed: c.outcome === 'return' ? String(award.returned_reason) : null,
      start_date: null,
      protected_until: null,
    }
  })
  await trx.insertInto('panel_decision').values(decisions).execute()

  // No pupil is paid twice: those awaiting the panel or not yet assessed have no agreed award running.
  const ended = [...awaiting, ...notAssessed].map(p => p.awardId)
  if (ended.length) await trx.deleteFrom('award').where('la_code', '=', laCode).where('id', 'in', ended).execute()

  return {
    users: added.length,
    members: members.length,
    sessions: sessionRows.length,
    cases: caseRows.length,
    decisions: decisions.length,
    changed: shift.size,
    submitted: submittedAwards.length,
    exceptional: legacyRows.length,
    moved: moved.length,
    awaiting: awaiting.length,
    notAssessed: notAssessed.length,
  }
}

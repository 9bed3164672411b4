import { sql, type Insertable, type Kysely } from 'kysely'
import { mulberry32 } from '../people/demo/generate.ts'
import { ncYear } from '../people/rules/nc-year.ts'
import { isoDateInLondon } from '../platform/time/clock.ts'
import { addDays, ageOn, daysBetween, parts } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import { addWorkingDays, calendarWith, isWorkingDay, type Calendar } from './rules/bank-holidays.ts'
import { nextAnnualReview, phaseTransferBy } from './rules/clocks.ts'
import { legalDate, monthsFrom } from './rules/days.ts'
import { TWENTY_WEEKS_IN_DAYS, type CeaseReason } from './rules/measures.ts'
import { complaintResponseDue, complianceSteps } from './rules/disputes.ts'
import type { ExceptionKind } from './rules/exceptions.ts'
import type { ReceivedVia, RequestSource } from './tables.ts'

// The demo authority's statutory casework: a plan for every child with one, the requests that led to
// the plans issued since 2019 (timed so each year's 20-week figures follow Dudley's published ones),
// requests that did not lead to a plan, about 40 open cases at every stage today, two years of annual
// reviews, amendments, phase transfers and cessations. People and wording are made up; every choice
// comes from a seeded generator, so the same demo is loaded on every machine.

const SEED = 3326
const BATCH = 1000

/**
 * Dudley (LA 332), new EHC plans issued in each calendar year and how many within 20 weeks, including
 * exceptions (all plans) and excluding them (plans with no exception). Source: DfE "Education, health
 * and care plans" 2025 release, ehcp_2025_release/timeliness_20_week.csv, "All EHC plans issued"
 * (../shared/data; the 2019–2022 figures agree with sen2_mi.csv). Years outside 2019–2024 use the
 * nearest published year.
 */
export const DUDLEY_TWENTY_WEEKS: Readonly<
  Record<number, { plans: number; plansNoException: number; within: number; withinNoException: number }>
> = {
  2019: { plans: 444, plansNoException: 402, within: 212, withinNoException: 170 }, // 47.7 % / 42.3 %
  2020: { plans: 440, plansNoException: 411, within: 108, withinNoException: 89 }, // 24.5 % / 21.7 %
  2021: { plans: 414, plansNoException: 349, within: 178, withinNoException: 157 }, // 43.0 % / 45.0 %
  2022: { plans: 412, plansNoException: 358, within: 164, withinNoException: 147 }, // 39.8 % / 41.1 %
  2023: { plans: 390, plansNoException: 343, within: 177, withinNoException: 160 }, // 45.4 % / 46.6 %
  2024: { plans: 501, plansNoException: 449, within: 246, withinNoException: 235 }, // 49.1 % / 52.3 %
}
const FIRST_REQUEST_YEAR = 2019

/** The published figures the demo aims at for plans issued in a year (the nearest published year). */
export function twentyWeekTarget(year: number): { year: number; including: number; excluding: number } {
  const years = Object.keys(DUDLEY_TWENTY_WEEKS).map(Number)
  const from = Math.min(Math.max(year, Math.min(...years)), Math.max(...years))
  const f = DUDLEY_TWENTY_WEEKS[from]!
  return {
    year: from,
    including: Math.round((1000 * f.within) / f.plans) / 10,
    excluding: Math.round((1000 * f.withinNoException) / f.plansNoException) / 10,
  }
}

/**
 * Requests that led nowhere, per plan issued: Dudley refused about 24 % of its 2023 requests (146 of 608,
 * requests.csv) and assessed without issuing a plan about 10 % in 2022 (73 of 709, sen2_mi.csv); with
 * about 64 % of requests ending in a plan that is 0.375 and 0.156 per plan. Withdrawals are illustrative.
 */
const REFUSED_PER_PLAN = 0.375
const NO_PLAN_PER_PLAN = 0.156
const WITHDRAWN_PER_PLAN = 0.03
/** Annual reviews outstanding today at full size (seed 004: Dudley went from 210 to 8). */
const OUTSTANDING_AT_FULL = 8
/** EHC plans at which the demo is full size. */
const FULL_AT = 4281

const OFFICERS = [
  { username: 'officer.khan', display_name: 'Aisha Khan', headroom: 1.15 },
  { username: 'officer.hughes', display_name: 'Tom Hughes', headroom: 1.1 },
  { username: 'officer.adebayo', display_name: 'Grace Adebayo', headroom: 1.25 },
]
/**
 * Capacity as a share of the caseload the demo gives each officer (the queue counts their open requests
 * and the plans in force from their requests): Priya is just over hers, so the capacity page shows it.
 */
const PRIYA_HEADROOM = 0.95

const SOURCES: [RequestSource, number][] = [
  ['parent', 0.52],
  ['school', 0.28],
  ['early_years', 0.08],
  ['health', 0.05],
  ['social_care', 0.03],
  ['young_person', 0.02],
  ['other', 0.02],
]
const VIA: [ReceivedVia, number][] = [
  ['email', 0.45],
  ['online', 0.22],
  ['first_class_post', 0.22],
  ['second_class_post', 0.05],
  ['hand', 0.06],
]

const PROVISION: Record<string, string> = {
  ASD: 'A consistent key adult, a visual timetable and a quiet base; social communication group twice a week; speech and language therapy advice built into lessons.',
  SLCN: 'Speech and language therapy programme delivered three times a week by a trained assistant; vocabulary pre-teaching in every subject.',
  SEMH: 'Key adult at unstructured times, a nurture group each morning and a behaviour support plan reviewed half-termly; CAMHS advice followed.',
  MLD: 'Small-group literacy and numeracy intervention daily; adapted resources and precision teaching with a teaching assistant.',
  SLD: 'Personalised curriculum in a small class with a high adult ratio; communication aids and life-skills sessions daily.',
  PMLD: 'Sensory curriculum with one-to-one support throughout the day; physiotherapy and intimate care plans; specialist equipment.',
  SPLD: 'Structured, multi-sensory literacy programme four times a week; assistive technology and exam access arrangements.',
  HI: 'Qualified teacher of the deaf visits fortnightly; radio aid in every lesson and pre-teaching of new vocabulary.',
  VI: 'Qualified teacher of the visually impaired advice; enlarged and tactile resources; mobility training.',
  MSI: 'Intervenor support throughout the day; tactile and auditory resources; multi-sensory impairment teacher advice.',
  PD: 'Occupational therapy programme delivered daily; adapted seating, access to a hoist and two adults for transfers.',
  DS: 'Personalised curriculum and trained adult support; speech and language therapy programme; life-skills sessions.',
  OTH: 'Individual support plan agreed with the family; adult support at key points of the day; advice from the specialist team.',
  NSA: 'Individual support plan agreed with the family and reviewed each term.',
}
const PROVISION_UPDATES = [
  'Adult support reduced to mornings only as independence has grown; speech and language therapy continues termly.',
  'Added: occupational therapy programme three times a week and a sensory circuit before lessons.',
  'Added: daily small-group numeracy intervention; social communication group now weekly.',
  'Counselling sessions weekly in school; key adult support extended to lunchtimes.',
  'Preparing for adulthood outcomes added: travel training and a supported work-experience placement.',
]
const PERSONAL_REASONS = [
  'The child was in hospital for an operation and the family asked us to pause the assessment (illustrative).',
  'A bereavement in the family: the parent asked for the assessment to wait a few weeks (illustrative).',
  'The parent was seriously ill and could not take part in the assessment for several weeks (illustrative).',
]
const WITHDRAWN_REASONS = [
  'The family withdrew the request: the school put in place the support they asked for.',
  'The family moved out of the area before a decision.',
  'The young person asked to withdraw the request.',
]
const COMPLAINT_SUBJECTS = [
  'Delay in issuing the final EHC plan',
  'Annual review decision not received',
  'Communication from the SEND team',
  'Provision in the plan not being delivered',
  'Transport arrangements after the plan was amended',
]

export type CaseworkDemoCounts = {
  officers: number
  plans: number
  planNeeds: number
  requests: number
  openRequests: number
  advice: number
  exceptions: number
  consultations: number
  reviews: number
  openReviews: number
  amendments: number
  ceased: number
  mediations: number
  appeals: number
  complaints: number
  compliments: number
  ms: number
}

type ChildRow = { id: string; localId: string; dob: string; status: string; start: string | null }
type Placed = { settingId: string; type: string }

const iso = (v: unknown) => String(v).slice(0, 10)

/**
 * Loads the casework demo for `laCode` as at `now`, in one transaction; null (and nothing changed) when
 * the authority already has a plan, or has no demo people or users to build it on.
 */
export async function loadCaseworkDemo(db: Kysely<DB>, laCode: string, now: Date): Promise<CaseworkDemoCounts | null> {
  const started = Date.now()
  return db.transaction().execute(async trx => {
    const existing = await trx.selectFrom('ehc_plan').select('id').where('la_code', '=', laCode).limit(1).execute()
    if (existing.length) return null
    const today = isoDateInLondon(now)
    const next = mulberry32(SEED)
    const nextId = mulberry32(SEED + 1)
    const random = () => next() / 2 ** 32
    const idRandom = () => nextId() / 2 ** 32
    const int = (a: number, b: number) => a + Math.floor(random() * (b - a + 1))
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
    const weighted = <T>(items: readonly [T, number][]): T => {
      let u = random()
      for (const [item, w] of items) {
        if ((u -= w) < 0) return item
      }
      return items[items.length - 1]![0]
    }
    const shuffle = <T>(items: readonly T[]): T[] => {
      const out = [...items]
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[out[i], out[j]] = [out[j]!, out[i]!]
      }
      return out
    }
    const hex = (n: number) => Array.from({ length: n }, () => Math.floor(idRandom() * 16).toString(16)).join('')
    const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(idRandom() * 4)]}${hex(3)}-${hex(12)}`

    // People and places.
    const children: ChildRow[] = (
      await trx
        .selectFrom('child')
        .select(['id', 'local_id', 'date_of_birth', 'sen_status', 'ehcp_start_date'])
        .where('la_code', '=', laCode)
        .orderBy('local_id')
        .execute()
    ).map(c => ({
      id: c.id,
      localId: c.local_id,
      dob: iso(c.date_of_birth),
      status: c.sen_status,
      start: c.ehcp_start_date ? iso(c.ehcp_start_date) : null,
    }))
    if (!children.some(c => c.status === 'ehcp')) return null
    const users = await trx
      .selectFrom('app_user')
      .select(['id', 'username', 'password_hash'])
      .where('username', 'in', ['officer', ...OFFICERS.map(o => o.username)])
      .execute()
    const priya = users.find(u => u.username === 'officer')
    if (!priya) return null
    const priyaId = priya.id
    const toAdd = OFFICERS.filter(o => !users.some(u => u.username === o.username))
    const added = toAdd.length
      ? await trx
          .insertInto('app_user')
          .values(
            toAdd.map(o => ({
              username: o.username,
              display_name: o.display_name,
              role: 'case_officer' as const,
              setting_id: null,
              password_hash: priya.password_hash,
            })),
          )
          .returning(['id', 'username'])
          .execute()
      : []
    const officerId = new Map([...users, ...added].map(u => [u.username, u.id]))
    const officers = [priya.id, ...OFFICERS.map(o => officerId.get(o.username)!)]
    // Priya carries a little more of the caseload, so her queue shows every kind of item.
    const officerFor = () => (random() < 0.31 ? priya.id : officers[int(1, 3)]!)

    const needRows = await trx
      .selectFrom('child_need')
      .select(['child_id', 'rank', 'need_code'])
      .where('la_code', '=', laCode)
      .orderBy('child_id')
      .orderBy('rank')
      .execute()
    const needsOf = new Map<string, string[]>()
    for (const n of needRows) needsOf.set(n.child_id, [...(needsOf.get(n.child_id) ?? []), n.need_code])
    const placements = await trx
      .selectFrom('placement as p')
      .innerJoin('setting as s', 's.id', 'p.setting_id')
      .select(['p.child_id', 'p.setting_id', 's.setting_type', 'p.start_date'])
      .where('p.la_code', '=', laCode)
      .where('p.end_date', 'is', null)
      .where('p.rank', '=', 1)
      .orderBy('p.child_id')
      .orderBy('p.start_date')
      .execute()
    const placedAt = new Map<string, Placed>(
      placements.map(p => [p.child_id, { settingId: p.setting_id, type: p.setting_type }]),
    )
    const specialSettings = [...new Set(placements.filter(p => p.setting_type === 'special').map(p => p.setting_id))]
    const addedDays = await trx.selectFrom('non_working_day').select('day').execute()
    const calendar: Calendar = calendarWith(addedDays.map(d => iso(d.day)))
    const previousWorkingDay = (day: string) => {
      let d = addDays(day, -1)
      while (!isWorkingDay(calendar, d)) d = addDays(d, -1)
      return d
    }
    const workingOnOrBefore = (day: string) => (isWorkingDay(calendar, day) ? day : previousWorkingDay(day))
    const workingOnOrAfter = (day: string) => {
      let d = day
      while (!isWorkingDay(calendar, d)) d = addDays(d, 1)
      return d
    }
    const at = (day: string, time: string) => new Date(`${day}T${time}:00Z`)

    const ehcpChildren = children.filter(c => c.status === 'ehcp' && c.start)
    const k = Math.min(1, ehcpChildren.length / FULL_AT)
    const scaled = (full: number, min = 1) => Math.max(min, Math.round(full * k))

    // Rows to insert.
    const plans: Insertable<DB['ehc_plan']>[] = []
    const planNeeds: Insertable<DB['ehc_plan_need']>[] = []
    const requests: Insertable<DB['ehc_request']>[] = []
    const advice: Insertable<DB['advice_request']>[] = []
    const exceptions: Insertable<DB['casework_exception']>[] = []
    const consultations: Insertable<DB['placement_consultation']>[] = []
    const reviews: Insertable<DB['annual_review']>[] = []
    const amendments: Insertable<DB['plan_amendment']>[] = []
    const stamp = { created_at: now, updated_at: now }

    /** How and when a request arrived, so that legalDate gives back `receivedOn` (a working day). */
    const arrival = (receivedOn: string) => {
      const via = weighted(VIA)
      const method = via === 'online' ? 'email' : via
      let arrivedOn = receivedOn
      let time: string | null = null
      if (method === 'email' || method === 'hand') {
        const late = random() < 0.15
        arrivedOn = late ? addDays(receivedOn, -1) : receivedOn
        const hour = late ? int(17, 22) : int(8, 16)
        time = `${String(hour).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}`
      } else if (method === 'first_class_post') {
        arrivedOn = addDays(receivedOn, -1)
      } else {
        arrivedOn = previousWorkingDay(previousWorkingDay(receivedOn))
      }
      const legal = legalDate(calendar, { method, on: arrivedOn, at: time })
      if (legal !== receivedOn)
        throw new Error(`Demo arrival ${via} ${arrivedOn} ${time} gives ${legal}, not ${receivedOn}`)
      return { received_via: via, arrived_on: arrivedOn, arrived_time: time, received_on: receivedOn }
    }
    const sourceFor = (child: ChildRow, on: string) => {
      const age = ageOn(child.dob, on)
      const source = weighted(SOURCES)
      if (source === 'early_years' && age >= 5) return 'school'
      if (source === 'young_person' && age < 16) return 'parent'
      return age < 4 && source === 'school' ? 'early_years' : source
    }
    const currentSetting = (child: ChildRow) => placedAt.get(child.id)?.settingId ?? null

    // 1. A plan for every child with one. Plans issued since 2019 have the request that led to them.
    type PlanInfo = {
      id: string
      child: ChildRow
      issuedOn: string
      summary: string
      ceaseDecidedOn: string | null
    }
    const planInfos: PlanInfo[] = []
    for (const child of ehcpChildren) {
      const needs = needsOf.get(child.id) ?? []
      const id = uuid()
      const setting = currentSetting(child)
      const summary = PROVISION[needs[0] ?? 'OTH'] ?? PROVISION.OTH!
      plans.push({
        la_code: laCode,
        id,
        child_id: child.id,
        request_id: null,
        issued_on: child.start!,
        named_setting_id: setting,
        named_setting_type: setting ? null : 'No setting named: not currently placed',
        provision_summary: `${summary} (Illustrative demo plan.)`,
        created_by: null,
        ...stamp,
      })
      needs.forEach((code, i) => planNeeds.push({ la_code: laCode, plan_id: id, rank: i + 1, need_code: code }))
      planInfos.push({
        id,
        child,
        issuedOn: child.start!,
        summary: `${summary} (Illustrative demo plan.)`,
        ceaseDecidedOn: null,
      })
    }

    // The requests behind the plans issued since 2019, year by year, timed to the published figures.
    const byYear = new Map<number, PlanInfo[]>()
    for (const p of planInfos) {
      const year = parts(p.issuedOn).year
      if (year < FIRST_REQUEST_YEAR || p.issuedOn > today) continue
      byYear.set(year, [...(byYear.get(year) ?? []), p])
    }
    for (const [year, inYear] of [...byYear].sort((a, b) => a[0] - b[0])) {
      const f = DUDLEY_TWENTY_WEEKS[twentyWeekTarget(year).year]!
      const n = inYear.length
      const withException = Math.round((n * (f.plans - f.plansNoException)) / f.plans)
      const withinNoException = Math.round(((n - withException) * f.withinNoException) / f.plansNoException)
      const withinAll = Math.round((n * f.within) / f.plans)
      const withinException = Math.min(withException, Math.max(0, withinAll - withinNoException))
      const order = shuffle(inYear)
      order.forEach((plan, i) => {
        const exception = i < withException
        const within = exception ? i < withinException : i - withException < withinNoException
        const issued = plan.issuedOn
        let receivedOn: string
        if (within) receivedOn = workingOnOrAfter(addDays(issued, -int(102, TWENTY_WEEKS_IN_DAYS)))
        else {
          const late = TWENTY_WEEKS_IN_DAYS + 1 + Math.min(230, Math.floor(-Math.log(1 - random()) * 45))
          receivedOn = workingOnOrBefore(addDays(issued, -late))
        }
        const days = daysBetween(receivedOn, issued)
        const decisionOn = addDays(receivedOn, random() < 0.9 ? int(26, 42) : int(43, 55))
        const draftOffset = within ? Math.max(60, Math.min(days - 15, int(84, 112))) : days - int(15, 45)
        const draftOn = addDays(receivedOn, Math.max(draftOffset, daysBetween(receivedOn, decisionOn)))
        const outcomeOn = [addDays(draftOn, -int(0, 10)), decisionOn].sort().at(-1)!
        const commentsOn = random() < 0.85 ? addDays(draftOn, int(5, 14)) : null
        const requestId = uuid()
        requests.push({
          la_code: laCode,
          id: requestId,
          child_id: plan.child.id,
          officer_id: officerFor(),
          source: sourceFor(plan.child, receivedOn),
          ...arrival(receivedOn),
          decision: 'assess',
          decision_on: decisionOn,
          outcome: 'issue_plan',
          outcome_on: outcomeOn,
          draft_sent_on: draftOn,
          comments_received_on: commentsOn && commentsOn <= issued ? commentsOn : null,
          preferred_setting_id: commentsOn && random() < 0.6 ? currentSetting(plan.child) : null,
          final_issued_on: issued,
          plan_id: plan.id,
          withdrawn_on: null,
          withdrawn_reason: null,
          created_by: null,
          created_at: at(receivedOn, '10:00'),
          updated_at: at(issued, '16:00'),
        })
        if (exception) exceptions.push(exceptionFor(requestId, receivedOn, issued))
      })
    }

    function exceptionFor(requestId: string, receivedOn: string, by: string): Insertable<DB['casework_exception']> {
      const { year: from, month } = parts(receivedOn)
      const summerYear = month <= 7 ? from : from + 1
      const closureFrom = `${summerYear}-07-22`
      const closureTo = `${summerYear}-09-02`
      let kind: ExceptionKind
      let fromDate: string
      let toDate: string
      let reason: string
      if (addDays(receivedOn, 7) <= closureFrom && by >= closureTo) {
        kind = 'school_closure'
        fromDate = closureFrom
        toDate = closureTo
        reason =
          'The school was closed for the summer holiday when we asked it for advice, so its advice came after it reopened (illustrative).'
      } else if (random() < 0.2) {
        kind = 'absent_from_area'
        fromDate = addDays(receivedOn, int(14, 40))
        toDate = addDays(fromDate, int(28, 42))
        reason = 'The family were abroad visiting relatives for over four weeks (illustrative).'
      } else {
        kind = 'personal_circumstances'
        fromDate = addDays(receivedOn, int(14, 50))
        toDate = addDays(fromDate, int(14, 45))
        reason = pick(PERSONAL_REASONS)
      }
      if (toDate > by) toDate = by
      if (fromDate > toDate) fromDate = toDate
      return {
        la_code: laCode,
        id: uuid(),
        request_id: requestId,
        kind,
        from_date: fromDate,
        to_date: toDate,
        reason,
        applied_by: priyaId,
        applied_at: at(fromDate > today ? today : fromDate, '12:00'),
      }
    }

    // SEN support pupils for requests that led nowhere and for today's open cases; no pupil twice.
    const senSupport = shuffle(children.filter(c => c.status === 'sen_support'))
    let nextSupport = 0
    const takeSupport = (fits: (c: ChildRow) => boolean = () => true): ChildRow | null => {
      for (let i = nextSupport; i < senSupport.length; i++) {
        const c = senSupport[i]!
        if (fits(c)) {
          ;[senSupport[i], senSupport[nextSupport]] = [senSupport[nextSupport]!, senSupport[i]!]
          nextSupport++
          return c
        }
      }
      return null
    }

    // Requests that did not lead to a plan: refused, assessed without a plan, withdrawn.
    const lastYear = parts(today).year
    for (let year = FIRST_REQUEST_YEAR; year <= lastYear; year++) {
      const plansInYear = byYear.get(year)?.length ?? 0
      const kinds: ('refused' | 'no_plan' | 'withdrawn')[] = [
        ...Array<'refused'>(Math.round(plansInYear * REFUSED_PER_PLAN)).fill('refused'),
        ...Array<'no_plan'>(Math.round(plansInYear * NO_PLAN_PER_PLAN)).fill('no_plan'),
        ...Array<'withdrawn'>(Math.max(1, Math.round(plansInYear * WITHDRAWN_PER_PLAN))).fill('withdrawn'),
      ]
      for (const kind of kinds) {
        const span = kind === 'no_plan' ? 120 : 60
        const lastDay = [`${year}-12-31`, addDays(today, -span)].sort()[0]!
        const firstDay = `${year}-01-01`
        if (lastDay < firstDay) continue
        const receivedOn = workingOnOrBefore(addDays(firstDay, int(0, daysBetween(firstDay, lastDay))))
        const child = takeSupport(c => ageOn(c.dob, receivedOn) >= 1)
        if (!child) break
        const base = {
          la_code: laCode,
          id: uuid(),
          child_id: child.id,
          officer_id: officerFor(),
          source: sourceFor(child, receivedOn),
          ...arrival(receivedOn),
          decision: null,
          decision_on: null,
          outcome: null,
          outcome_on: null,
          draft_sent_on: null,
          comments_received_on: null,
          preferred_setting_id: null,
          final_issued_on: null,
          plan_id: null,
          withdrawn_on: null,
          withdrawn_reason: null,
          created_by: null,
          created_at: at(receivedOn, '10:00'),
        }
        if (kind === 'refused') {
          const decisionOn = addDays(receivedOn, random() < 0.92 ? int(25, 42) : int(43, 56))
          requests.push({
            ...base,
            decision: 'not_assess',
            decision_on: decisionOn,
            updated_at: at(decisionOn, '16:00'),
          })
        } else if (kind === 'no_plan') {
          const decisionOn = addDays(receivedOn, int(28, 42))
          const outcomeOn = addDays(receivedOn, random() < 0.85 ? int(90, 112) : int(113, 130))
          requests.push({
            ...base,
            decision: 'assess',
            decision_on: decisionOn,
            outcome: 'no_plan',
            outcome_on: outcomeOn,
            updated_at: at(outcomeOn, '16:00'),
          })
        } else {
          const withdrawnOn = addDays(receivedOn, int(7, 35))
          requests.push({
            ...base,
            withdrawn_on: withdrawnOn,
            withdrawn_reason: pick(WITHDRAWN_REASONS),
            updated_at: at(withdrawnOn, '16:00'),
          })
        }
      }
    }

    // 2. Today's open requests, at every stage; some overdue.
    type Stage = 'deciding' | 'advice' | 'outcome' | 'draft' | 'consulting' | 'final'
    const stages: { stage: Stage; n: number; overdue: number }[] = [
      { stage: 'deciding', n: scaled(8, 2), overdue: scaled(3) },
      { stage: 'advice', n: scaled(8, 2), overdue: scaled(3) },
      { stage: 'outcome', n: scaled(5, 2), overdue: scaled(1) },
      { stage: 'draft', n: scaled(6, 2), overdue: 0 },
      { stage: 'consulting', n: scaled(6, 2), overdue: 0 },
      { stage: 'final', n: scaled(7, 2), overdue: scaled(3) },
    ]
    let openRequests = 0
    const ADVISORS = [
      ['educational_psychologist', 'Educational Psychology Service'],
      ['health', 'Community paediatrics'],
      ['social_care', "Children's social care"],
      ['setting', null],
    ] as const
    for (const { stage, n, overdue } of stages) {
      for (let i = 0; i < n; i++) {
        const late = i < overdue
        const receivedOn = workingOnOrBefore(
          addDays(
            today,
            -(
              {
                deciding: late ? int(43, 60) : int(3, 38),
                advice: late ? int(92, 104) : int(45, 75),
                outcome: late ? int(113, 125) : int(84, 108),
                draft: int(98, 125),
                consulting: int(112, 134),
                final: late ? int(145, 190) : int(122, 139),
              } satisfies Record<Stage, number>
            )[stage],
          ),
        )
        const child = takeSupport(c => placedAt.has(c.id) && ageOn(c.dob, receivedOn) >= 2)
        if (!child) break
        const id = uuid()
        const decisionOn = stage === 'deciding' ? null : addDays(receivedOn, int(30, 41))
        let draftOn: string | null = null
        let commentsOn: string | null = null
        let preferred: string | null = null
        if (stage === 'draft') draftOn = addDays(today, -int(1, 13))
        if (stage === 'consulting') draftOn = addDays(today, -int(16, 30))
        if (stage === 'final') draftOn = [addDays(receivedOn, int(92, 110)), addDays(today, -18)].sort()[0]!
        if (draftOn && stage !== 'draft') {
          commentsOn = addDays(draftOn, int(6, 14))
          preferred =
            random() < 0.5 && specialSettings.length ? pick(specialSettings) : placedAt.get(child.id)!.settingId
        }
        const outcomeOn = draftOn ? [addDays(draftOn, -int(0, 6)), decisionOn!].sort().at(-1)! : null
        requests.push({
          la_code: laCode,
          id,
          child_id: child.id,
          officer_id: i % 3 === 0 ? priya.id : officerFor(),
          source: sourceFor(child, receivedOn),
          ...arrival(receivedOn),
          decision: decisionOn ? 'assess' : null,
          decision_on: decisionOn,
          outcome: outcomeOn ? 'issue_plan' : null,
          outcome_on: outcomeOn,
          draft_sent_on: draftOn,
          comments_received_on: commentsOn,
          preferred_setting_id: preferred,
          final_issued_on: null,
          plan_id: null,
          withdrawn_on: null,
          withdrawn_reason: null,
          created_by: null,
          created_at: at(receivedOn, '10:00'),
          updated_at: now,
        })
        openRequests++
        if (decisionOn) {
          const requestedOn = addDays(decisionOn, int(0, 2))
          for (const [j, [advisor, name]] of ADVISORS.entries()) {
            let receivedAdvice: string | null = addDays(requestedOn, int(18, 44))
            if (stage === 'advice') {
              // Still waiting for some advice; when overdue, the EP's and health's advice are late.
              if (late ? j < 2 : random() < 0.6) receivedAdvice = null
            }
            if (stage !== 'advice' && receivedAdvice && receivedAdvice > today)
              receivedAdvice = addDays(today, -int(1, 3))
            if (receivedAdvice && (receivedAdvice > today || receivedAdvice < requestedOn)) receivedAdvice = null
            advice.push({
              la_code: laCode,
              id: uuid(),
              request_id: id,
              advisor,
              advisor_name: name ?? null,
              requested_on: requestedOn,
              received_on: receivedAdvice,
              ...stamp,
            })
          }
        }
        if (commentsOn && preferred) {
          const sentOn = addDays(commentsOn, int(0, 2))
          const answered = stage === 'final' || (i > 0 && random() < 0.4)
          const respondedOn = [addDays(sentOn, int(5, 14)), today].sort()[0]!
          consultations.push({
            la_code: laCode,
            id: uuid(),
            request_id: id,
            amendment_id: null,
            setting_id: preferred,
            sent_on: sentOn,
            response: answered && respondedOn <= today ? 'can_meet' : null,
            responded_on: answered && respondedOn <= today ? respondedOn : null,
            ...stamp,
          })
        }
        // One or two of the overdue final plans have an exception recorded (never moving the deadline).
        if (stage === 'final' && late && i < Math.max(1, Math.min(2, overdue - 1)))
          exceptions.push(exceptionFor(id, receivedOn, today))
      }
    }

    // 3. Cessations: about 1 % of plans ceased in the last year, for pupils no longer on a plan.
    const ceasedCount = scaled(Math.round(FULL_AT * 0.01))
    // The demo has no children without SEN, so the ceased plans belong to pupils now on SEN support:
    // mostly needs met without a plan (SEN2 reason 2), some "other" (9), and a few young people aged 16
    // or more who no longer wish to engage in education or training (6).
    let ceased = 0
    for (let i = 0; i < ceasedCount; i++) {
      const child = takeSupport()
      if (!child) break
      const u = random()
      const reason: CeaseReason = u < 0.15 && ageOn(child.dob, today) >= 16 ? 6 : u < 0.3 ? 9 : 2
      const ceasedOn = addDays(today, -int(5, 360))
      const decidedOn = addDays(ceasedOn, -int(63, 90))
      const issuedOn = workingOnOrBefore(addDays(decidedOn, -int(400, 1800)))
      const id = uuid()
      const needs = needsOf.get(child.id) ?? [pick(['SEMH', 'SLCN', 'MLD', 'ASD', 'SPLD'])]
      const setting = placedAt.get(child.id)?.settingId ?? null
      plans.push({
        la_code: laCode,
        id,
        child_id: child.id,
        request_id: null,
        issued_on: issuedOn < '2014-09-01' ? '2014-09-01' : issuedOn,
        named_setting_id: setting,
        named_setting_type: setting ? null : 'Mainstream school',
        provision_summary: `${PROVISION[needs[0]!] ?? PROVISION.OTH!} (Illustrative demo plan.)`,
        cease_decided_on: decidedOn,
        cease_decision_reason: reason,
        ceased_on: ceasedOn,
        cease_reason: reason,
        cease_note: null,
        created_by: null,
        ...stamp,
      })
      needs.forEach((code, r) => planNeeds.push({ la_code: laCode, plan_id: id, rank: r + 1, need_code: code }))
      if (reason === 2) {
        const meetingOn = addDays(decidedOn, -int(10, 25))
        reviews.push({
          la_code: laCode,
          id: uuid(),
          plan_id: id,
          kind: 'annual',
          due_on: monthsFrom(meetingOn, 1),
          meeting_on: meetingOn,
          invitations_sent_on: addDays(meetingOn, -int(14, 21)),
          report_received_on: addDays(meetingOn, int(3, 10)),
          decision: 'cease',
          decision_on: decidedOn,
          created_by: null,
          ...stamp,
        })
      }
      ceased++
    }

    // 4. Annual reviews over the last two years; a few outstanding today; reviews due in the next weeks.
    const windowStart = addDays(today, -730)
    const horizon = addDays(today, 56)
    const inForce = planInfos.filter(p => p.issuedOn <= today)
    const overdueCandidates = shuffle(inForce.filter(p => p.issuedOn < monthsFrom(today, -14)))
    const outstanding = new Set(overdueCandidates.slice(0, scaled(OUTSTANDING_AT_FULL)).map(p => p.id))
    // A few plans whose last review decided to cease them: the plan continues while the appeal time runs.
    let ceasingLeft = scaled(3)
    const amendRate = 0.02
    let openReviews = 0
    const openReview = (planId: string, due: string, meetingOn: string | null) => {
      const held = meetingOn !== null && meetingOn < today
      reviews.push({
        la_code: laCode,
        id: uuid(),
        plan_id: planId,
        kind: 'annual',
        due_on: due,
        meeting_on: meetingOn,
        invitations_sent_on: meetingOn && addDays(meetingOn, -15) <= today ? addDays(meetingOn, -int(15, 21)) : null,
        report_received_on: held && addDays(meetingOn, 10) < today ? addDays(meetingOn, int(3, 10)) : null,
        decision: null,
        decision_on: null,
        created_by: null,
        ...stamp,
      })
      openReviews++
    }
    for (const plan of inForce) {
      let last = plan.issuedOn
      let summary = plan.summary
      for (;;) {
        const due = nextAnnualReview(last).reviewBy
        if (due > horizon) break
        if (due < windowStart) {
          last = addDays(due, -int(0, 20))
          continue
        }
        if (due >= today) {
          // Due in the coming weeks: some meetings booked, a few already held.
          openReview(plan.id, due, random() < 0.55 ? addDays(due, -int(3, 35)) : null)
          break
        }
        const meetingOn = [addDays(due, -int(3, 45)), addDays(today, -2)].sort()[0]!
        const decisionOn = [addDays(meetingOn, int(5, 27)), addDays(today, -1)].sort()[0]!
        if (outstanding.has(plan.id) && nextAnnualReview(decisionOn).reviewBy >= today) {
          // Outstanding today: the meeting not held, or held with no decision yet.
          openReview(plan.id, due, random() < 0.5 ? null : [addDays(due, int(-20, 20)), addDays(today, -5)].sort()[0]!)
          break
        }
        const isCeasing =
          ceasingLeft > 0 && !outstanding.has(plan.id) && decisionOn >= addDays(today, -50) && random() < 0.3
        const id = uuid()
        const decision = isCeasing ? 'cease' : random() < amendRate ? 'amend' : 'keep'
        reviews.push({
          la_code: laCode,
          id,
          plan_id: plan.id,
          kind: 'annual',
          due_on: due,
          meeting_on: meetingOn,
          invitations_sent_on: addDays(meetingOn, -int(14, 24)),
          report_received_on: [addDays(meetingOn, int(2, 13)), today].sort()[0]!,
          decision,
          decision_on: decisionOn,
          created_by: null,
          ...stamp,
        })
        if (isCeasing) {
          ceasingLeft--
          plan.ceaseDecidedOn = decisionOn
          break
        }
        if (decision === 'amend') {
          const sentOn = [addDays(decisionOn, int(0, 7)), today].sort()[0]!
          const commentsOn = addDays(sentOn, int(8, 14))
          const finalOn = addDays(sentOn, int(22, 55))
          const issued = finalOn <= today
          const after = `${pick(PROVISION_UPDATES)} (Illustrative amendment.)`
          amendments.push({
            la_code: laCode,
            id: uuid(),
            plan_id: plan.id,
            review_id: id,
            proposals_sent_on: sentOn,
            comments_received_on: commentsOn <= today ? commentsOn : null,
            final_issued_on: issued ? finalOn : null,
            summary: 'Amendments after the annual review: provision updated to match the latest advice.',
            changes: issued ? JSON.stringify({ provisionSummary: { before: summary, after } }) : null,
            created_by: null,
            ...stamp,
          })
          if (issued) summary = after
        }
        last = decisionOn
      }
      plan.summary = summary
    }
    // The plans' provision as the last issued amendment left it, and the decisions to cease.
    const planRow = new Map(plans.map(p => [p.id as string, p]))
    for (const plan of inForce) {
      const row = planRow.get(plan.id)!
      row.provision_summary = plan.summary
      if (plan.ceaseDecidedOn) {
        row.cease_decided_on = plan.ceaseDecidedOn
        row.cease_decision_reason = pick([2, 2, 9] as const)
        row.cease_note = 'The review found the needs can now be met from the school’s own resources (illustrative).'
      }
    }

    // Phase transfers: a few pupils in Year 6 and Year 11 moving next September (R11).
    const transferYear = parts(today).month >= 9 ? parts(today).year + 1 : parts(today).year
    const transfers = [
      { year: 6, n: scaled(10), kind: 'school_phase' as const },
      { year: 11, n: scaled(6), kind: 'secondary_to_post16' as const },
    ]
    for (const t of transfers) {
      const pupils = shuffle(inForce.filter(p => !p.ceaseDecidedOn && ncYear(p.child.dob, today) === t.year)).slice(
        0,
        t.n,
      )
      for (const plan of pupils) {
        const due = phaseTransferBy({ kind: t.kind, transferYear })
        const booked = random() < 0.6
        const meetingOn = booked ? addDays(today, int(-20, 60)) : null
        reviews.push({
          la_code: laCode,
          id: uuid(),
          plan_id: plan.id,
          kind: 'phase_transfer',
          due_on: due,
          meeting_on: meetingOn,
          invitations_sent_on: meetingOn && addDays(meetingOn, -15) <= today ? addDays(meetingOn, -int(15, 21)) : null,
          report_received_on: meetingOn && addDays(meetingOn, 10) < today ? addDays(meetingOn, int(3, 10)) : null,
          decision: null,
          decision_on: null,
          created_by: null,
          ...stamp,
        })
        openReviews++
      }
    }

    // 5. Disagreements. Appeals registered in the last year at Dudley's latest published rate (152 in
    // 2024: "SEND Tribunals and appeal rate 2014-2024.csv" in the 2025 release), mostly about Section I;
    // about 12 mediations (illustrative); complaints 54 → 38 → 15 and 85 compliments, Dudley's figures
    // for April 2019 to December 2021 in seed 004, placed on the demo's last three years.
    const mediations: Insertable<DB['mediation_case']>[] = []
    const appeals: Insertable<DB['tribunal_appeal']>[] = []
    const complaints: Insertable<DB['complaint']>[] = []
    const compliments: Insertable<DB['compliment']>[] = []
    type Appealable = {
      childId: string
      planId: string | null
      requestId: string | null
      kind: 'not_to_assess' | 'not_to_issue' | 'plan_content' | 'amended_plan'
      decisionOn: string
    }
    const from = addDays(today, -380)
    const to = addDays(today, -110)
    const inWindow = (d: string | null | undefined): d is string => Boolean(d && d >= from && d <= to)
    const pools = {
      not_to_assess: [] as Appealable[],
      not_to_issue: [] as Appealable[],
      plan_content: [] as Appealable[],
    }
    for (const r of requests) {
      const base = { childId: r.child_id, requestId: r.id as string }
      if (r.decision === 'not_assess' && inWindow(r.decision_on))
        pools.not_to_assess.push({ ...base, planId: null, kind: 'not_to_assess', decisionOn: r.decision_on })
      else if (r.outcome === 'no_plan' && inWindow(r.outcome_on))
        pools.not_to_issue.push({ ...base, planId: null, kind: 'not_to_issue', decisionOn: r.outcome_on })
      else if (r.plan_id && inWindow(r.final_issued_on))
        pools.plan_content.push({ ...base, planId: r.plan_id, kind: 'plan_content', decisionOn: r.final_issued_on })
    }
    const planChild = new Map(plans.map(p => [p.id as string, p.child_id]))
    for (const a of amendments)
      if (inWindow(a.final_issued_on))
        pools.plan_content.push({
          childId: planChild.get(a.plan_id)!,
          planId: a.plan_id,
          requestId: null,
          kind: 'amended_plan',
          decisionOn: a.final_issued_on,
        })
    const appealed = new Set<string>()
    const takeAppealable = (pool: Appealable[]): Appealable | null => {
      const candidates = pool.filter(a => !appealed.has(a.childId))
      if (!candidates.length) return null
      const chosen = pick(candidates)
      appealed.add(chosen.childId)
      return chosen
    }
    type Reason = 'refusal_to_assess' | 'refusal_to_issue' | 'section_b' | 'section_f' | 'section_i'
    const REASON_MIX: [Reason[], number][] = [
      [['section_i'], 0.4],
      [['section_b', 'section_f', 'section_i'], 0.22],
      [['section_f', 'section_i'], 0.1],
      [['section_f'], 0.05],
      [['refusal_to_assess'], 0.18],
      [['refusal_to_issue'], 0.05],
    ]
    const mediationTarget = scaled(12)
    const heldMediations = () => mediations.filter(m => m.family_choice === 'mediation').length
    const certificateAfter = (day: string) => addWorkingDays(calendar, day, int(1, 3))
    const appealCount = scaled(152)
    for (let i = 0; i < appealCount; i++) {
      const reasons = weighted(REASON_MIX)
      const decided = takeAppealable(
        reasons[0] === 'refusal_to_assess'
          ? pools.not_to_assess
          : reasons[0] === 'refusal_to_issue'
            ? pools.not_to_issue
            : pools.plan_content,
      )
      if (!decided) continue
      let mediationId: string | null = null
      let registeredOn: string
      if (reasons.every(r => r === 'section_i')) registeredOn = addDays(decided.decisionOn, int(20, 58))
      else {
        // R13: a mediation adviser first; most families take only the certificate.
        const contactedOn = addDays(decided.decisionOn, int(10, 45))
        const mediate = heldMediations() < mediationTarget - 3 && random() < 0.2
        const heldOn = mediate ? addDays(contactedOn, int(14, 30)) : null
        const certificateOn = certificateAfter(heldOn ?? contactedOn)
        mediationId = uuid()
        mediations.push({
          la_code: laCode,
          id: mediationId,
          child_id: decided.childId,
          plan_id: decided.planId,
          request_id: decided.requestId,
          decision_kind: decided.kind,
          decision_on: decided.decisionOn,
          adviser_contacted_on: contactedOn,
          family_choice: mediate ? 'mediation' : 'certificate_only',
          certificate_issued_on: certificateOn,
          mediation_held_on: heldOn,
          outcome: mediate ? pick(['not_agreed', 'not_agreed', 'partly_agreed'] as const) : null,
          created_by: null,
          ...stamp,
        })
        registeredOn = addDays(certificateOn, int(5, 28))
      }
      if (registeredOn > today) registeredOn = today
      const order =
        reasons[0] === 'refusal_to_assess'
          ? 'assess'
          : reasons[0] === 'refusal_to_issue'
            ? 'make_plan'
            : reasons.length === 1 && reasons[0] === 'section_i'
              ? 'section_i'
              : 'amend'
      let outcome: 'upheld' | 'partly_upheld' | 'dismissed' | 'withdrawn' | 'conceded' | null = null
      let outcomeOn: string | null = null
      let hearingOn: string | null = null
      const age = daysBetween(registeredOn, today)
      if (age >= 150) {
        outcome = weighted([
          ['upheld', 0.3],
          ['partly_upheld', 0.2],
          ['dismissed', 0.07],
          ['withdrawn', 0.2],
          ['conceded', 0.23],
        ] as const)
        if (outcome === 'withdrawn' || outcome === 'conceded') outcomeOn = addDays(registeredOn, int(20, 100))
        else {
          hearingOn = addDays(registeredOn, int(110, 145))
          outcomeOn = [addDays(hearingOn, int(3, 14)), today].sort()[0]!
        }
      } else if (age >= 40 && random() < 0.2) {
        // Conceded before the LA's response was due: R16's clock runs from the concession.
        outcome = 'conceded'
        outcomeOn = [addDays(registeredOn, int(20, 40)), addDays(today, -1)].sort()[0]!
      } else if (age >= 30 && random() < 0.6) hearingOn = addDays(registeredOn, int(110, 150))
      const ordered = outcome === 'upheld' || outcome === 'partly_upheld' || outcome === 'conceded'
      let complianceDoneOn: string | null = null
      if (ordered && outcomeOn) {
        const deadline = complianceSteps(order, outcomeOn).at(-1)!.deadline
        const span = daysBetween(outcomeOn, deadline)
        if (deadline < today && random() < 0.92) complianceDoneOn = addDays(outcomeOn, int(Math.min(3, span), span))
        else if (deadline < today && random() < 0.5)
          complianceDoneOn = [addDays(deadline, int(1, 20)), today].sort()[0]!
      }
      appeals.push({
        la_code: laCode,
        id: uuid(),
        child_id: decided.childId,
        plan_id: decided.planId,
        request_id: decided.requestId,
        mediation_id: mediationId,
        decision_kind: decided.kind,
        decision_on: decided.decisionOn,
        registered_on: registeredOn,
        appeal_reasons: JSON.stringify(reasons),
        hearing_on: hearingOn,
        outcome,
        outcome_on: outcomeOn,
        order_kind: ordered ? order : null,
        conceded_on: outcome === 'conceded' ? outcomeOn : null,
        compliance_done_on: complianceDoneOn,
        created_by: null,
        ...stamp,
      })
    }
    // Mediations that settled the disagreement without an appeal, and one or two just begun.
    const settle = [...pools.plan_content, ...pools.not_to_assess].filter(a => !appealed.has(a.childId))
    for (let i = 0; heldMediations() < mediationTarget && settle.length; i++) {
      const decided = takeAppealable(settle)
      if (!decided) break
      const contactedOn = addDays(decided.decisionOn, int(10, 40))
      const heldOn = addDays(contactedOn, int(14, 30))
      const agreed = random() < 0.7
      mediations.push({
        la_code: laCode,
        id: uuid(),
        child_id: decided.childId,
        plan_id: decided.planId,
        request_id: decided.requestId,
        decision_kind: decided.kind,
        decision_on: decided.decisionOn,
        adviser_contacted_on: contactedOn,
        family_choice: 'mediation',
        certificate_issued_on: agreed ? null : certificateAfter(heldOn),
        mediation_held_on: heldOn,
        outcome: agreed ? 'agreed' : 'partly_agreed',
        created_by: null,
        ...stamp,
      })
    }
    for (const a of amendments.filter(a => a.final_issued_on && a.final_issued_on >= addDays(today, -25)).slice(0, 2)) {
      mediations.push({
        la_code: laCode,
        id: uuid(),
        child_id: planChild.get(a.plan_id)!,
        plan_id: a.plan_id,
        request_id: null,
        decision_kind: 'amended_plan',
        decision_on: a.final_issued_on!,
        adviser_contacted_on: [addDays(a.final_issued_on!, int(2, 10)), today].sort()[0]!,
        family_choice: null,
        certificate_issued_on: null,
        mediation_held_on: null,
        outcome: null,
        created_by: null,
        ...stamp,
      })
    }

    // Complaints (stage 1, with some escalated to stage 2 and the Ombudsman) and compliments.
    const year = parts(today).year
    const ehcpIds = ehcpChildren.map(c => c.id)
    const workingDayIn = (first: string, last: string) =>
      workingOnOrBefore(addDays(first, int(0, Math.max(0, daysBetween(first, last)))))
    const respond = (receivedOn: string, dueOn: string) => {
      const respondedOn = addDays(receivedOn, random() < 0.85 ? int(5, daysBetween(receivedOn, dueOn)) : int(29, 45))
      return respondedOn < today ? respondedOn : null
    }
    const complaintOutcome = () =>
      weighted([
        ['upheld', 0.22],
        ['partly_upheld', 0.3],
        ['not_upheld', 0.43],
        ['withdrawn', 0.05],
      ] as const)
    for (const [offset, count] of [
      [2, 54],
      [1, 38],
      [0, 15],
    ] as const) {
      for (let i = 0; i < scaled(count); i++) {
        const receivedOn = workingDayIn(
          `${year - offset}-01-02`,
          offset ? `${year - offset}-12-31` : addDays(today, -1),
        )
        const childId = random() < 0.8 ? pick(ehcpIds) : null
        const subject = pick(COMPLAINT_SUBJECTS)
        let stage: 1 | 2 | 3 = 1
        let receivedAt = receivedOn
        let escalatedFrom: string | null = null
        for (;;) {
          const dueOn = stage === 3 ? addDays(receivedAt, 84) : complaintResponseDue(calendar, stage, receivedAt)
          const respondedOn = respond(receivedAt, dueOn)
          const outcome = respondedOn ? complaintOutcome() : null
          const id = uuid()
          complaints.push({
            la_code: laCode,
            id,
            child_id: childId,
            escalated_from: escalatedFrom,
            received_on: receivedAt,
            stage,
            subject,
            response_due_on: dueOn,
            responded_on: respondedOn,
            outcome,
            created_by: null,
            ...stamp,
          })
          const escalate =
            respondedOn &&
            stage < 3 &&
            (outcome === 'not_upheld' || outcome === 'partly_upheld') &&
            random() < (stage === 1 ? 0.2 : 0.25)
          if (!escalate) break
          const next = addDays(respondedOn, stage === 1 ? int(3, 20) : int(20, 60))
          if (next >= today) break
          escalatedFrom = id
          receivedAt = workingOnOrAfter(next) < today ? workingOnOrAfter(next) : next
          stage = (stage + 1) as 2 | 3
        }
      }
    }
    const COMPLIMENTS = [
      'Thank you to our case officer for keeping us informed at every step of the assessment.',
      'The annual review meeting was well organised and our views were listened to.',
      'Grateful for the quick decision to assess and the clear letter explaining it.',
      'The team found a school place that meets our son’s needs. Thank you.',
      'Very helpful phone call explaining the draft plan and what happens next.',
    ]
    // 85 in the last full year, from seed 004; this year so far at the same rate (illustrative).
    const thisYearSoFar = Math.round((85 * daysBetween(`${year}-01-01`, today)) / 365)
    for (const [y, count] of [
      [year - 1, 85],
      [year, thisYearSoFar],
    ] as const) {
      for (let i = 0; i < scaled(count); i++) {
        const receivedOn = workingDayIn(`${y}-01-02`, y === year ? addDays(today, -1) : `${y}-12-31`)
        compliments.push({
          la_code: laCode,
          id: uuid(),
          received_on: receivedOn,
          about: pick(COMPLIMENTS),
          team: 'SEND casework team',
          created_by: null,
          ...stamp,
        })
      }
    }

    // Capacities (illustrative), from each officer's caseload as the work queue counts it.
    const load = new Map<string, number>()
    const ceasedPlans = new Set(plans.filter(p => p.ceased_on).map(p => p.id as string))
    for (const r of requests) {
      const open = !r.final_issued_on && !r.withdrawn_on && r.decision !== 'not_assess' && r.outcome !== 'no_plan'
      const holdsPlan = r.plan_id && !ceasedPlans.has(r.plan_id)
      if (r.officer_id && (open || holdsPlan)) load.set(r.officer_id, (load.get(r.officer_id) ?? 0) + 1)
    }
    const capacityOf = (id: string, headroom: number) =>
      Math.min(1000, Math.max(10, Math.round(((load.get(id) ?? 0) * headroom) / 10) * 10))
    await trx
      .insertInto('officer_capacity')
      .values(
        [
          { id: priya.id, headroom: PRIYA_HEADROOM },
          ...OFFICERS.map(o => ({ id: officerId.get(o.username)!, headroom: o.headroom })),
        ].map(o => ({ la_code: laCode, user_id: o.id, capacity: capacityOf(o.id, o.headroom), updated_at: now })),
      )
      .onConflict(oc => oc.columns(['la_code', 'user_id']).doNothing())
      .execute()

    // Insert: plans first (without their requests), then requests, then link the plans back.
    const insert = async <T extends keyof DB & string>(table: T, rows: Insertable<DB[T]>[]) => {
      for (let i = 0; i < rows.length; i += BATCH)
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + BATCH) as never)
          .execute()
    }
    await insert('ehc_plan', plans)
    await insert('ehc_plan_need', planNeeds)
    await insert('ehc_request', requests)
    await sql`update ehc_plan p set request_id = r.id from ehc_request r
      where r.la_code = ${laCode} and p.la_code = r.la_code and r.plan_id = p.id`.execute(trx)
    await insert('advice_request', advice)
    await insert('casework_exception', exceptions)
    await insert('placement_consultation', consultations)
    await insert('annual_review', reviews)
    await insert('plan_amendment', amendments)
    await insert('mediation_case', mediations)
    await insert('tribunal_appeal', appeals)
    await insert('complaint', complaints)
    await insert('compliment', compliments)

    return {
      officers: added.length,
      plans: plans.length,
      planNeeds: planNeeds.length,
      requests: requests.length,
      openRequests,
      advice: advice.length,
      exceptions: exceptions.length,
      consultations: consultations.length,
      reviews: reviews.length,
      openReviews,
      amendments: amendments.length,
      ceased,
      mediations: mediations.length,
      appeals: appeals.length,
      complaints: complaints.length,
      compliments: compliments.length,
      ms: Date.now() - started,
    }
  })
}

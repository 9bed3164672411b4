import { ageOn, isIsoDate, parts } from '../../platform/time/dates.ts'

// The SEN2 person-level return (shared/domain/sen2.md) built from plain records: who is included,
// the code mappings, and the file in its two shapes, XML (section 2 nesting, element order as the
// doc gives it) and one CSV per module. Everything is "as at" the reference (census) date: a date
// recorded after it is treated as not yet happened, so the return for a past census is the same
// whenever it is generated. Validation lives in sen2-validate.ts.

// ---------------------------------------------------------------------------------------------
// Dates (sen2.md 1.2)

/**
 * The census (reference) date of a collection year: the third Thursday of January (sen2.md 1.2,
 * which lists 2023–2027: 19 Jan 2023, 18 Jan 2024, 16 Jan 2025, 15 Jan 2026, 21 Jan 2027).
 */
export function censusDate(year: number): string {
  const firstDay = new Date(Date.UTC(year, 0, 1)).getUTCDay() // 0 Sunday … 4 Thursday
  const firstThursday = 1 + ((4 - firstDay + 7) % 7)
  return `${year}-01-${String(firstThursday + 14).padStart(2, '0')}`
}

/** The collection year of a reference date: the year its January census falls in. */
export function collectionYearOf(referenceDate: string): number {
  return parts(referenceDate).year
}

/** The activity period: the calendar year before the collection year (sen2.md 1.2). */
export function activityPeriod(year: number): { from: string; to: string } {
  return { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` }
}

// ---------------------------------------------------------------------------------------------
// Code sets (sen2.md 3)

export const SEN_TYPES = [
  'SPLD',
  'MLD',
  'SLD',
  'PMLD',
  'SEMH',
  'SLCN',
  'HI',
  'VI',
  'MSI',
  'PD',
  'ASD',
  'DS',
  'OTH',
] as const
export const OUTCOME_CODES = ['Y', 'N', 'A', 'W', 'H'] as const
export const CEASE_REASON_CODES = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const
export const REVIEW_OUTCOMES = ['A', 'C', 'M'] as const
export const SEN_SETTINGS = ['OLA', 'OPA', 'EHE', 'EYP', 'OTH', 'NEET', 'NIEC', 'NIEO'] as const
export const SEX_CODES = ['M', 'F', 'U'] as const
export const UPN_UNKNOWN_CODES = ['UN1', 'UN2', 'UN3', 'UN5', 'UN8', 'UN9', 'UN10'] as const
export const REQUEST_SOURCE_CODES = ['1', '2', '3', '4', '5'] as const

/** Our request sources → RequestSource (3.5): early years settings are education settings. */
export const REQUEST_SOURCE_MAP: Record<string, string> = {
  parent: '1',
  young_person: '1',
  school: '2',
  early_years: '2',
  health: '3',
  social_care: '4',
  other: '5',
}

/** Our annual review decisions → ReviewOutcome (3.14). */
export const REVIEW_OUTCOME_MAP: Record<string, string> = { amend: 'A', cease: 'C', keep: 'M' }

/**
 * A type of setting named in Section I with no setting (ehc_plan.named_setting_type, free text) → SENsetting
 * (3.6). Anything we cannot place is OTH, with the text as SENSettingOther.
 */
export function senSettingFor(text: string): string {
  const t = text.toLowerCase()
  if (/elective home|home educat/.test(t)) return 'EHE'
  if (/otherwise than|eotas|section 61|s\.?61/.test(t)) return 'OLA'
  if (/not in education, employment|neet/.test(t)) return 'NEET'
  if (/notice to cease/.test(t)) return 'NIEC'
  if (/not (currently )?placed|awaiting|not in education/.test(t)) return 'NIEO'
  if (/early years|nursery|childminder/.test(t)) return 'EYP'
  if (/parent.*(arrange|fund)|independent.*parent/.test(t)) return 'OPA'
  return 'OTH'
}

// ---------------------------------------------------------------------------------------------
// Element names in order, one list per module: the XML's order and the CSVs' headers.

export const PERSON_FIELDS = [
  'Surname',
  'Forename',
  'PersonBirthDate',
  'Sex',
  'Ethnicity',
  'PostCode',
  'UPN',
  'UniqueLearnerNumber',
  'UPNunknown',
] as const
export const REQUEST_FIELDS = [
  'ReceivedDate',
  'RequestSource',
  'RYA',
  'RequestOutcomeDate',
  'RequestOutcome',
  'RequestMediation',
  'RequestTribunal',
  'Exported',
] as const
export const ASSESSMENT_FIELDS = [
  'AssessmentOutcome',
  'AssessmentOutcomeDate',
  'AssessmentMediation',
  'AssessmentTribunal',
  'OtherMediation',
  'OtherTribunal',
  'Week20',
] as const
export const NAMED_PLAN_FIELDS = [
  'StartDate',
  'PlanRes',
  'PlanWBP',
  'PB',
  'OA',
  'DP',
  'CeaseDate',
  'CeaseReason',
] as const
export const PLAN_DETAIL_FIELDS = [
  'URN',
  'UKPRN',
  'SENsetting',
  'SENSettingOther',
  'PlacementRank',
  'SENunitIndicator',
  'ResourcedProvisionIndicator',
] as const
export const ACTIVE_PLAN_FIELDS = ['TransferLA', 'ReviewMeeting', 'ReviewOutcome', 'LastReview'] as const
export const PLACEMENT_FIELDS = [
  'URN',
  'UKPRN',
  'SENsetting',
  'SENSettingOther',
  'PlacementRank',
  'EntryDate',
  'LeavingDate',
  'SENunitIndicator',
  'ResourcedProvisionIndicator',
  'Res',
  'WBP',
] as const
export const NEED_FIELDS = ['SENtype', 'SENtypeRank'] as const

type Fields<F extends readonly string[]> = Partial<Record<F[number], string>>
export type PersonFields = Fields<typeof PERSON_FIELDS>
export type RequestFields = Fields<typeof REQUEST_FIELDS>
export type AssessmentFields = Fields<typeof ASSESSMENT_FIELDS>
export type NamedPlanFields = Fields<typeof NAMED_PLAN_FIELDS>
export type PlanDetailFields = Fields<typeof PLAN_DETAIL_FIELDS>
export type ActivePlanFields = Fields<typeof ACTIVE_PLAN_FIELDS>
export type PlacementFields = Fields<typeof PLACEMENT_FIELDS>
export type NeedFields = Fields<typeof NEED_FIELDS>

// ---------------------------------------------------------------------------------------------
// Input: plain records, as the store reads them.

export type Sen2Child = {
  id: string
  localId: string
  forename: string
  surname: string
  dateOfBirth: string
  sex: string
  upn: string | null
}

export type Sen2RequestRecord = {
  id: string
  childId: string
  source: string
  receivedOn: string
  decision: 'assess' | 'not_assess' | null
  decisionOn: string | null
  outcome: 'issue_plan' | 'no_plan' | null
  outcomeOn: string | null
  finalIssuedOn: string | null
  withdrawnOn: string | null
  planId: string | null
  /** A 20-week exception (casework_exception) recorded on or before the reference date. */
  hasException: boolean
}

export type Sen2PlanRecord = {
  id: string
  childId: string
  requestId: string | null
  issuedOn: string
  namedSettingId: string | null
  namedSettingUrn: string | null
  namedSettingType: string | null
  ceasedOn: string | null
  ceaseReason: number | null
  /** The plan's ranked needs (ehc_plan_need). */
  needs: { rank: number; code: string }[]
  /** Its reviews with a meeting (annual_review). */
  reviews: { meetingOn: string; decision: string | null; decisionOn: string | null }[]
}

export type Sen2PlacementRecord = {
  id: string
  childId: string
  settingId: string
  urn: string
  rank: number
  startDate: string
  endDate: string | null
  resourcedProvision: boolean
}

/** A mediation (family_choice = 'mediation') or a registered tribunal appeal. */
export type Sen2DisputeRecord = {
  kind: 'mediation' | 'tribunal'
  childId: string
  requestId: string | null
  planId: string | null
  decisionKind: string
  on: string
}

export type Sen2Input = {
  children: Sen2Child[]
  requests: Sen2RequestRecord[]
  plans: Sen2PlanRecord[]
  placements: Sen2PlacementRecord[]
  disputes: Sen2DisputeRecord[]
}

export type Sen2Options = {
  referenceDate: string
  laCode: string
  /** The file's creation time, 'YYYY-MM-DDThh:mm:ss'. */
  generatedAt: string
  softwareCode?: string
  release?: string
  serialNo?: number
}

// ---------------------------------------------------------------------------------------------
// The model: one person per child, their requests, each with its assessment, named plan and active plan.

export type Sen2NamedPlan = { planId: string; fields: NamedPlanFields; details: PlanDetailFields[] }
export type Sen2Assessment = { fields: AssessmentFields; namedPlan: Sen2NamedPlan | null }
export type Sen2ActivePlans = {
  planId: string
  fields: ActivePlanFields
  placements: PlacementFields[]
  needs: NeedFields[]
}
export type Sen2Requests = {
  /** The ehc_request id, or null for a plan with no request record (a historical request is made for it). */
  requestId: string | null
  fields: RequestFields
  assessment: Sen2Assessment | null
  activePlans: Sen2ActivePlans | null
}
export type Sen2Person = {
  childId: string
  localId: string
  fields: PersonFields
  requests: Sen2Requests[]
}

export type Sen2Header = {
  Collection: string
  Year: string
  ReferenceDate: string
  SourceLevel: string
  LEA: string
  SoftwareCode: string
  Release: string
  SerialNo: string
  DateTime: string
}

export type Sen2Return = { header: Sen2Header; persons: Sen2Person[] }

const flag = (b: boolean) => (b ? '1' : '0')
const upTo = (date: string | null, on: string) => (date !== null && date <= on ? date : null)
const byId = <T extends { id: string }>(rows: readonly T[]) => new Map(rows.map(r => [r.id, r]))
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Whether a request is finished as at a date: refused, no plan, plan issued or withdrawn by then. */
function closedBy(r: Sen2RequestRecord, on: string): boolean {
  return (
    (r.decision === 'not_assess' && upTo(r.decisionOn, on) !== null) ||
    (r.outcome === 'no_plan' && upTo(r.outcomeOn, on) !== null) ||
    upTo(r.finalIssuedOn, on) !== null ||
    upTo(r.withdrawnOn, on) !== null
  )
}

/** A plan that belongs in the return: issued by the reference date and not ceased before the activity period. */
export function planIncluded(plan: Pick<Sen2PlanRecord, 'issuedOn' | 'ceasedOn'>, year: number, on: string): boolean {
  const { from } = activityPeriod(year)
  return plan.issuedOn <= on && (plan.ceasedOn === null || plan.ceasedOn >= from)
}

/** A plan in force on the reference date: issued on or before it and not ceased on or before it. */
export function planActiveOn(plan: Pick<Sen2PlanRecord, 'issuedOn' | 'ceasedOn'>, on: string): boolean {
  return plan.issuedOn <= on && (plan.ceasedOn === null || plan.ceasedOn > on)
}

/**
 * A request that belongs in the return (sen2.md 1.3): received by the reference date, and either with
 * something done in the activity period or since (received, decided, plan issued, withdrawn), or still
 * open at the reference date. Requests behind an included plan are added by the caller.
 */
export function requestIncluded(r: Sen2RequestRecord, year: number, on: string): boolean {
  if (r.receivedOn > on) return false
  const { from } = activityPeriod(year)
  const inWindow = (d: string | null) => d !== null && d >= from && d <= on
  if ([r.receivedOn, r.decisionOn, r.outcomeOn, r.finalIssuedOn, r.withdrawnOn].some(inWindow)) return true
  return !closedBy(r, on)
}

/** UPNunknown when we can say why there is no UPN: under 6 at the reference date (UN1). */
function upnUnknown(child: Sen2Child, on: string): string | undefined {
  if (child.upn) return undefined
  if (isIsoDate(child.dateOfBirth) && child.dateOfBirth <= on && ageOn(child.dateOfBirth, on) < 6) return 'UN1'
  return undefined
}

function personFields(child: Sen2Child, on: string): PersonFields {
  return {
    Surname: child.surname,
    Forename: child.forename,
    PersonBirthDate: child.dateOfBirth,
    Sex: child.sex,
    UPN: child.upn ?? undefined,
    UPNunknown: upnUnknown(child, on),
  }
}

type Flags = { mediation: boolean; tribunal: boolean }

/** The mediation and tribunal flags for a request, from disputes linked to it (directly or by its plan). */
function disputeFlags(disputes: readonly Sen2DisputeRecord[]) {
  const of = (kinds: readonly string[]): Flags => ({
    mediation: disputes.some(d => d.kind === 'mediation' && kinds.includes(d.decisionKind)),
    tribunal: disputes.some(d => d.kind === 'tribunal' && kinds.includes(d.decisionKind)),
  })
  return {
    request: of(['not_to_assess']),
    assessment: of(['not_to_issue']),
    other: of(['plan_content', 'amended_plan', 'cease', 'other']),
  }
}

function requestFields(
  r: Sen2RequestRecord | null,
  plan: Sen2PlanRecord | null,
  flags: ReturnType<typeof disputeFlags>,
  year: number,
  on: string,
): RequestFields {
  const { from } = activityPeriod(year)
  if (!r) {
    // A plan with no request record (made before the system, or transferred in): a historical request.
    return { ReceivedDate: plan!.issuedOn, RYA: '0', RequestOutcome: 'H' }
  }
  const decisionOn = upTo(r.decisionOn, on)
  const base: RequestFields = {
    ReceivedDate: r.receivedOn,
    RequestSource: REQUEST_SOURCE_MAP[r.source] ?? r.source,
    RYA: '0',
  }
  if (decisionOn !== null && r.decision !== null) {
    if (decisionOn < from) return { ...base, RequestOutcome: 'H' }
    return {
      ...base,
      RequestOutcomeDate: decisionOn,
      RequestOutcome: r.decision === 'assess' ? 'Y' : 'N',
      RequestMediation: flag(flags.request.mediation),
      RequestTribunal: flag(flags.request.tribunal),
    }
  }
  if (upTo(r.withdrawnOn, on) !== null) return { ...base, RequestOutcome: 'W' }
  return { ...base, RequestOutcome: 'A' }
}

function assessmentFields(
  r: Sen2RequestRecord | null,
  flags: ReturnType<typeof disputeFlags>,
  year: number,
  on: string,
): AssessmentFields {
  const { from } = activityPeriod(year)
  if (!r) return { AssessmentOutcome: 'H' }
  const outcomeOn = upTo(r.outcomeOn, on)
  const disputed = {
    AssessmentMediation: flag(flags.assessment.mediation),
    AssessmentTribunal: flag(flags.assessment.tribunal),
    OtherMediation: flag(flags.other.mediation),
    OtherTribunal: flag(flags.other.tribunal),
    Week20: flag(r.hasException),
  }
  if (outcomeOn !== null && r.outcome !== null) {
    if (outcomeOn < from) return { AssessmentOutcome: 'H' }
    if (r.outcome === 'no_plan') return { AssessmentOutcome: 'N', AssessmentOutcomeDate: outcomeOn, ...disputed }
    // Y: the date is the date the final plan was issued, blank until it is (sen2.md 2.5, 3.2).
    const issued = upTo(r.finalIssuedOn, on)
    if (issued !== null && issued < from) return { AssessmentOutcome: 'H' }
    return { AssessmentOutcome: 'Y', AssessmentOutcomeDate: issued ?? undefined, ...disputed }
  }
  if (upTo(r.withdrawnOn, on) !== null) return { AssessmentOutcome: 'W' }
  return { AssessmentOutcome: 'A' }
}

function planDetail(plan: Sen2PlanRecord, placements: readonly Sen2PlacementRecord[], on: string): PlanDetailFields {
  const resourced = placements.some(
    p =>
      p.settingId === plan.namedSettingId &&
      p.startDate <= on &&
      (p.endDate === null || p.endDate >= on) &&
      p.resourcedProvision,
  )
  if (plan.namedSettingUrn !== null) {
    return {
      URN: plan.namedSettingUrn,
      PlacementRank: '1',
      SENunitIndicator: '0',
      ResourcedProvisionIndicator: flag(resourced),
    }
  }
  const text = plan.namedSettingType ?? ''
  const setting = senSettingFor(text)
  return {
    SENsetting: setting,
    SENSettingOther: setting === 'OTH' || setting === 'NIEO' ? text || undefined : undefined,
    PlacementRank: '1',
  }
}

function namedPlan(plan: Sen2PlanRecord, placements: readonly Sen2PlacementRecord[], on: string): Sen2NamedPlan {
  const ceasedOn = upTo(plan.ceasedOn, on)
  return {
    planId: plan.id,
    fields: {
      StartDate: plan.issuedOn,
      CeaseDate: ceasedOn ?? undefined,
      CeaseReason: ceasedOn !== null && plan.ceaseReason !== null ? String(plan.ceaseReason) : undefined,
    },
    details: [planDetail(plan, placements, on)],
  }
}

function activePlans(
  plan: Sen2PlanRecord,
  placements: readonly Sen2PlacementRecord[],
  year: number,
  on: string,
): Sen2ActivePlans {
  const { from } = activityPeriod(year)
  // The placements held while the plan was in force in the period up to the reference date.
  const windowFrom = plan.issuedOn > from ? plan.issuedOn : from
  const ceased = upTo(plan.ceasedOn, on)
  const windowTo = ceased ?? on
  const held = placements
    // A placement ending before it starts is kept, so that validation reports it (L-PD2).
    .filter(p => p.startDate <= windowTo && (p.endDate === null || p.endDate >= windowFrom || p.endDate < p.startDate))
    .sort((a, b) => a.rank - b.rank || compare(a.startDate, b.startDate) || compare(a.id, b.id))
  const review = plan.reviews
    .filter(r => r.meetingOn <= on)
    .sort((a, b) => compare(b.meetingOn, a.meetingOn) || compare(b.decisionOn ?? '', a.decisionOn ?? ''))[0]
  const decided = review && upTo(review.decisionOn, on) !== null && review.decision !== null
  return {
    planId: plan.id,
    fields: {
      ReviewMeeting: review?.meetingOn,
      ReviewOutcome: decided ? (REVIEW_OUTCOME_MAP[review.decision!] ?? review.decision!) : undefined,
      LastReview: decided ? review.decisionOn! : undefined,
    },
    placements: held.map(p => ({
      URN: p.urn,
      PlacementRank: String(p.rank),
      EntryDate: p.startDate,
      // Only when the placement ended before the reference date (sen2.md 2.7).
      LeavingDate: p.endDate !== null && p.endDate < on ? p.endDate : undefined,
      SENunitIndicator: '0',
      ResourcedProvisionIndicator: flag(p.resourcedProvision),
    })),
    needs: [...plan.needs]
      .sort((a, b) => a.rank - b.rank)
      .filter(n => n.rank <= 2)
      .map(n => ({ SENtype: n.code, SENtypeRank: String(n.rank) })),
  }
}

function header(options: Sen2Options): Sen2Header {
  return {
    Collection: 'SEN2',
    Year: String(collectionYearOf(options.referenceDate)),
    ReferenceDate: options.referenceDate,
    SourceLevel: 'L',
    LEA: options.laCode,
    SoftwareCode: options.softwareCode ?? 'OPENSEND',
    Release: options.release ?? '0.1.0',
    SerialNo: String(options.serialNo ?? 1),
    DateTime: options.generatedAt,
  }
}

/** Builds the return as at `options.referenceDate`. Never throws on well-typed records. */
export function buildSen2(input: Sen2Input, options: Sen2Options): Sen2Return {
  const on = options.referenceDate
  const year = collectionYearOf(on)
  const requestsById = byId(input.requests)
  const plans = input.plans
    .filter(p => planIncluded(p, year, on))
    .sort((a, b) => compare(a.issuedOn, b.issuedOn) || compare(a.id, b.id))
  // Which plan each request led to: the plan's own link first, then the request's.
  const planOfRequest = new Map<string, Sen2PlanRecord>()
  const orphanPlans: Sen2PlanRecord[] = []
  const requestOfPlan = new Map<string, string>()
  for (const r of input.requests)
    if (r.planId !== null && !requestOfPlan.has(r.planId)) requestOfPlan.set(r.planId, r.id)
  for (const plan of plans) {
    const requestId = plan.requestId ?? requestOfPlan.get(plan.id) ?? null
    const request = requestId !== null ? requestsById.get(requestId) : undefined
    const linked = request && request.childId === plan.childId && request.receivedOn <= on
    if (linked && !planOfRequest.has(request.id)) planOfRequest.set(request.id, plan)
    else orphanPlans.push(plan)
  }
  const requests = input.requests.filter(r => planOfRequest.has(r.id) || requestIncluded(r, year, on))
  const placementsOf = new Map<string, Sen2PlacementRecord[]>()
  for (const p of input.placements) {
    if (p.startDate > on) continue
    placementsOf.set(p.childId, [...(placementsOf.get(p.childId) ?? []), p])
  }
  // Disputes by the request or plan they are about: a mediation or appeal counts once it has begun.
  const disputesBy = new Map<string, Sen2DisputeRecord[]>()
  for (const d of input.disputes) {
    if (!(d.on <= on)) continue
    for (const key of [d.requestId && `r:${d.requestId}`, d.planId && `p:${d.planId}`])
      if (key) disputesBy.set(key, [...(disputesBy.get(key) ?? []), d])
  }
  const disputesOf = (request: Sen2RequestRecord | null, plan: Sen2PlanRecord | null) => [
    ...new Set([
      ...(request ? (disputesBy.get(`r:${request.id}`) ?? []) : []),
      ...(plan ? (disputesBy.get(`p:${plan.id}`) ?? []) : []),
    ]),
  ]

  const entries = new Map<string, { request: Sen2RequestRecord | null; plan: Sen2PlanRecord | null }[]>()
  const add = (childId: string, entry: { request: Sen2RequestRecord | null; plan: Sen2PlanRecord | null }) =>
    entries.set(childId, [...(entries.get(childId) ?? []), entry])
  for (const request of requests) add(request.childId, { request, plan: planOfRequest.get(request.id) ?? null })
  for (const plan of orphanPlans) add(plan.childId, { request: null, plan })

  const persons: Sen2Person[] = []
  for (const child of input.children) {
    const own = entries.get(child.id)
    if (!own) continue
    const placements = placementsOf.get(child.id) ?? []
    const built = own.map(({ request, plan }): Sen2Requests & { sortKey: string } => {
      const flags = disputeFlags(disputesOf(request, plan))
      const fields = requestFields(request, plan, flags, year, on)
      const assessed = fields.RequestOutcome === 'Y' || fields.RequestOutcome === 'H' || plan !== null
      const assessment: Sen2Assessment | null = assessed
        ? {
            fields: assessmentFields(request, flags, year, on),
            namedPlan: plan ? namedPlan(plan, placements, on) : null,
          }
        : null
      return {
        requestId: request?.id ?? null,
        fields,
        assessment,
        activePlans: plan ? activePlans(plan, placements, year, on) : null,
        sortKey: `${fields.ReceivedDate ?? ''}|${request?.id ?? plan?.id ?? ''}`,
      }
    })
    built.sort((a, b) => compare(a.sortKey, b.sortKey))
    persons.push({
      childId: child.id,
      localId: child.localId,
      fields: personFields(child, on),
      requests: built.map(({ sortKey: _, ...r }) => r),
    })
  }
  persons.sort((a, b) => compare(a.localId, b.localId) || compare(a.childId, b.childId))
  return { header: header(options), persons }
}

// ---------------------------------------------------------------------------------------------
// Counts

export type Sen2Counts = {
  persons: number
  requests: number
  assessments: number
  namedPlans: number
  planDetails: number
  activePlans: number
  placements: number
  needs: number
  /** Named plans in force on the reference date (no CeaseDate): the caseload the dashboards show. */
  plansInForce: number
  /** Plans in force by their rank-1 SENtype; 'none' when the plan records no need. */
  plansInForceByNeed: Record<string, number>
}

export function countSen2(ret: Sen2Return): Sen2Counts {
  const counts: Sen2Counts = {
    persons: ret.persons.length,
    requests: 0,
    assessments: 0,
    namedPlans: 0,
    planDetails: 0,
    activePlans: 0,
    placements: 0,
    needs: 0,
    plansInForce: 0,
    plansInForceByNeed: {},
  }
  for (const person of ret.persons) {
    for (const r of person.requests) {
      counts.requests++
      if (r.assessment) {
        counts.assessments++
        const plan = r.assessment.namedPlan
        if (plan) {
          counts.namedPlans++
          counts.planDetails += plan.details.length
          if (!plan.fields.CeaseDate) {
            counts.plansInForce++
            const need = r.activePlans?.needs.find(n => n.SENtypeRank === '1')?.SENtype ?? 'none'
            counts.plansInForceByNeed[need] = (counts.plansInForceByNeed[need] ?? 0) + 1
          }
        }
      }
      if (r.activePlans) {
        counts.activePlans++
        counts.placements += r.activePlans.placements.length
        counts.needs += r.activePlans.needs.length
      }
    }
  }
  return counts
}

// ---------------------------------------------------------------------------------------------
// XML

/** Text escaped for an XML element; characters XML 1.0 cannot carry are dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

function elements<F extends readonly string[]>(
  names: F,
  fields: Partial<Record<F[number], string>>,
  indent: string,
): string[] {
  const lines: string[] = []
  for (const name of names as readonly F[number][]) {
    const value = fields[name]
    if (value === undefined || value === '') continue
    lines.push(`${indent}<${name}>${escapeXml(value)}</${name}>`)
  }
  return lines
}

export function toXml(ret: Sen2Return): string {
  const h = ret.header
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Message>',
    '  <Header>',
    '    <CollectionDetails>',
    ...elements(['Collection', 'Year', 'ReferenceDate'] as const, h, '      '),
    '    </CollectionDetails>',
    '    <Source>',
    ...elements(['SourceLevel', 'LEA', 'SoftwareCode', 'Release', 'SerialNo', 'DateTime'] as const, h, '      '),
    '    </Source>',
    '  </Header>',
    '  <Persons>',
  ]
  for (const person of ret.persons) {
    lines.push('    <Person>', ...elements(PERSON_FIELDS, person.fields, '      '))
    for (const r of person.requests) {
      lines.push('      <Requests>', ...elements(REQUEST_FIELDS, r.fields, '        '))
      if (r.assessment) {
        lines.push('        <Assessment>', ...elements(ASSESSMENT_FIELDS, r.assessment.fields, '          '))
        const plan = r.assessment.namedPlan
        if (plan) {
          lines.push('          <NamedPlan>', ...elements(NAMED_PLAN_FIELDS, plan.fields, '            '))
          for (const d of plan.details)
            lines.push(
              '            <PlanDetail>',
              ...elements(PLAN_DETAIL_FIELDS, d, '              '),
              '            </PlanDetail>',
            )
          lines.push('          </NamedPlan>')
        }
        lines.push('        </Assessment>')
      }
      if (r.activePlans) {
        lines.push('        <ActivePlans>', ...elements(ACTIVE_PLAN_FIELDS, r.activePlans.fields, '          '))
        for (const p of r.activePlans.placements)
          lines.push(
            '          <PlacementDetail>',
            ...elements(PLACEMENT_FIELDS, p, '            '),
            '          </PlacementDetail>',
          )
        for (const n of r.activePlans.needs)
          lines.push('          <SENneed>', ...elements(NEED_FIELDS, n, '            '), '          </SENneed>')
        lines.push('        </ActivePlans>')
      }
      lines.push('      </Requests>')
    }
    lines.push('    </Person>')
  }
  lines.push('  </Persons>', '</Message>', '')
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------
// Module CSVs: one table per module, keyed by the child's local id (never a name beyond Module 1's
// own Surname and Forename elements) and the request's number within the person.

export const MODULES = ['1', '2', '3', '4a', '4b', '5a', '5b', '5c'] as const
export type Sen2Module = (typeof MODULES)[number]

export const MODULE_NAMES: Record<Sen2Module, string> = {
  '1': 'Person',
  '2': 'Requests',
  '3': 'Assessment',
  '4a': 'NamedPlan',
  '4b': 'PlanDetail',
  '5a': 'ActivePlans',
  '5b': 'PlacementDetail',
  '5c': 'SENneed',
}

export type ModuleTable = { header: string[]; rows: string[][] }

const KEY = ['LocalId', 'RequestNo'] as const
const row = <F extends readonly string[]>(names: F, fields: Partial<Record<F[number], string>>) =>
  (names as readonly F[number][]).map(n => fields[n] ?? '')

export function moduleTable(ret: Sen2Return, module: Sen2Module): ModuleTable {
  const rows: string[][] = []
  const forEachRequest = (fn: (key: string[], r: Sen2Requests) => void) => {
    for (const person of ret.persons) person.requests.forEach((r, i) => fn([person.localId, String(i + 1)], r))
  }
  switch (module) {
    case '1':
      for (const person of ret.persons) rows.push([person.localId, ...row(PERSON_FIELDS, person.fields)])
      return { header: ['LocalId', ...PERSON_FIELDS], rows }
    case '2':
      forEachRequest((key, r) => rows.push([...key, ...row(REQUEST_FIELDS, r.fields)]))
      return { header: [...KEY, ...REQUEST_FIELDS], rows }
    case '3':
      forEachRequest((key, r) => r.assessment && rows.push([...key, ...row(ASSESSMENT_FIELDS, r.assessment.fields)]))
      return { header: [...KEY, ...ASSESSMENT_FIELDS], rows }
    case '4a':
      forEachRequest(
        (key, r) =>
          r.assessment?.namedPlan && rows.push([...key, ...row(NAMED_PLAN_FIELDS, r.assessment.namedPlan.fields)]),
      )
      return { header: [...KEY, ...NAMED_PLAN_FIELDS], rows }
    case '4b':
      forEachRequest((key, r) =>
        r.assessment?.namedPlan?.details.forEach(d => rows.push([...key, ...row(PLAN_DETAIL_FIELDS, d)])),
      )
      return { header: [...KEY, ...PLAN_DETAIL_FIELDS], rows }
    case '5a':
      forEachRequest((key, r) => r.activePlans && rows.push([...key, ...row(ACTIVE_PLAN_FIELDS, r.activePlans.fields)]))
      return { header: [...KEY, ...ACTIVE_PLAN_FIELDS], rows }
    case '5b':
      forEachRequest((key, r) =>
        r.activePlans?.placements.forEach(p => rows.push([...key, ...row(PLACEMENT_FIELDS, p)])),
      )
      return { header: [...KEY, ...PLACEMENT_FIELDS], rows }
    case '5c':
      forEachRequest((key, r) => r.activePlans?.needs.forEach(n => rows.push([...key, ...row(NEED_FIELDS, n)])))
      return { header: [...KEY, ...NEED_FIELDS], rows }
  }
}

import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { CalendarStore } from './calendar-store.ts'
import { DisputeStore, type AppealRow, type ChildRef, type ComplaintRow, type MediationRow } from './dispute-store.ts'
import type {
  AppealOutcome,
  AppealReason,
  ComplaintOutcome,
  DecisionKind,
  FamilyChoice,
  MediationOutcome,
  OrderKind,
} from './dispute-tables.ts'
import { clockStatus, idSchema, optionalDate, requiredDate, versionSchema, type ClockStatus } from './plan-service.ts'
import { RULES, type Rule } from './rules/clocks.ts'
import {
  APPEAL_REASONS,
  appealDeadline,
  complaintResponseDue,
  complaintsByStageAndYear,
  COMPLAINT_RESPONSE_STANDARD,
  COMPLAINT_STAGE_NAMES,
  complianceSteps,
  complimentsByYear,
  dateOrderErrors,
  needsMediationFirst,
  recordedMediationClocks,
  tribunalsByReasonAndYear,
  yearsOf,
  type ComplaintStage,
} from './rules/disputes.ts'

// Disagreements with the LA's decisions (statutory.md R13–R16): mediation, appeals to the SEND
// Tribunal and the compliance after an order or a concession; and complaints and compliments. The
// statutory deadlines are computed on every read from the dates recorded; nothing stores them.

// Deny by default: a role not listed may not do the thing. Schools, the panel and finance have no
// need to read a child's disagreements with the LA.
const ALLOWED = {
  'disputes.read': ['la_admin', 'send_manager', 'case_officer'],
  'disputes.edit': ['send_manager', 'case_officer'],
} as const satisfies Record<string, readonly Role[]>
export type DisputePermission = keyof typeof ALLOWED
export const DISPUTE_READERS: readonly Role[] = ALLOWED['disputes.read']

export function mayDispute(actor: Actor, permission: DisputePermission): boolean {
  return (ALLOWED[permission] as readonly Role[]).includes(actor.role)
}

function authorise(actor: Actor, permission: DisputePermission): void {
  if (!mayDispute(actor, permission)) throw new ForbiddenError()
}

function requireId(id: string): string {
  if (!idSchema.safeParse(id).success) throw new NotFoundError()
  return id
}

const STALE = 'Someone else saved this record after you opened it'

export const DECISION_KIND_LABELS: Record<DecisionKind, string> = {
  not_to_assess: 'Not to carry out an EHC needs assessment',
  not_to_issue: 'Not to issue an EHC plan',
  plan_content: 'The content of a new EHC plan',
  amended_plan: 'The content of an amended EHC plan',
  cease: 'To cease the EHC plan',
  other: 'Another appealable decision',
}
export const FAMILY_CHOICE_LABELS: Record<FamilyChoice, string> = {
  mediation: 'Mediation',
  certificate_only: 'A certificate only (no mediation)',
}
export const MEDIATION_OUTCOME_LABELS: Record<MediationOutcome, string> = {
  agreed: 'Agreed',
  partly_agreed: 'Partly agreed',
  not_agreed: 'Not agreed',
  withdrawn: 'Withdrawn',
}
export const APPEAL_REASON_LABELS: Record<AppealReason, string> = {
  refusal_to_assess: 'Refusal to assess',
  refusal_to_issue: 'Refusal to issue a plan',
  section_b: 'Section B (special educational needs)',
  section_f: 'Section F (special educational provision)',
  section_i: 'Section I (the school or setting named)',
  cease: 'Decision to cease the plan',
  other: 'Other',
}
export const APPEAL_OUTCOME_LABELS: Record<AppealOutcome, string> = {
  upheld: 'Upheld (order made)',
  partly_upheld: 'Partly upheld',
  dismissed: 'Dismissed',
  withdrawn: 'Withdrawn by the family',
  conceded: 'Conceded by the LA',
}
export const ORDER_KIND_LABELS: Record<OrderKind, string> = {
  assess: 'Assess the child',
  make_plan: 'Make an EHC plan',
  amend: 'Amend the plan',
  section_i: 'Name a school or setting (Section I only)',
}
export const COMPLAINT_OUTCOME_LABELS: Record<ComplaintOutcome, string> = {
  upheld: 'Upheld',
  partly_upheld: 'Partly upheld',
  not_upheld: 'Not upheld',
  withdrawn: 'Withdrawn',
}
export { APPEAL_REASONS, COMPLAINT_STAGE_NAMES }

const DECISION_KINDS = Object.keys(DECISION_KIND_LABELS) as [DecisionKind, ...DecisionKind[]]
const ORDERING_OUTCOMES: readonly AppealOutcome[] = ['upheld', 'partly_upheld', 'conceded']

/** An optional choice among `values`: empty is null. */
const optionalChoice = <T extends string>(values: readonly T[], message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform(v => v || null)
    .refine(v => v === null || (values as readonly string[]).includes(v), message)
    .transform(v => v as T | null)

const optionalId = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform(v => v || null)
    .refine(v => v === null || idSchema.safeParse(v).success, message)

const reasonsField = z.preprocess(
  v => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z
    .array(z.enum(APPEAL_REASONS, { error: 'Choose the reasons for the appeal' }))
    .min(1, 'Choose at least one reason for the appeal'),
)

const mediationFields = {
  decisionKind: z.enum(DECISION_KINDS, { error: 'Choose the decision the family disagrees with' }),
  decisionOn: requiredDate('the date of the decision'),
  adviserContactedOn: requiredDate('the date the family contacted the mediation adviser'),
  familyChoice: optionalChoice(['mediation', 'certificate_only'], 'Choose what the family chose'),
  certificateIssuedOn: optionalDate('the date the certificate was issued'),
  mediationHeldOn: optionalDate('the date of the mediation'),
  outcome: optionalChoice(['agreed', 'partly_agreed', 'not_agreed', 'withdrawn'], 'Choose the outcome'),
  planId: optionalId('Choose one of the child’s plans'),
  requestId: optionalId('Choose one of the child’s requests'),
}
export const mediationCreateSchema = z.object(mediationFields)
export const mediationSaveSchema = z.object({ version: versionSchema, ...mediationFields })

export const appealCreateSchema = z.object({
  mediationId: optionalId('Choose one of the child’s mediation cases'),
  decisionKind: optionalChoice(DECISION_KINDS, 'Choose the decision appealed against'),
  decisionOn: optionalDate('the date of the decision'),
  registeredOn: requiredDate('the date the appeal was registered'),
  reasons: reasonsField,
  hearingOn: optionalDate('the hearing date'),
  planId: optionalId('Choose one of the child’s plans'),
  requestId: optionalId('Choose one of the child’s requests'),
})

export const appealSaveSchema = z.object({
  version: versionSchema,
  reasons: reasonsField,
  hearingOn: optionalDate('the hearing date'),
  outcome: optionalChoice(Object.keys(APPEAL_OUTCOME_LABELS) as AppealOutcome[], 'Choose the outcome'),
  outcomeOn: optionalDate('the date of the decision or concession'),
  orderKind: optionalChoice(Object.keys(ORDER_KIND_LABELS) as OrderKind[], 'Choose what the LA must do'),
  complianceDoneOn: optionalDate('the date the LA complied'),
})

const subject = z
  .string({ error: 'Enter what the complaint is about' })
  .trim()
  .min(1, 'Enter what the complaint is about')
  .max(2000, 'Enter at most 2,000 characters')

export const complaintSchema = z.object({
  receivedOn: requiredDate('the date the complaint was received'),
  stage: z
    .string()
    .trim()
    .optional()
    .transform(v => v || '1')
    .refine(v => ['1', '2', '3'].includes(v), 'Choose the stage')
    .transform(v => Number(v) as ComplaintStage),
  subject,
  childLocalId: z
    .string()
    .trim()
    .max(40, 'Enter a child ID of at most 40 characters')
    .optional()
    .transform(v => v || null),
  responseDueOn: optionalDate('the date the Ombudsman asked for a response by'),
})

export const respondSchema = z.object({
  version: versionSchema,
  respondedOn: requiredDate('the date of the response'),
  outcome: z.enum(Object.keys(COMPLAINT_OUTCOME_LABELS) as [ComplaintOutcome, ...ComplaintOutcome[]], {
    error: 'Choose the outcome',
  }),
})

export const escalateSchema = z.object({
  version: versionSchema,
  escalatedOn: requiredDate('the date the escalation was received'),
  responseDueOn: optionalDate('the date the Ombudsman asked for a response by'),
})

export const complimentSchema = z.object({
  complimentReceivedOn: requiredDate('the date the compliment was received'),
  about: z
    .string({ error: 'Enter what the compliment is about' })
    .trim()
    .min(1, 'Enter what the compliment is about')
    .max(2000, 'Enter at most 2,000 characters'),
  team: z
    .string()
    .trim()
    .max(200, 'Enter a team of at most 200 characters')
    .optional()
    .transform(v => v || null),
})

export type DisputeLine = {
  rule: Rule | null
  law: string | null
  what: string
  deadline: string
  doneOn: string | null
  status: ClockStatus
}

function line(rule: Rule | null, what: string, deadline: string, doneOn: string | null, today: string): DisputeLine {
  const done = doneOn && doneOn <= today ? doneOn : null
  return {
    rule,
    law: rule ? RULES[rule].law : null,
    what,
    deadline,
    doneOn: done,
    status: clockStatus(deadline, done, today),
  }
}

function notFuture(errors: FieldError[], today: string, fields: [string, string | null, string][]) {
  for (const [field, value, what] of fields) {
    if (value && value > today && !errors.some(e => e.field === field))
      errors.push({ field, message: `${what} cannot be in the future` })
  }
}

const childName = (c: ChildRef | undefined) => (c ? `${c.first_name} ${c.last_name}` : '')

/** R13 and R14 for a mediation case, as lines: what the family and the adviser must do, and by when. */
export function mediationLines(
  m: MediationRow,
  calendar: Parameters<typeof recordedMediationClocks>[0],
  today: string,
  appealRegisteredOn: string | null,
): DisputeLine[] {
  const clocks = recordedMediationClocks(calendar, {
    decisionOn: m.decision_on,
    adviserContactedOn: m.adviser_contacted_on,
    familyChoice: m.family_choice,
    mediationHeldOn: m.mediation_held_on,
  })
  const lines = [
    line(
      'R13',
      'Family contacts a mediation adviser (2 months)',
      clocks.mediationAdviceBy,
      m.adviser_contacted_on,
      today,
    ),
  ]
  if (clocks.mediationHeldBy)
    lines.push(line('R13', 'Mediation held (30 days)', clocks.mediationHeldBy, m.mediation_held_on, today))
  if (clocks.certificateBy)
    lines.push(line('R13', 'Certificate issued (3 working days)', clocks.certificateBy, m.certificate_issued_on, today))
  if (m.outcome !== 'withdrawn') {
    const { appealBy } = appealDeadline(m.decision_on, m.certificate_issued_on)
    lines.push(line('R14', 'Last day to appeal to the Tribunal', appealBy, appealRegisteredOn, today))
  }
  return lines
}

/** R14 (as registered) and, after an order or a concession, the R15/R16 steps. */
export function appealLines(a: AppealRow, certificateIssuedOn: string | null, today: string) {
  const deadline = appealDeadline(a.decision_on, certificateIssuedOn)
  const registered = line('R14', 'Appeal registered with the Tribunal', deadline.appealBy, a.registered_on, today)
  const compliance: DisputeLine[] = []
  const from = a.outcome === 'conceded' ? a.conceded_on : a.outcome_on
  if (a.order_kind && from) {
    const rule: Rule = a.outcome === 'conceded' ? 'R16' : 'R15'
    const steps = complianceSteps(a.order_kind, from)
    steps.forEach((step, i) => {
      const last = i === steps.length - 1
      // Only the whole compliance is recorded: earlier steps are shown as complied with once it is.
      const l = line(rule, step.what, step.deadline, last ? a.compliance_done_on : null, today)
      if (!last && a.compliance_done_on) l.status = { state: 'done', text: 'Complied', classes: 'govuk-tag--grey' }
      compliance.push(l)
    })
  }
  return {
    appealBy: deadline,
    registered,
    compliance,
    complianceFrom: from,
    complianceRule: compliance[0]?.rule ?? null,
  }
}

function complaintStatus(c: ComplaintRow, today: string, escalatedTo: ComplaintRow | undefined): ClockStatus {
  const s = clockStatus(c.response_due_on, c.responded_on, today)
  const escalated = escalatedTo ? `; escalated to ${COMPLAINT_STAGE_NAMES[escalatedTo.stage as ComplaintStage]}` : ''
  if (s.state === 'done') return { ...s, text: `Responded on time${escalated}` }
  if (s.state === 'late') return { ...s, text: `${s.text.replace(/^Done/, 'Responded')}${escalated}` }
  return s
}

export type DisputeRow = {
  kind: 'Mediation' | 'Appeal'
  href: string
  child: { id: string; name: string }
  decision: string
  next: { what: string; deadline: string; status: ClockStatus } | null
}

export class DisputeService {
  private readonly store: DisputeStore
  private readonly calendars: CalendarStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new DisputeStore(db, laCode)
    this.calendars = new CalendarStore(db)
  }

  /** The section for the child record, or null when the actor may not see it (the page refuses itself). */
  async forChildRecord(actor: Actor, childId: string) {
    if (!mayDispute(actor, 'disputes.read') || !idSchema.safeParse(childId).success) return null
    if (!(await this.store.child(childId))) return null
    const today = this.clock.today()
    const calendar = await this.calendars.calendar()
    const mediations = await this.store.childMediations(childId)
    const appeals = await this.store.childAppeals(childId)
    await audit(this.db, this.laCode, actor, {
      action: 'disputes.child.read',
      recordType: 'child',
      recordId: childId,
      details: { mediations: mediations.length, appeals: appeals.length },
    })
    return {
      mediations: mediations.map(m => ({
        id: m.id,
        decision: DECISION_KIND_LABELS[m.decision_kind],
        decisionOn: m.decision_on,
        next: nextOf(
          mediationLines(m, calendar, today, appeals.find(a => a.mediation_id === m.id)?.registered_on ?? null),
        ),
      })),
      appeals: appeals.map(a => {
        const cert = mediations.find(m => m.id === a.mediation_id)?.certificate_issued_on ?? null
        return {
          id: a.id,
          registeredOn: a.registered_on,
          reasons: a.appeal_reasons.map(r => APPEAL_REASON_LABELS[r]),
          outcome: a.outcome ? APPEAL_OUTCOME_LABELS[a.outcome] : null,
          next: appealNext(a, cert, today),
        }
      }),
      mayEdit: mayDispute(actor, 'disputes.edit'),
    }
  }

  // Mediation

  async newMediationForm(actor: Actor, childId: string) {
    authorise(actor, 'disputes.edit')
    const child = await this.loadChild(childId)
    return { child: { id: child.id, name: childName(child) }, links: await this.store.childLinks(child.id) }
  }

  async createMediation(actor: Actor, childId: string, input: unknown): Promise<{ id: string }> {
    authorise(actor, 'disputes.edit')
    const child = await this.loadChild(childId)
    const parsed = parseOrThrow(mediationCreateSchema, input)
    const change = await this.checkMediation(child.id, parsed)
    return this.db.transaction().execute(async trx => {
      const id = await this.store.withDb(trx).insertMediation({
        ...change,
        child_id: child.id,
        created_by: actor.userId,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, {
        action: 'mediation.create',
        recordType: 'mediation_case',
        recordId: id,
        details: { childId: child.id, decisionKind: change.decision_kind },
      })
      return { id }
    })
  }

  async getMediation(actor: Actor, mediationId: string) {
    authorise(actor, 'disputes.read')
    const m = await this.store.findMediation(requireId(mediationId))
    if (!m) throw new NotFoundError()
    await audit(this.db, this.laCode, actor, { action: 'mediation.read', recordType: 'mediation_case', recordId: m.id })
    const today = this.clock.today()
    const child = await this.store.child(m.child_id)
    const appeals = (await this.store.childAppeals(m.child_id)).filter(a => a.mediation_id === m.id)
    return {
      mediation: m,
      child: { id: m.child_id, name: childName(child) },
      lines: mediationLines(m, await this.calendars.calendar(), today, appeals[0]?.registered_on ?? null),
      appeals: appeals.map(a => ({ id: a.id, registeredOn: a.registered_on })),
      links: await this.store.childLinks(m.child_id),
      mayEdit: mayDispute(actor, 'disputes.edit'),
      today,
    }
  }

  async saveMediation(actor: Actor, mediationId: string, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'disputes.edit')
    const m = await this.store.findMediation(requireId(mediationId))
    if (!m) throw new NotFoundError()
    const parsed = parseOrThrow(mediationSaveSchema, input)
    const change = await this.checkMediation(m.child_id, parsed)
    if (m.version !== parsed.version) throw new ConflictError(STALE)
    return this.db.transaction().execute(async trx => {
      const version = await this.store.withDb(trx).updateMediation(m.id, parsed.version, change, this.clock.now())
      if (version === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'mediation.save',
        recordType: 'mediation_case',
        recordId: m.id,
        details: { version, changed: changedFields(m, change) },
      })
      return { version }
    })
  }

  private async checkMediation(childId: string, p: z.infer<typeof mediationCreateSchema>) {
    const errors: FieldError[] = []
    const today = this.clock.today()
    errors.push(
      ...dateOrderErrors([
        [
          { field: 'decisionOn', value: p.decisionOn, label: 'The date of the decision' },
          { field: 'adviserContactedOn', value: p.adviserContactedOn, label: 'The date the adviser was contacted' },
        ],
        [
          { field: 'adviserContactedOn', value: p.adviserContactedOn, label: 'The date the adviser was contacted' },
          { field: 'mediationHeldOn', value: p.mediationHeldOn, label: 'The date of the mediation' },
        ],
        [
          { field: 'mediationHeldOn', value: p.mediationHeldOn, label: 'The date of the mediation' },
          { field: 'certificateIssuedOn', value: p.certificateIssuedOn, label: 'The date the certificate was issued' },
        ],
        [
          { field: 'adviserContactedOn', value: p.adviserContactedOn, label: 'The date the adviser was contacted' },
          { field: 'certificateIssuedOn', value: p.certificateIssuedOn, label: 'The date the certificate was issued' },
        ],
      ]),
    )
    notFuture(errors, today, [
      ['decisionOn', p.decisionOn, 'The date of the decision'],
      ['adviserContactedOn', p.adviserContactedOn, 'The date the adviser was contacted'],
      ['certificateIssuedOn', p.certificateIssuedOn, 'The date the certificate was issued'],
      ['mediationHeldOn', p.mediationHeldOn, 'The date of the mediation'],
    ])
    if ((p.certificateIssuedOn || p.mediationHeldOn) && !p.familyChoice)
      errors.push({ field: 'familyChoice', message: 'Choose whether the family chose mediation or a certificate only' })
    if (p.mediationHeldOn && p.familyChoice === 'certificate_only')
      errors.push({ field: 'mediationHeldOn', message: 'A mediation was held only if the family chose mediation' })
    if (p.outcome && p.outcome !== 'withdrawn' && !p.mediationHeldOn)
      errors.push({ field: 'outcome', message: 'Enter the date of the mediation before its outcome' })
    await this.checkLinks(childId, p.planId, p.requestId, errors)
    if (errors.length) throw new ValidationError(errors)
    return {
      plan_id: p.planId,
      request_id: p.requestId,
      decision_kind: p.decisionKind,
      decision_on: p.decisionOn,
      adviser_contacted_on: p.adviserContactedOn,
      family_choice: p.familyChoice,
      certificate_issued_on: p.certificateIssuedOn,
      mediation_held_on: p.mediationHeldOn,
      outcome: p.outcome,
    }
  }

  private async checkLinks(childId: string, planId: string | null, requestId: string | null, errors: FieldError[]) {
    if (!planId && !requestId) return
    const links = await this.store.childLinks(childId)
    if (planId && !links.plans.some(p => p.id === planId))
      errors.push({ field: 'planId', message: 'Choose one of the child’s plans' })
    if (requestId && !links.requests.some(r => r.id === requestId))
      errors.push({ field: 'requestId', message: 'Choose one of the child’s requests' })
  }

  // Appeals

  async newAppealForm(actor: Actor, childId: string) {
    authorise(actor, 'disputes.edit')
    const child = await this.loadChild(childId)
    return {
      child: { id: child.id, name: childName(child) },
      links: await this.store.childLinks(child.id),
      mediations: (await this.store.childMediations(child.id)).map(m => ({
        id: m.id,
        text: `${DECISION_KIND_LABELS[m.decision_kind]}, decided ${m.decision_on}${m.certificate_issued_on ? `; certificate ${m.certificate_issued_on}` : '; no certificate yet'}`,
      })),
    }
  }

  async createAppeal(actor: Actor, childId: string, input: unknown): Promise<{ id: string }> {
    authorise(actor, 'disputes.edit')
    const child = await this.loadChild(childId)
    const p = parseOrThrow(appealCreateSchema, input)
    const errors: FieldError[] = []
    const mediation = p.mediationId ? await this.store.findMediation(p.mediationId) : undefined
    if (p.mediationId && mediation?.child_id !== child.id)
      errors.push({ field: 'mediationId', message: 'Choose one of the child’s mediation cases' })
    // The decision appealed is the one mediated, when there was mediation.
    const decisionKind = mediation?.decision_kind ?? p.decisionKind
    const decisionOn = mediation?.decision_on ?? p.decisionOn
    if (!decisionKind) errors.push({ field: 'decisionKind', message: 'Choose the decision appealed against' })
    if (!decisionOn) errors.push({ field: 'decisionOn', message: 'Enter the date of the decision' })
    if (needsMediationFirst(p.reasons)) {
      if (!mediation && !p.mediationId)
        errors.push({
          field: 'mediationId',
          message:
            'An appeal about more than Section I needs a mediation certificate: record the mediation case first and choose it',
        })
      else if (mediation && !mediation.certificate_issued_on)
        errors.push({ field: 'mediationId', message: 'Record the date the mediation certificate was issued first' })
    }
    errors.push(
      ...dateOrderErrors([
        [
          { field: 'decisionOn', value: decisionOn, label: 'The date of the decision' },
          { field: 'registeredOn', value: p.registeredOn, label: 'The date the appeal was registered' },
        ],
        [
          { field: 'registeredOn', value: p.registeredOn, label: 'The date the appeal was registered' },
          { field: 'hearingOn', value: p.hearingOn, label: 'The hearing date' },
        ],
      ]),
    )
    notFuture(errors, this.clock.today(), [
      ['decisionOn', decisionOn, 'The date of the decision'],
      ['registeredOn', p.registeredOn, 'The date the appeal was registered'],
    ])
    await this.checkLinks(child.id, p.planId, p.requestId, errors)
    if (errors.length) throw new ValidationError(errors)
    return this.db.transaction().execute(async trx => {
      const id = await this.store.withDb(trx).insertAppeal({
        child_id: child.id,
        plan_id: p.planId ?? mediation?.plan_id ?? null,
        request_id: p.requestId ?? mediation?.request_id ?? null,
        mediation_id: mediation?.id ?? null,
        decision_kind: decisionKind!,
        decision_on: decisionOn!,
        registered_on: p.registeredOn,
        appeal_reasons: p.reasons,
        hearing_on: p.hearingOn,
        outcome: null,
        outcome_on: null,
        order_kind: null,
        conceded_on: null,
        compliance_done_on: null,
        created_by: actor.userId,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, {
        action: 'appeal.create',
        recordType: 'tribunal_appeal',
        recordId: id,
        details: { childId: child.id, reasons: p.reasons, mediationId: mediation?.id ?? null },
      })
      return { id }
    })
  }

  async getAppeal(actor: Actor, appealId: string) {
    authorise(actor, 'disputes.read')
    const a = await this.store.findAppeal(requireId(appealId))
    if (!a) throw new NotFoundError()
    await audit(this.db, this.laCode, actor, { action: 'appeal.read', recordType: 'tribunal_appeal', recordId: a.id })
    const today = this.clock.today()
    const mediation = a.mediation_id ? await this.store.findMediation(a.mediation_id) : undefined
    const child = await this.store.child(a.child_id)
    return {
      appeal: a,
      child: { id: a.child_id, name: childName(child) },
      mediation: mediation ?? null,
      needsMediation: needsMediationFirst(a.appeal_reasons),
      clocks: appealLines(a, mediation?.certificate_issued_on ?? null, today),
      mayEdit: mayDispute(actor, 'disputes.edit'),
      today,
    }
  }

  async saveAppeal(actor: Actor, appealId: string, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'disputes.edit')
    const a = await this.store.findAppeal(requireId(appealId))
    if (!a) throw new NotFoundError()
    const p = parseOrThrow(appealSaveSchema, input)
    const errors: FieldError[] = []
    if (p.outcome && !p.outcomeOn)
      errors.push({ field: 'outcomeOn', message: 'Enter the date of the decision or concession' })
    if (p.outcomeOn && !p.outcome) errors.push({ field: 'outcome', message: 'Choose the outcome' })
    if (p.outcome && ['upheld', 'conceded'].includes(p.outcome) && !p.orderKind)
      errors.push({ field: 'orderKind', message: 'Choose what the order or concession requires the LA to do' })
    if (p.orderKind && !(p.outcome && ORDERING_OUTCOMES.includes(p.outcome)))
      errors.push({ field: 'orderKind', message: 'Only an appeal upheld or conceded requires the LA to act' })
    if (p.complianceDoneOn && !p.orderKind)
      errors.push({
        field: 'complianceDoneOn',
        message: 'Choose what the LA had to do before recording that it did it',
      })
    // Only a change of reasons is checked: an appeal recorded before this system may lack its mediation case.
    if (needsMediationFirst(p.reasons) && !a.mediation_id && !needsMediationFirst(a.appeal_reasons))
      errors.push({
        field: 'reasons',
        message: 'This appeal has no mediation certificate: it can be about Section I only',
      })
    errors.push(
      ...dateOrderErrors([
        [
          { field: 'registeredOn', value: a.registered_on, label: 'The date the appeal was registered' },
          { field: 'hearingOn', value: p.hearingOn, label: 'The hearing date' },
        ],
        [
          { field: 'registeredOn', value: a.registered_on, label: 'The date the appeal was registered' },
          { field: 'outcomeOn', value: p.outcomeOn, label: 'The date of the decision or concession' },
        ],
        [
          { field: 'outcomeOn', value: p.outcomeOn, label: 'The date of the decision or concession' },
          { field: 'complianceDoneOn', value: p.complianceDoneOn, label: 'The date the LA complied' },
        ],
      ]),
    )
    notFuture(errors, this.clock.today(), [
      ['outcomeOn', p.outcomeOn, 'The date of the decision or concession'],
      ['complianceDoneOn', p.complianceDoneOn, 'The date the LA complied'],
    ])
    if (errors.length) throw new ValidationError(errors)
    if (a.version !== p.version) throw new ConflictError(STALE)
    const change = {
      plan_id: a.plan_id,
      request_id: a.request_id,
      mediation_id: a.mediation_id,
      decision_kind: a.decision_kind,
      decision_on: a.decision_on,
      registered_on: a.registered_on,
      appeal_reasons: p.reasons,
      hearing_on: p.hearingOn,
      outcome: p.outcome,
      outcome_on: p.outcomeOn,
      order_kind: p.orderKind,
      conceded_on: p.outcome === 'conceded' ? p.outcomeOn : null,
      compliance_done_on: p.complianceDoneOn,
    }
    return this.db.transaction().execute(async trx => {
      const version = await this.store.withDb(trx).updateAppeal(a.id, p.version, change, this.clock.now())
      if (version === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'appeal.save',
        recordType: 'tribunal_appeal',
        recordId: a.id,
        details: { version, changed: changedFields(a, change), outcome: p.outcome, orderKind: p.orderKind },
      })
      return { version }
    })
  }

  /** Open mediation cases and appeals, each with its next deadline (soonest first); tribunals by reason and year. */
  async listOpen(actor: Actor) {
    authorise(actor, 'disputes.read')
    const today = this.clock.today()
    const calendar = await this.calendars.calendar()
    const mediations = await this.store.openMediations()
    const appeals = await this.store.openAppeals()
    const children = await this.store.children([...mediations, ...appeals].map(r => r.child_id))
    const childOf = (id: string) => ({ id, name: childName(children.find(c => c.id === id)) })
    const certificates = new Map<string, string | null>()
    for (const a of appeals) {
      if (a.mediation_id && !certificates.has(a.mediation_id))
        certificates.set(
          a.mediation_id,
          (await this.store.findMediation(a.mediation_id))?.certificate_issued_on ?? null,
        )
    }
    const rows: DisputeRow[] = [
      ...mediations.map(m => ({
        kind: 'Mediation' as const,
        href: `/casework/mediation/${m.id}`,
        child: childOf(m.child_id),
        decision: DECISION_KIND_LABELS[m.decision_kind],
        next: nextOf(mediationLines(m, calendar, today, null)),
      })),
      ...appeals.map(a => ({
        kind: 'Appeal' as const,
        href: `/casework/appeals/${a.id}`,
        child: childOf(a.child_id),
        decision: a.appeal_reasons.map(r => APPEAL_REASON_LABELS[r]).join(', '),
        next: appealNext(a, a.mediation_id ? (certificates.get(a.mediation_id) ?? null) : null, today),
      })),
    ].sort((x, y) => (x.next?.deadline ?? '9999').localeCompare(y.next?.deadline ?? '9999'))
    const years = await this.store.appealYears()
    const tribunals = tribunalsByReasonAndYear(
      years.map(r => ({ registered_on: r.registered_on, reasons: r.appeal_reasons })),
    )
    const tribunalYears = yearsOf(years.map(r => r.registered_on))
    await audit(this.db, this.laCode, actor, {
      action: 'disputes.list',
      details: { mediations: mediations.length, appeals: appeals.length },
    })
    return {
      rows,
      tribunalTable: {
        years: tribunalYears,
        rows: APPEAL_REASONS.map(reason => ({
          reason: APPEAL_REASON_LABELS[reason],
          counts: tribunalYears.map(y => tribunals.byReason.get(reason)?.get(y) ?? 0),
        })),
        totals: tribunalYears.map(y => tribunals.appeals.get(y) ?? 0),
      },
      today,
    }
  }

  // Complaints and compliments

  async listComplaints(actor: Actor) {
    authorise(actor, 'disputes.read')
    const today = this.clock.today()
    const complaints = await this.store.complaints()
    const compliments = await this.store.compliments()
    const children = await this.store.children(complaints.flatMap(c => (c.child_id ? [c.child_id] : [])))
    await audit(this.db, this.laCode, actor, {
      action: 'complaints.list',
      details: { complaints: complaints.length, compliments: compliments.length },
    })
    const byStage = complaintsByStageAndYear(complaints)
    const byYear = complimentsByYear(compliments)
    const years = yearsOf([...complaints.map(c => c.received_on), ...compliments.map(c => c.received_on)])
    return {
      complaints: complaints.map(c => ({
        ...c,
        stageName: COMPLAINT_STAGE_NAMES[c.stage as ComplaintStage],
        childName: c.child_id ? childName(children.find(ch => ch.id === c.child_id)) : null,
        status: complaintStatus(
          c,
          today,
          complaints.find(e => e.escalated_from === c.id),
        ),
      })),
      compliments,
      yearTable: {
        years,
        rows: [
          ...([1, 2, 3] as ComplaintStage[]).map(stage => ({
            what: `Complaints: ${COMPLAINT_STAGE_NAMES[stage]}`,
            counts: years.map(y => byStage.get(stage)?.get(y) ?? 0),
          })),
          { what: 'Compliments', counts: years.map(y => byYear.get(y) ?? 0) },
        ],
      },
      standards: COMPLAINT_RESPONSE_STANDARD,
      mayEdit: mayDispute(actor, 'disputes.edit'),
      today,
    }
  }

  async logComplaint(actor: Actor, input: unknown): Promise<{ id: string }> {
    authorise(actor, 'disputes.edit')
    const p = parseOrThrow(complaintSchema, input)
    const errors: FieldError[] = []
    const child = p.childLocalId ? await this.store.childByLocalId(p.childLocalId) : undefined
    if (p.childLocalId && !child)
      errors.push({ field: 'childLocalId', message: 'No child has that child ID: check it, or leave it empty' })
    notFuture(errors, this.clock.today(), [['receivedOn', p.receivedOn, 'The date the complaint was received']])
    const due = await this.responseDue(p.stage, p.receivedOn, p.responseDueOn, errors)
    if (errors.length) throw new ValidationError(errors)
    return this.db.transaction().execute(async trx => {
      const id = await this.store.withDb(trx).insertComplaint({
        child_id: child?.id ?? null,
        escalated_from: null,
        received_on: p.receivedOn,
        stage: p.stage,
        subject: p.subject,
        response_due_on: due!,
        created_by: actor.userId,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, {
        action: 'complaint.create',
        recordType: 'complaint',
        recordId: id,
        details: { stage: p.stage, childId: child?.id ?? null },
      })
      return { id }
    })
  }

  /** The response due date for a stage, or a field error when the Ombudsman's date is missing or too early. */
  private async responseDue(
    stage: ComplaintStage,
    receivedOn: string,
    entered: string | null,
    errors: FieldError[],
  ): Promise<string | null> {
    if (COMPLAINT_RESPONSE_STANDARD[stage] === null) {
      if (!entered) {
        errors.push({ field: 'responseDueOn', message: 'Enter the date the Ombudsman asked for a response by' })
        return null
      }
      if (entered < receivedOn) {
        errors.push({ field: 'responseDueOn', message: 'The response due date must be on or after the date received' })
        return null
      }
    }
    return complaintResponseDue(await this.calendars.calendar(), stage, receivedOn, entered)
  }

  async getComplaint(actor: Actor, complaintId: string) {
    authorise(actor, 'disputes.read')
    const c = await this.store.findComplaint(requireId(complaintId))
    if (!c) throw new NotFoundError()
    await audit(this.db, this.laCode, actor, { action: 'complaint.read', recordType: 'complaint', recordId: c.id })
    const today = this.clock.today()
    const escalation = await this.store.escalationOf(c.id)
    const child = c.child_id ? await this.store.child(c.child_id) : undefined
    const nextStage = c.stage < 3 ? ((c.stage + 1) as ComplaintStage) : null
    return {
      complaint: { ...c, stageName: COMPLAINT_STAGE_NAMES[c.stage as ComplaintStage] },
      child: child ? { id: child.id, name: childName(child) } : null,
      status: complaintStatus(c, today, escalation),
      escalation: escalation ?? null,
      escalatedFrom: c.escalated_from,
      nextStage:
        nextStage && !escalation && c.responded_on
          ? {
              stage: nextStage,
              name: COMPLAINT_STAGE_NAMES[nextStage],
              enterDue: COMPLAINT_RESPONSE_STANDARD[nextStage] === null,
            }
          : null,
      mayEdit: mayDispute(actor, 'disputes.edit'),
      today,
    }
  }

  async respondComplaint(actor: Actor, complaintId: string, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'disputes.edit')
    const c = await this.store.findComplaint(requireId(complaintId))
    if (!c) throw new NotFoundError()
    const p = parseOrThrow(respondSchema, input)
    const errors: FieldError[] = dateOrderErrors([
      [
        { field: 'receivedOn', value: c.received_on, label: 'The date the complaint was received' },
        { field: 'respondedOn', value: p.respondedOn, label: 'The date of the response' },
      ],
    ])
    notFuture(errors, this.clock.today(), [['respondedOn', p.respondedOn, 'The date of the response']])
    if (errors.length) throw new ValidationError(errors)
    if (c.version !== p.version) throw new ConflictError(STALE)
    return this.db.transaction().execute(async trx => {
      const version = await this.store
        .withDb(trx)
        .respondComplaint(c.id, p.version, { responded_on: p.respondedOn, outcome: p.outcome }, this.clock.now())
      if (version === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'complaint.respond',
        recordType: 'complaint',
        recordId: c.id,
        details: { version, outcome: p.outcome, onTime: p.respondedOn <= c.response_due_on },
      })
      return { version }
    })
  }

  /** Escalates a responded complaint to the next stage: a new complaint with its own response due date. */
  async escalateComplaint(actor: Actor, complaintId: string, input: unknown): Promise<{ id: string }> {
    authorise(actor, 'disputes.edit')
    const c = await this.store.findComplaint(requireId(complaintId))
    if (!c) throw new NotFoundError()
    const p = parseOrThrow(escalateSchema, input)
    const errors: FieldError[] = []
    if (c.stage >= 3) errors.push({ field: 'escalatedOn', message: 'The Ombudsman is the last stage' })
    else if (!c.responded_on)
      errors.push({ field: 'escalatedOn', message: 'Record the response at this stage before escalating it' })
    errors.push(
      ...dateOrderErrors([
        [
          { field: 'respondedOn', value: c.responded_on, label: 'The date of the response' },
          { field: 'escalatedOn', value: p.escalatedOn, label: 'The date the escalation was received' },
        ],
      ]),
    )
    notFuture(errors, this.clock.today(), [['escalatedOn', p.escalatedOn, 'The date the escalation was received']])
    const stage = Math.min(c.stage + 1, 3) as ComplaintStage
    const due = errors.length ? null : await this.responseDue(stage, p.escalatedOn, p.responseDueOn, errors)
    if (errors.length) throw new ValidationError(errors)
    if (c.version !== p.version) throw new ConflictError(STALE)
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      const now = this.clock.now()
      // The version check on the complaint escalated refuses a second escalation sent from a stale page.
      if ((await store.touchComplaint(c.id, p.version, now)) === null) throw new ConflictError(STALE)
      const id = await store.insertComplaint({
        child_id: c.child_id,
        escalated_from: c.id,
        received_on: p.escalatedOn,
        stage,
        subject: c.subject,
        response_due_on: due!,
        created_by: actor.userId,
        now,
      })
      await audit(trx, this.laCode, actor, {
        action: 'complaint.escalate',
        recordType: 'complaint',
        recordId: id,
        details: { from: c.id, stage },
      })
      return { id }
    })
  }

  async logCompliment(actor: Actor, input: unknown): Promise<{ id: string }> {
    authorise(actor, 'disputes.edit')
    const p = parseOrThrow(complimentSchema, input)
    const errors: FieldError[] = []
    notFuture(errors, this.clock.today(), [
      ['complimentReceivedOn', p.complimentReceivedOn, 'The date the compliment was received'],
    ])
    if (errors.length) throw new ValidationError(errors)
    return this.db.transaction().execute(async trx => {
      const id = await this.store.withDb(trx).insertCompliment({
        received_on: p.complimentReceivedOn,
        about: p.about,
        team: p.team,
        created_by: actor.userId,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, { action: 'compliment.create', recordType: 'compliment', recordId: id })
      return { id }
    })
  }

  private async loadChild(childId: string): Promise<ChildRef> {
    const child = await this.store.child(requireId(childId))
    if (!child) throw new NotFoundError()
    return child
  }
}

function nextOf(lines: DisputeLine[]): DisputeRow['next'] {
  const open = lines.filter(l => !l.doneOn).sort((a, b) => a.deadline.localeCompare(b.deadline))
  const first = open[0]
  return first ? { what: first.what, deadline: first.deadline, status: first.status } : null
}

/** An appeal's next date: compliance after an order or concession, else the hearing. */
function appealNext(a: AppealRow, certificate: string | null, today: string): DisputeRow['next'] {
  const { compliance } = appealLines(a, certificate, today)
  if (compliance.length) {
    const last = compliance.at(-1)!
    return last.doneOn ? null : { what: last.what, deadline: last.deadline, status: last.status }
  }
  if (!a.outcome && a.hearing_on && a.hearing_on >= today)
    return {
      what: 'Tribunal hearing',
      deadline: a.hearing_on,
      status: { state: 'due', text: 'Hearing booked', classes: 'govuk-tag--blue' },
    }
  return null
}

/** The names of the columns a save changed: for the audit record, never their values. */
function changedFields(before: object, after: object): string[] {
  const b = before as Record<string, unknown>
  return Object.entries(after)
    .filter(([k, v]) => JSON.stringify(b[k] ?? null) !== JSON.stringify(v ?? null))
    .map(([k]) => k)
}

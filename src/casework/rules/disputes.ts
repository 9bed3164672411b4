import { isIsoDate } from '../../platform/time/dates.ts'
import { addWorkingDays, type Calendar } from './bank-holidays.ts'
import { appealBy, mediationClocks, tribunalOrderClocks, type OrderType } from './clocks.ts'

// Disagreements (statutory.md R13–R16) and complaints: what clocks.ts does not already say. Pure
// functions of dates and the calendar, like the rest of src/casework/rules.

export const APPEAL_REASONS = [
  'refusal_to_assess',
  'refusal_to_issue',
  'section_b',
  'section_f',
  'section_i',
  'cease',
  'other',
] as const
export type AppealReasonCode = (typeof APPEAL_REASONS)[number]

/**
 * R13: a family must contact a mediation adviser (and hold a certificate) before appealing — unless
 * the appeal is only about Section I, the school or setting named (reg 33; CFA 2014 s55(3)).
 */
export function needsMediationFirst(reasons: readonly AppealReasonCode[]): boolean {
  if (reasons.length === 0) throw new RangeError('An appeal has at least one reason')
  return !reasons.every(r => r === 'section_i')
}

/**
 * R14 for a recorded case: the last day to register the appeal, and which date set it. A certificate
 * only extends the time (the later date wins); a Section I-only appeal has none, so 2 months.
 */
export function appealDeadline(
  decisionOn: string,
  certificateIssuedOn?: string | null,
): { appealBy: string; from: 'decision' | 'certificate' } {
  const byDecision = appealBy(decisionOn)
  const by = appealBy(decisionOn, certificateIssuedOn)
  return { appealBy: by, from: by === byDecision ? 'decision' : 'certificate' }
}

/**
 * R13 from what the LA records. We read the family's choice as made known when they contacted the
 * adviser (the earliest, safer date): "certificate only" starts the adviser's 3 working days then;
 * "mediation" starts the 30 days to hold it; a held mediation starts the 3 working days again.
 */
export function recordedMediationClocks(
  calendar: Calendar,
  m: {
    decisionOn: string
    adviserContactedOn: string
    familyChoice: 'mediation' | 'certificate_only' | null
    mediationHeldOn: string | null
  },
) {
  return mediationClocks(calendar, {
    decisionOn: m.decisionOn,
    adviserToldNoMediationOn: m.familyChoice === 'certificate_only' ? m.adviserContactedOn : null,
    laToldOfMediationOn: m.familyChoice === 'mediation' ? m.adviserContactedOn : null,
    mediationEndedOn: m.familyChoice === 'mediation' ? m.mediationHeldOn : null,
  })
}

export const ORDER_STEPS: Readonly<Record<OrderType, readonly { key: string; what: string }[]>> = {
  assess: [
    { key: 'notifyBy', what: 'Tell the family the LA will assess' },
    { key: 'noPlanDecisionBy', what: 'Decide not to issue a plan (if so)' },
    { key: 'finalPlanBy', what: 'Issue the final plan' },
  ],
  make_plan: [
    { key: 'draftBy', what: 'Issue the draft plan' },
    { key: 'finalBy', what: 'Issue the final plan' },
  ],
  amend: [{ key: 'amendBy', what: 'Issue the amended plan' }],
  section_i: [{ key: 'by', what: 'Issue the plan naming the school or setting' }],
}

/**
 * R15/R16: the steps an order (from its date) or a concession (from the concession) requires, in
 * order. The last step is the one the LA's compliance is measured against.
 */
export function complianceSteps(kind: OrderType, from: string): { what: string; deadline: string }[] {
  const clocks = tribunalOrderClocks(kind, from) as Record<string, string>
  return ORDER_STEPS[kind].map(step => ({ what: step.what, deadline: clocks[step.key]! }))
}

export type ComplaintStage = 1 | 2 | 3

/**
 * The LA's own response standards, per stage, in working days from receipt. null: the date is the one
 * the Local Government and Social Care Ombudsman asks for, entered by the officer.
 */
export const COMPLAINT_RESPONSE_STANDARD: Readonly<Record<ComplaintStage, number | null>> = {
  1: 20,
  2: 20,
  3: null,
}

export const COMPLAINT_STAGE_NAMES: Readonly<Record<ComplaintStage, string>> = {
  1: 'Stage 1',
  2: 'Stage 2',
  3: 'Ombudsman',
}

/** When a response is due: N working days after receipt (the day received is day 0), or the date entered. */
export function complaintResponseDue(
  calendar: Calendar,
  stage: ComplaintStage,
  receivedOn: string,
  enteredDueOn?: string | null,
  standard: Readonly<Record<ComplaintStage, number | null>> = COMPLAINT_RESPONSE_STANDARD,
): string {
  if (!isIsoDate(receivedOn)) throw new RangeError(`Received must be an ISO date: ${receivedOn}`)
  const days = standard[stage]
  if (days === null || days === undefined) {
    if (!enteredDueOn || !isIsoDate(enteredDueOn)) throw new RangeError(`Stage ${stage} needs the date entered`)
    return enteredDueOn
  }
  return addWorkingDays(calendar, receivedOn, days)
}

const yearOf = (iso: string) => Number(iso.slice(0, 4))

/** Sorted distinct years of the dates given, for the columns of a year table. */
export function yearsOf(dates: readonly string[]): number[] {
  return [...new Set(dates.map(yearOf))].sort((a, b) => a - b)
}

/** Complaints received, by stage and calendar year: each stage of an escalated complaint counts once. */
export function complaintsByStageAndYear(
  rows: readonly { stage: number; received_on: string }[],
): Map<number, Map<number, number>> {
  const table = new Map<number, Map<number, number>>()
  for (const r of rows) {
    const byYear = table.get(r.stage) ?? new Map<number, number>()
    byYear.set(yearOf(r.received_on), (byYear.get(yearOf(r.received_on)) ?? 0) + 1)
    table.set(r.stage, byYear)
  }
  return table
}

/** Compliments received by calendar year. */
export function complimentsByYear(rows: readonly { received_on: string }[]): Map<number, number> {
  const table = new Map<number, number>()
  for (const r of rows) table.set(yearOf(r.received_on), (table.get(yearOf(r.received_on)) ?? 0) + 1)
  return table
}

/**
 * Tribunal appeals registered, by reason and calendar year. An appeal with several reasons counts once
 * under each (as the "tribunals by reason" does), so a reason column may add up to more than
 * the appeals; `appeals` counts each appeal once.
 */
export function tribunalsByReasonAndYear(rows: readonly { registered_on: string; reasons: readonly string[] }[]): {
  byReason: Map<string, Map<number, number>>
  appeals: Map<number, number>
} {
  const byReason = new Map<string, Map<number, number>>()
  const appeals = new Map<number, number>()
  for (const r of rows) {
    const year = yearOf(r.registered_on)
    appeals.set(year, (appeals.get(year) ?? 0) + 1)
    for (const reason of new Set(r.reasons)) {
      const byYear = byReason.get(reason) ?? new Map<number, number>()
      byYear.set(year, (byYear.get(year) ?? 0) + 1)
      byReason.set(reason, byYear)
    }
  }
  return { byReason, appeals }
}

export type DateField = { field: string; value: string | null; label: string }

/**
 * Date-order errors: each pair [earlier, later] whose later date is before the earlier one gives an
 * error on the later field, naming both. Pairs with a missing date are skipped.
 */
export function dateOrderErrors(pairs: readonly [DateField, DateField][]): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = []
  for (const [earlier, later] of pairs) {
    if (earlier.value && later.value && later.value < earlier.value && !errors.some(e => e.field === later.field)) {
      errors.push({ field: later.field, message: `${later.label} must be on or after ${earlier.label.toLowerCase()}` })
    }
  }
  return errors
}

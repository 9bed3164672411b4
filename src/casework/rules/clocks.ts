import { addDays, ageOn, isIsoDate } from '../../platform/time/dates.ts'
import { addWorkingDays, type Calendar } from './bank-holidays.ts'
import { daysBeginningWith, monthsFrom, weeksFrom } from './days.ts'

// The statutory EHC clocks R1–R16 (statutory.md), one function per rule. Each takes the legal date of
// the event that starts the clock (see legalDate in days.ts for documents) and returns the deadline(s).
// Deadlines are the last day on which the step is still in time. SEND Regulations 2014 (SI 2014/1530).

export type Rule =
  'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'R8' | 'R9' | 'R10' | 'R11' | 'R12' | 'R13' | 'R14' | 'R15' | 'R16'

export const RULES: Readonly<Record<Rule, { title: string; law: string }>> = {
  R1: { title: 'Decision whether to assess', law: 'reg 5(1)' },
  R2: { title: 'Advice for the assessment', law: 'reg 8' },
  R3: { title: 'Notice of a decision not to issue a plan', law: 'reg 10(1)' },
  R4: { title: "Family's comments on the draft plan", law: 'reg 13(1)' },
  R5: { title: 'Final plan issued', law: 'reg 13(2)' },
  R6: { title: 'Annual review', law: 'CFA 2014 s44; Code 9.178' },
  R7: { title: 'Review invitations and advice', law: 'regs 20–21' },
  R8: { title: 'Review report', law: 'regs 20–21' },
  R9: { title: 'Decision after the review', law: 'reg 20(10)' },
  R10: { title: 'Amending the plan after a review', law: 'reg 22; L v Devon CC [2022]' },
  R11: { title: 'Phase transfer', law: 'reg 18' },
  R12: { title: 'Ceasing a plan', law: 'reg 31' },
  R13: { title: 'Mediation', law: 'regs 33–37' },
  R14: { title: 'Appeal to the Tribunal', law: 'Tribunal Procedure Rules r20' },
  R15: { title: 'Complying with a Tribunal order', law: 'reg 44' },
  R16: { title: 'Complying with a concession', law: 'reg 45' },
}

function date(iso: string, what: string): string {
  if (!isIsoDate(iso)) throw new RangeError(`${what} must be an ISO date: ${iso}`)
  return iso
}

/** R1: decide whether to assess within 6 weeks of receiving the request (reg 5(1)). */
export function decisionToAssessBy(requestReceivedOn: string): string {
  return weeksFrom(date(requestReceivedOn, 'Request received'), 6)
}

/** R2: advice is due within 6 weeks of the LA asking for it (reg 8). */
export function adviceDueBy(adviceRequestedOn: string): string {
  return weeksFrom(date(adviceRequestedOn, 'Advice requested'), 6)
}

/** R3: notice of a decision not to issue a plan within 16 weeks of the request (reg 10(1)). */
export function noPlanNoticeBy(requestReceivedOn: string): string {
  return weeksFrom(date(requestReceivedOn, 'Request received'), 16)
}

/**
 * R4: the family has at least 15 days, beginning with the day the draft plan is served, to comment
 * and ask for a setting (reg 13(1)); the plan may not be finalised before that period ends.
 */
export function draftPlanComments(draftServedOn: string): { commentsUntil: string; finalNotBefore: string } {
  const commentsUntil = daysBeginningWith(date(draftServedOn, 'Draft served'), 15)
  return { commentsUntil, finalNotBefore: addDays(commentsUntil, 1) }
}

/** R5: the final plan within 20 weeks of receiving the request (reg 13(2)). */
export function finalPlanBy(requestReceivedOn: string): string {
  return weeksFrom(date(requestReceivedOn, 'Request received'), 20)
}

/**
 * Our 20-week working timeline from the request: the statutory steps (R1, R3, R5) and the working
 * target of a draft by week 14, which leaves room for the 15 days of comments and consultation.
 */
export function twentyWeekTimeline(requestReceivedOn: string): {
  decisionToAssessBy: string
  draftBy: string
  noPlanNoticeBy: string
  finalPlanBy: string
} {
  return {
    decisionToAssessBy: decisionToAssessBy(requestReceivedOn),
    draftBy: weeksFrom(requestReceivedOn, 14),
    noPlanNoticeBy: noPlanNoticeBy(requestReceivedOn),
    finalPlanBy: finalPlanBy(requestReceivedOn),
  }
}

/**
 * R6: the next annual review within 12 months of the plan's issue or of the last review (CFA 2014
 * s44(1)); for a child under 5 on that date the Code (9.178) says to consider a review every 3–6 months.
 */
export function nextAnnualReview(
  issuedOrLastReviewedOn: string,
  dateOfBirth?: string | null,
): { reviewBy: string; underFiveReview: { from: string; by: string } | null } {
  const from = date(issuedOrLastReviewedOn, 'Plan issued or last reviewed')
  const underFive = dateOfBirth ? ageOn(date(dateOfBirth, 'Date of birth'), from) < 5 : false
  return {
    reviewBy: monthsFrom(from, 12),
    underFiveReview: underFive ? { from: monthsFrom(from, 3), by: monthsFrom(from, 6) } : null,
  }
}

/** R7: invitations at least 2 weeks before the review meeting, and the advice circulated 2 weeks before (regs 20–21). */
export function reviewMeetingNotice(meetingOn: string): { invitationsBy: string; adviceCirculatedBy: string } {
  const twoWeeksBefore = weeksFrom(date(meetingOn, 'Meeting'), -2)
  return { invitationsBy: twoWeeksBefore, adviceCirculatedBy: twoWeeksBefore }
}

/** R8: the review report within 2 weeks of the meeting (regs 20(8), 21(8)). */
export function reviewReportBy(meetingOn: string): string {
  return weeksFrom(date(meetingOn, 'Meeting'), 2)
}

/** R9: the LA's decision to keep, amend or cease within 4 weeks of the meeting (reg 20(10)). */
export function reviewDecisionBy(meetingOn: string): string {
  return weeksFrom(date(meetingOn, 'Meeting'), 4)
}

/**
 * R10: amending after a review (reg 22). At least 15 days for comments, beginning with the day the
 * proposed amendments are served; the amended plan within 8 weeks of sending them; and the whole
 * process within 12 weeks of the review meeting (4 weeks to decide + 8 weeks; L v Devon CC [2022]).
 */
export function amendmentClocks(input: {
  meetingOn: string
  proposalSentOn: string
  /** The legal date of service; the same as the sending date unless it was posted or sent after hours. */
  proposalServedOn?: string | null
}): { commentsUntil: string; finalBy: string; wholeProcessBy: string } {
  const sent = date(input.proposalSentOn, 'Proposed amendments sent')
  const served = input.proposalServedOn ? date(input.proposalServedOn, 'Proposed amendments served') : sent
  if (served < sent) throw new RangeError(`Served (${served}) is before sent (${sent})`)
  return {
    commentsUntil: daysBeginningWith(served, 15),
    finalBy: weeksFrom(sent, 8),
    wholeProcessBy: weeksFrom(date(input.meetingOn, 'Meeting'), 12),
  }
}

export type PhaseTransfer =
  /** Into school or between school phases (early years → school, infant → junior, primary → secondary …). */
  | { kind: 'school_phase'; transferYear: number }
  | { kind: 'secondary_to_post16'; transferYear: number }
  | { kind: 'post16_to_post16'; transferOn: string }

/**
 * R11: the plan reviewed and amended, naming the new setting, by 15 February of the calendar year of
 * the transfer; 31 March for secondary school → post-16; post-16 → post-16 at least 5 months before
 * the transfer (reg 18).
 */
export function phaseTransferBy(transfer: PhaseTransfer): string {
  if (transfer.kind === 'post16_to_post16') return monthsFrom(date(transfer.transferOn, 'Transfer'), -5)
  if (!Number.isInteger(transfer.transferYear) || transfer.transferYear < 1000 || transfer.transferYear > 9999)
    throw new RangeError(`Not a year: ${transfer.transferYear}`)
  return `${transfer.transferYear}-${transfer.kind === 'school_phase' ? '02-15' : '03-31'}`
}

/**
 * R14: an appeal must reach the Tribunal by the later of 2 months after the decision notice and
 * 1 month after the mediation certificate was issued (Tribunal Procedure (First-tier Tribunal) (HESC)
 * Rules 2008 r20(1)). Without a certificate (e.g. a Section I-only appeal), 2 months.
 */
export function appealBy(decisionOn: string, certificateIssuedOn?: string | null): string {
  const fromDecision = monthsFrom(date(decisionOn, 'Decision'), 2)
  if (!certificateIssuedOn) return fromDecision
  const fromCertificate = monthsFrom(date(certificateIssuedOn, 'Certificate issued'), 1)
  return fromCertificate > fromDecision ? fromCertificate : fromDecision
}

/**
 * R12: no time limit to decide to cease, but the plan must be maintained until the time for appealing
 * has passed (or, when an appeal is registered, until it is concluded) (reg 31; CFA 2014 s45).
 */
export function cessationClocks(
  ceaseNoticeOn: string,
  certificateIssuedOn?: string | null,
): { appealBy: string; maintainPlanUntil: string; earliestCeaseDate: string } {
  const lastDayToAppeal = appealBy(ceaseNoticeOn, certificateIssuedOn)
  return {
    appealBy: lastDayToAppeal,
    maintainPlanUntil: lastDayToAppeal,
    earliestCeaseDate: addDays(lastDayToAppeal, 1),
  }
}

/**
 * R13: mediation (regs 33–37). Before appealing (except about Section I alone) the family contacts a
 * mediation adviser, within 2 months of the decision; the certificate is due 3 working days after the
 * adviser is told the family does not want mediation, or after mediation ends; mediation must be held
 * within 30 days of the LA being told the family wants it. A clock whose event has not happened is null.
 */
export function mediationClocks(
  calendar: Calendar,
  input: {
    decisionOn: string
    adviserToldNoMediationOn?: string | null
    laToldOfMediationOn?: string | null
    mediationEndedOn?: string | null
  },
): { mediationAdviceBy: string; certificateBy: string | null; mediationHeldBy: string | null } {
  const certificateFrom = input.mediationEndedOn ?? input.adviserToldNoMediationOn ?? null
  return {
    mediationAdviceBy: monthsFrom(date(input.decisionOn, 'Decision'), 2),
    certificateBy: certificateFrom ? addWorkingDays(calendar, date(certificateFrom, 'Certificate from'), 3) : null,
    mediationHeldBy: input.laToldOfMediationOn ? addDays(date(input.laToldOfMediationOn, 'LA told'), 30) : null,
  }
}

export type OrderType = 'assess' | 'make_plan' | 'amend' | 'section_i'

export type OrderClocks = {
  assess: { notifyBy: string; noPlanDecisionBy: string; finalPlanBy: string }
  make_plan: { draftBy: string; finalBy: string }
  amend: { amendBy: string }
  section_i: { by: string }
}

/**
 * R15: complying with a Tribunal order, all counted from the date of the order (reg 44): to assess —
 * notify within 2 weeks, then either a decision not to issue within 10 weeks or a final plan within
 * 14 weeks; to make a plan — draft within 5 weeks, final within 11 weeks; to amend — 5 weeks;
 * Section I (the named placement) only — 2 weeks.
 */
export function tribunalOrderClocks<T extends OrderType>(type: T, orderOn: string): OrderClocks[T] {
  const from = date(orderOn, 'Order')
  const clocks: OrderClocks = {
    assess: { notifyBy: weeksFrom(from, 2), noPlanDecisionBy: weeksFrom(from, 10), finalPlanBy: weeksFrom(from, 14) },
    make_plan: { draftBy: weeksFrom(from, 5), finalBy: weeksFrom(from, 11) },
    amend: { amendBy: weeksFrom(from, 5) },
    section_i: { by: weeksFrom(from, 2) },
  }
  if (!(type in clocks)) throw new RangeError(`Unknown order type: ${type}`)
  return clocks[type]
}

/** R16: when the LA concedes before responding to an appeal, the R15 periods run from the concession (reg 45). */
export function concessionClocks<T extends OrderType>(type: T, concededOn: string): OrderClocks[T] {
  return tribunalOrderClocks(type, concededOn)
}

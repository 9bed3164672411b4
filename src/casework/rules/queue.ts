import { academicYearStart, addDays, daysBetween, formatDate, parts } from '../../platform/time/dates.ts'
import { ncYear } from '../../people/rules/nc-year.ts'
import type { Advisor, ExceptionKind } from '../tables.ts'
import {
  adviceDueBy,
  amendmentClocks,
  draftPlanComments,
  nextAnnualReview,
  phaseTransferBy,
  reviewDecisionBy,
  reviewMeetingNotice,
  reviewReportBy,
  RULES,
  twentyWeekTimeline,
  type PhaseTransfer,
  type Rule,
} from './clocks.ts'
import { appliesTo, EXCEPTION_LABELS, timeliness } from './exceptions.ts'

// Every clock of a case as a pure function of its recorded dates (the request, review, amendment and
// phase-transfer pages show these), and the work queue built from them: each step not yet done is an
// item, with a status from its due date and today. Nothing here reads the database or the clock.

// --- Shapes: only the columns the clocks read, so any store row with them will do --------------------

export type RequestDates = {
  received_on: string
  decision: 'assess' | 'not_assess' | null
  decision_on: string | null
  outcome: 'issue_plan' | 'no_plan' | null
  outcome_on: string | null
  draft_sent_on: string | null
  comments_received_on: string | null
  final_issued_on: string | null
  withdrawn_on: string | null
}
export type AdviceDates = {
  id: string
  advisor: Advisor
  advisor_name: string | null
  requested_on: string
  received_on: string | null
}
export type ExceptionDates = { kind: ExceptionKind; from_date: string; to_date: string }
export type ReviewDates = {
  kind: 'annual' | 'phase_transfer'
  due_on: string
  meeting_on: string | null
  invitations_sent_on: string | null
  report_received_on: string | null
  decision: 'keep' | 'amend' | 'cease' | null
  decision_on: string | null
}
export type AmendmentDates = {
  review_id: string | null
  proposals_sent_on: string
  comments_received_on: string | null
  final_issued_on: string | null
  changes?: { namedSetting?: unknown } | null
}

export const ADVISOR_LABELS: Record<Advisor, string> = {
  educational_psychologist: 'Educational psychologist',
  health: 'Health',
  social_care: 'Social care',
  setting: 'School or setting',
  parent: 'Parent or young person',
  other: 'Other',
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

// --- Requests (R1–R5) --------------------------------------------------------------------------------

type Tag = { text: string; classes: string }

export type CaseClock = {
  key: string
  rule: Rule | null
  title: string
  law: string | null
  deadline: string
  doneOn: string | null
  status: Tag
  /** "with exception: …" for each exception that applies to this clock. */
  exceptions: string[]
  note: string | null
}

/** Whether a step was done in time, or how long is left: never moved by an exception. */
function statusOf(deadline: string, doneOn: string | null, today: string, stopped: boolean): Tag {
  if (doneOn) {
    const late = Math.max(0, daysBetween(deadline, doneOn))
    return late === 0
      ? { text: 'Done on time', classes: 'govuk-tag--green' }
      : { text: `Done ${plural(late, 'day')} late`, classes: 'govuk-tag--red' }
  }
  if (stopped) return { text: 'Not needed', classes: 'govuk-tag--grey' }
  const left = daysBetween(today, deadline)
  if (left < 0) return { text: `Overdue by ${plural(-left, 'day')}`, classes: 'govuk-tag--red' }
  if (left === 0) return { text: 'Due today', classes: 'govuk-tag--orange' }
  return { text: `Due in ${plural(left, 'day')}`, classes: left <= 14 ? 'govuk-tag--yellow' : 'govuk-tag--blue' }
}

/**
 * Every clock of a request with its deadline, the date it was met and its status (R1, R2 per advice
 * request, R3 when no plan, R4 once a draft is sent, R5 and the week-14 draft target). Exceptions are
 * shown beside the clocks they apply to (R1, R3, R5) and never move a deadline.
 */
export function timelineOf(
  r: RequestDates,
  advice: readonly AdviceDates[],
  exceptions: readonly ExceptionDates[],
  today: string,
): CaseClock[] {
  const t = twentyWeekTimeline(r.received_on)
  const closed = Boolean(r.withdrawn_on)
  const noPlanRoute = r.decision === 'not_assess' || r.outcome === 'no_plan'
  const clocks: CaseClock[] = []
  const exceptionNotes = (rule: Rule, doneOn: string | null) => {
    const by = doneOn ?? today
    return exceptions
      .filter(e => appliesTo(e, rule) && e.from_date <= by)
      .map(e => `with exception: ${EXCEPTION_LABELS[e.kind]} (${formatDate(e.from_date)} to ${formatDate(e.to_date)})`)
  }
  const add = (
    key: string,
    rule: Rule | null,
    title: string,
    deadline: string,
    doneOn: string | null,
    stopped: boolean,
    note: string | null = null,
  ) => {
    let status = statusOf(deadline, doneOn, today, stopped)
    if (rule && doneOn) {
      // timeliness() is the measure's own reading of the step: it agrees with statusOf and adds the exception flag.
      const counted = timeliness(
        deadline,
        doneOn,
        exceptions.map(e => ({ kind: e.kind, from: e.from_date })),
        rule,
      )
      if (!counted.met) status = { text: `Done ${plural(counted.late, 'day')} late`, classes: 'govuk-tag--red' }
    }
    clocks.push({
      key,
      rule,
      title,
      law: rule ? RULES[rule].law : null,
      deadline,
      doneOn,
      status,
      exceptions: rule ? exceptionNotes(rule, doneOn) : [],
      note,
    })
  }
  add('R1', 'R1', RULES.R1.title, t.decisionToAssessBy, r.decision_on, closed)
  for (const a of advice) {
    add(
      `R2-${a.id}`,
      'R2',
      `Advice from ${ADVISOR_LABELS[a.advisor].toLowerCase()}${a.advisor_name ? ` (${a.advisor_name})` : ''}`,
      adviceDueBy(a.requested_on),
      a.received_on,
      closed || noPlanRoute,
      `Asked for on ${formatDate(a.requested_on)}`,
    )
  }
  if (r.decision === 'not_assess') return clocks
  if (r.outcome === 'no_plan') {
    add('R3', 'R3', RULES.R3.title, t.noPlanNoticeBy, r.outcome_on, closed)
    return clocks
  }
  add(
    'draft-target',
    null,
    'Draft plan sent (our week-14 target)',
    t.draftBy,
    r.draft_sent_on,
    closed,
    'A working target, not a legal deadline',
  )
  if (r.draft_sent_on) {
    const { commentsUntil, finalNotBefore } = draftPlanComments(r.draft_sent_on)
    // R4 is the family's time, not ours: the plan may not be finalised before it ends.
    const status: Tag = r.comments_received_on
      ? { text: 'Comments received', classes: 'govuk-tag--green' }
      : today <= commentsUntil
        ? {
            text: `Open for comments: ${plural(daysBetween(today, commentsUntil), 'day')} left`,
            classes: 'govuk-tag--blue',
          }
        : { text: 'Comment period ended', classes: 'govuk-tag--grey' }
    clocks.push({
      key: 'R4',
      rule: 'R4',
      title: RULES.R4.title,
      law: RULES.R4.law,
      deadline: commentsUntil,
      doneOn: r.comments_received_on,
      status,
      exceptions: [],
      note: `The final plan may not be issued before ${formatDate(finalNotBefore)} unless the family has commented`,
    })
  }
  add('R5', 'R5', RULES.R5.title, t.finalPlanBy, r.final_issued_on, closed)
  return clocks
}

// --- Reviews and amendments (R6–R10) -----------------------------------------------------------------

export type ClockState = 'done' | 'late' | 'due' | 'overdue'
export type ClockStatus = { state: ClockState; text: string; classes: string }

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`

/** A deadline's tag: done on time, done late, due in N days, or overdue by N days. */
export function clockStatus(deadline: string, doneOn: string | null, today: string): ClockStatus {
  if (doneOn) {
    const late = daysBetween(deadline, doneOn)
    return late <= 0
      ? { state: 'done', text: 'Done on time', classes: 'govuk-tag--green' }
      : { state: 'late', text: `Done ${days(late)} late`, classes: 'govuk-tag--orange' }
  }
  const left = daysBetween(today, deadline)
  if (left < 0) return { state: 'overdue', text: `Overdue by ${days(-left)}`, classes: 'govuk-tag--red' }
  if (left === 0) return { state: 'due', text: 'Due today', classes: 'govuk-tag--yellow' }
  return { state: 'due', text: `Due in ${days(left)}`, classes: left <= 7 ? 'govuk-tag--yellow' : 'govuk-tag--blue' }
}

export type ClockLine = {
  rule: Rule
  law: string
  what: string
  deadline: string
  doneOn: string | null
  status: ClockStatus
}

function line(rule: Rule, what: string, deadline: string, doneOn: string | null, today: string): ClockLine {
  // A date recorded for the future (a meeting booked) has not happened yet.
  const done = doneOn && doneOn <= today ? doneOn : null
  return { rule, law: RULES[rule].law, what, deadline, doneOn: done, status: clockStatus(deadline, done, today) }
}

/** R6–R9 for a review: held by its due date; then, once a meeting is set, invitations, report and decision. */
export function reviewClockLines(review: ReviewDates, today: string): ClockLine[] {
  const lines = [
    line(
      review.kind === 'phase_transfer' ? 'R11' : 'R6',
      review.kind === 'phase_transfer' ? 'Phase transfer review held' : 'Review meeting held',
      review.due_on,
      review.meeting_on,
      today,
    ),
  ]
  if (review.meeting_on) {
    const { invitationsBy } = reviewMeetingNotice(review.meeting_on)
    lines.push(
      line('R7', 'Invitations and advice sent', invitationsBy, review.invitations_sent_on, today),
      line('R8', 'Review report received', reviewReportBy(review.meeting_on), review.report_received_on, today),
      line('R9', 'Decision: keep, amend or cease', reviewDecisionBy(review.meeting_on), review.decision_on, today),
    )
  }
  return lines
}

/** R10 for an amendment: the family's 15 days, the final plan within 8 weeks, the whole within 12 weeks. */
export function amendmentClockLines(amendment: AmendmentDates, meetingOn: string | null, today: string) {
  const clocks = amendmentClocks({
    meetingOn: meetingOn ?? amendment.proposals_sent_on,
    proposalSentOn: amendment.proposals_sent_on,
  })
  const comments: { until: string; receivedOn: string | null; status: ClockStatus } = {
    until: clocks.commentsUntil,
    receivedOn: amendment.comments_received_on,
    status: amendment.comments_received_on
      ? { state: 'done', text: 'Comments received', classes: 'govuk-tag--green' }
      : today <= clocks.commentsUntil
        ? {
            state: 'due',
            text: `Open for ${days(daysBetween(today, clocks.commentsUntil) + 1)}`,
            classes: 'govuk-tag--blue',
          }
        : { state: 'done', text: 'Period ended', classes: 'govuk-tag--grey' },
  }
  const lines = [line('R10', 'Final amended plan issued (8 weeks)', clocks.finalBy, amendment.final_issued_on, today)]
  // The 12 weeks run from the review meeting, so an amendment made outside a review has only the 8.
  if (meetingOn) {
    lines.push(
      line('R10', 'Whole process (12 weeks from the meeting)', clocks.wholeProcessBy, amendment.final_issued_on, today),
    )
  }
  return { ...clocks, comments, lines }
}

/** SEN2 LastReview: the date of the latest decision after a review. */
export function lastDecisionOn(reviews: readonly Pick<ReviewDates, 'decision_on'>[]): string | null {
  return reviews.reduce<string | null>(
    (last, r) => (r.decision_on && (!last || r.decision_on > last) ? r.decision_on : last),
    null,
  )
}

// --- Phase transfers (R11) ---------------------------------------------------------------------------

export type Transfer = { from: string; to: string; rule: PhaseTransfer; deadline: string }

/**
 * R11: the phase a child with a plan moves into in September of `year`, from their NC year in the
 * year before and the phase of the setting their plan names; null when they are not moving. A child
 * at an all-through setting stays on unless their plan names a new one, so is not listed.
 */
export function transferOf(dateOfBirth: string, settingPhase: string | null, year: number): Transfer | null {
  if (settingPhase === 'all_through' || settingPhase === 'post_16') return null
  const yearGroup = ncYear(dateOfBirth, `${year}-01-15`)
  const schoolPhase = (from: string, to: string): Transfer => {
    const rule = { kind: 'school_phase' as const, transferYear: year }
    return { from, to, rule, deadline: phaseTransferBy(rule) }
  }
  if (yearGroup === -1) return schoolPhase('Nursery', 'Reception')
  if (yearGroup === 6) return schoolPhase('Year 6', 'Year 7')
  if (yearGroup === 11) {
    const rule = { kind: 'secondary_to_post16' as const, transferYear: year }
    return { from: 'Year 11', to: 'Post-16', rule, deadline: phaseTransferBy(rule) }
  }
  return null
}

/** The September after today: the next transfer. */
export function nextTransferYear(today: string): number {
  return academicYearStart(today) + 1
}

/** The amendment after a phase-transfer review that issued a plan naming a new setting. */
export function namingAmendment<A extends AmendmentDates>(amendments: readonly A[], reviewId: string): A | null {
  return amendments.find(a => a.review_id === reviewId && a.final_issued_on !== null && a.changes?.namedSetting) ?? null
}

// --- The work queue ----------------------------------------------------------------------------------

/** Complaint responses have no statutory rule: they queue under their own name. */
export type QueueRule = Rule | 'Complaint'
export type QueueKind = 'request' | 'review' | 'amendment' | 'phase_transfer' | 'mediation' | 'appeal' | 'complaint'
export const QUEUE_STATUSES = ['overdue', 'due_this_week', 'at_risk', 'later'] as const
export type QueueStatus = (typeof QUEUE_STATUSES)[number]

export const QUEUE_STATUS_TAGS: Record<QueueStatus, Tag> = {
  overdue: { text: 'Overdue', classes: 'govuk-tag--red' },
  due_this_week: { text: 'Due this week', classes: 'govuk-tag--orange' },
  at_risk: { text: 'At risk', classes: 'govuk-tag--yellow' },
  later: { text: 'Later', classes: 'govuk-tag--blue' },
}

export const QUEUE_RULES: readonly QueueRule[] = [...(Object.keys(RULES) as Rule[]), 'Complaint']

export const QUEUE_RULE_TITLES: Record<QueueRule, string> = {
  ...(Object.fromEntries(Object.entries(RULES).map(([k, v]) => [k, v.title])) as Record<Rule, string>),
  Complaint: 'Complaint response',
}

/** "At risk" looks this many days ahead. */
export const AT_RISK_DAYS = 14

export type QueueItem = {
  /** Unique in a queue: the record and the step. */
  key: string
  kind: QueueKind
  rule: QueueRule
  childId: string | null
  childName: string
  officerId: string | null
  /** The next action, in words. */
  what: string
  due: string
  status: QueueStatus
  href: string
}

/** The Sunday ending the ISO week (Monday to Sunday) that `today` is in. */
export function endOfIsoWeek(today: string): string {
  const { year, month, day } = parts(today)
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() // 0 = Sunday
  return addDays(today, weekday === 0 ? 0 : 7 - weekday)
}

/**
 * One status for a step not yet done, first match wins: overdue (due before today); due this week
 * (due today or later in this ISO week); at risk (due later, within 14 days of today, and the step
 * before it is not done: `prepared` false); later (everything else).
 */
export function queueStatus(due: string, prepared: boolean, today: string): QueueStatus {
  if (due < today) return 'overdue'
  if (due <= endOfIsoWeek(today)) return 'due_this_week'
  if (!prepared && daysBetween(today, due) <= AT_RISK_DAYS) return 'at_risk'
  return 'later'
}

const RULE_ORDER = new Map<QueueRule, number>(QUEUE_RULES.map((rule, i) => [rule, i]))

/** Soonest due first; on the same day, in rule order (R1 … R16, then complaints); then by key, for a stable page. */
export function compareItems(a: QueueItem, b: QueueItem): number {
  return a.due.localeCompare(b.due) || RULE_ORDER.get(a.rule)! - RULE_ORDER.get(b.rule)! || a.key.localeCompare(b.key)
}

/** Who and where an item belongs: filled in by the caller from the case. */
export type ItemContext = { childId: string | null; childName: string; officerId: string | null }

/** A step becomes an item unless it is done by today; a date recorded for the future is not done yet. */
export function stepItem(
  ctx: ItemContext,
  step: { key: string; kind: QueueKind; rule: QueueRule; what: string; due: string; href: string },
  doneOn: string | null,
  prepared: boolean,
  today: string,
): QueueItem | null {
  if (doneOn && doneOn <= today) return null
  return { ...ctx, ...step, status: queueStatus(step.due, prepared, today) }
}

const present = <T>(items: (T | null)[]): T[] => items.filter((i): i is T => i !== null)

/**
 * A request's open steps: R1; R2 for each advice not received; R3 (no plan) or, once the LA has
 * decided to assess, R5 (final plan).
 * R4 is the family's time and the week-14 draft is our own target, so neither is an item; the draft
 * is the step before R5. A withdrawn request, or one closed by a decision not to assess, has none.
 */
export function requestItems(
  ctx: ItemContext,
  id: string,
  r: RequestDates,
  advice: readonly AdviceDates[],
  exceptions: readonly ExceptionDates[],
  today: string,
): QueueItem[] {
  if (r.withdrawn_on || r.final_issued_on) return []
  const href = `/casework/requests/${id}#timeline`
  const what: Record<string, string> = {
    R1: 'Decide whether to assess',
    R3: 'Send the notice that no plan will be issued',
    R5: r.draft_sent_on ? 'Issue the final plan' : 'Send the draft plan, then issue the final plan',
  }
  const items = timelineOf(r, advice, exceptions, today).map(c => {
    if (!c.rule || c.rule === 'R4' || c.status.text === 'Not needed') return null
    // Until the LA decides to assess, the next action is R1: R5 joins the queue after it.
    if (c.rule === 'R5' && r.decision !== 'assess') return null
    const prepared = c.rule === 'R5' ? r.draft_sent_on !== null : c.rule === 'R2' || c.rule === 'R3'
    return stepItem(
      ctx,
      {
        key: `request:${id}:${c.key}`,
        kind: 'request',
        rule: c.rule,
        what: c.rule === 'R2' ? `Chase: ${c.title.toLowerCase()}` : (what[c.rule] ?? c.title),
        due: c.deadline,
        href,
      },
      c.doneOn,
      prepared,
      today,
    )
  })
  return present(items)
}

/**
 * An open annual review's steps: R6 held by its due date (the step before: a meeting booked); once a
 * meeting is set, R7 invitations (before: the meeting booked, so done), R8 report (before: the
 * meeting held) and R9 decision (before: the report received). A phase-transfer review queues its
 * R7–R9 only: its R11 deadline is the plan's phase-transfer item.
 */
export function reviewItems(ctx: ItemContext, id: string, review: ReviewDates, today: string): QueueItem[] {
  if (review.decision_on && review.decision_on <= today) return []
  const held = review.meeting_on !== null && review.meeting_on <= today
  const prepared: Record<string, boolean> = {
    R6: review.meeting_on !== null,
    R11: review.meeting_on !== null,
    R7: true,
    R8: held,
    R9: review.report_received_on !== null && review.report_received_on <= today,
  }
  const what: Record<string, string> = {
    R6: review.meeting_on ? 'Hold the annual review meeting' : 'Book and hold the annual review meeting',
    R7: 'Send the invitations and advice for the review',
    R8: 'Get the review report',
    R9: 'Decide: keep, amend or cease the plan',
  }
  return present(
    reviewClockLines(review, today).map(l =>
      l.rule === 'R11'
        ? null
        : stepItem(
            ctx,
            {
              key: `review:${id}:${l.rule}`,
              kind: 'review',
              rule: l.rule,
              what: what[l.rule] ?? l.what,
              due: l.deadline,
              href: `/casework/reviews/${id}`,
            },
            l.doneOn,
            prepared[l.rule] ?? false,
            today,
          ),
    ),
  )
}

/** A plan with no annual review open: R6 by 12 months from its issue or its last review decision. */
export function unopenedReviewItem(
  ctx: ItemContext,
  planId: string,
  issuedOrLastReviewedOn: string,
  today: string,
): QueueItem | null {
  return stepItem(
    ctx,
    {
      key: `plan:${planId}:R6`,
      kind: 'review',
      rule: 'R6',
      what: 'Open the annual review and book the meeting',
      due: nextAnnualReview(issuedOrLastReviewedOn).reviewBy,
      href: `/casework/plans/${planId}`,
    },
    null,
    false,
    today,
  )
}

/**
 * An amendment in progress: one R10 item, the earlier of the 8-week final and the 12-week whole
 * process (the one that binds). The step before: the family's comments in, or their 15 days over.
 */
export function amendmentItem(
  ctx: ItemContext,
  id: string,
  amendment: AmendmentDates,
  meetingOn: string | null,
  today: string,
): QueueItem | null {
  const clocks = amendmentClockLines(amendment, meetingOn, today)
  const binding = [...clocks.lines].sort((a, b) => a.deadline.localeCompare(b.deadline))[0]!
  const commentsDone =
    (amendment.comments_received_on !== null && amendment.comments_received_on <= today) || today > clocks.commentsUntil
  return stepItem(
    ctx,
    {
      key: `amendment:${id}:R10`,
      kind: 'amendment',
      rule: 'R10',
      what: `Issue the final amended plan (${binding.what.replace(/^.*\((.*)\)$/, '$1')})`,
      due: binding.deadline,
      href: `/casework/amendments/${id}`,
    },
    amendment.final_issued_on,
    commentsDone,
    today,
  )
}

/**
 * R11 for a plan whose child changes phase: done when an amendment after the phase-transfer review
 * names the new setting; the step before is that review's meeting held.
 */
export function phaseTransferItem(
  ctx: ItemContext,
  planId: string,
  transfer: Transfer,
  review: (ReviewDates & { id: string }) | null,
  namedOn: string | null,
  today: string,
): QueueItem | null {
  return stepItem(
    ctx,
    {
      key: `plan:${planId}:R11`,
      kind: 'phase_transfer',
      rule: 'R11',
      what: `Review and amend the plan naming the new setting (${transfer.from} to ${transfer.to})`,
      due: transfer.deadline,
      href: review ? `/casework/reviews/${review.id}` : `/casework/plans/${planId}`,
    },
    namedOn,
    review?.meeting_on != null && review.meeting_on <= today,
    today,
  )
}

/** Counts by status, and by rule and status, for the summary tables. */
export function countItems(items: readonly QueueItem[]) {
  const byStatus = Object.fromEntries(QUEUE_STATUSES.map(s => [s, 0])) as Record<QueueStatus, number>
  const byRule = new Map<QueueRule, Record<QueueStatus, number>>()
  for (const item of items) {
    byStatus[item.status]++
    const row =
      byRule.get(item.rule) ?? (Object.fromEntries(QUEUE_STATUSES.map(s => [s, 0])) as Record<QueueStatus, number>)
    row[item.status]++
    byRule.set(item.rule, row)
  }
  return {
    byStatus,
    byRule: QUEUE_RULES.filter(r => byRule.has(r)).map(rule => ({
      rule,
      title: QUEUE_RULE_TITLES[rule],
      ...byRule.get(rule)!,
    })),
  }
}

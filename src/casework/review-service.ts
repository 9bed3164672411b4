import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import { addDays, formatDate } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import {
  authorise,
  childSummary,
  clockStatus,
  mayCasework,
  notFuture,
  optionalDate,
  requireId,
  requiredDate,
  reviewClockLines,
  reviewStatus,
  settingText,
  STALE,
  versionSchema,
} from './plan-service.ts'
import { PlanStore, type ChildRow } from './plan-store.ts'
import { ReviewStore, type ReviewKind, type ReviewRow } from './review-store.ts'
import { nextAnnualReview, reviewDecisionBy } from './rules/clocks.ts'
import { annualReviewsOutstanding } from './rules/measures.ts'
import { lastDecisionOn, namingAmendment, nextTransferYear, transferOf, type Transfer } from './rules/queue.ts'

// The phase-transfer rules are pure and live with the work queue; re-exported for the pages and tests that read them here.
export { nextTransferYear, transferOf, type Transfer }

// Annual and phase-transfer reviews (statutory.md R6–R11), the amendments they start, and the lists
// of reviews due and of children changing phase.

/** The reviews list looks this far ahead. */
export const REVIEWS_DUE_WITHIN_DAYS = 56

export const DECISION_LABELS = {
  keep: 'Keep the plan as it is',
  amend: 'Amend the plan',
  cease: 'Cease the plan',
} as const

export const reviewSaveSchema = z.object({
  version: versionSchema,
  meetingOn: optionalDate('the date of the review meeting'),
  invitationsSentOn: optionalDate('the date the invitations were sent'),
  reportReceivedOn: optionalDate('the date the review report was received'),
  decision: z
    .enum(['', 'keep', 'amend', 'cease'], { error: 'Choose keep, amend or cease' })
    .optional()
    .transform(v => v || null),
  decisionOn: optionalDate('the date of the decision'),
})

export const openReviewSchema = z.object({
  kind: z
    .enum(['', 'annual', 'phase_transfer'], { error: 'Choose the kind of review' })
    .optional()
    .transform(v => (v || 'annual') as ReviewKind),
})

export const startAmendmentSchema = z.object({
  proposalsSentOn: requiredDate('the date the proposed amendments were sent'),
  summary: z
    .string({ error: 'Enter a summary of the proposed amendments' })
    .trim()
    .min(1, 'Enter a summary of the proposed amendments')
    .max(5000, 'Enter a summary of at most 5,000 characters'),
})

export class ReviewService {
  private readonly store: ReviewStore
  private readonly plans: PlanStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new ReviewStore(db, laCode)
    this.plans = new PlanStore(db, laCode)
  }

  /**
   * Opens the plan's next review, due 12 months from its issue or last review decision (R6), or its
   * phase-transfer review, due by the R11 date; an open review of the same kind is resumed instead.
   */
  async openReview(actor: Actor, planId: string, input: unknown): Promise<{ id: string; resumed: boolean }> {
    authorise(actor, 'casework.edit')
    const plan = await this.plans.findPlan(requireId(planId))
    if (!plan) throw new NotFoundError()
    const { kind } = parseOrThrow(openReviewSchema, input)
    if (plan.ceased_on) throw new ValidationError([{ field: 'kind', message: 'This plan has ceased' }])
    const today = this.clock.today()
    let dueOn: string
    if (kind === 'phase_transfer') {
      const child = (await this.plans.findChild(plan.child_id))!
      const transfer = transferOf(child.date_of_birth, plan.named_setting_phase, nextTransferYear(today))
      if (!transfer)
        throw new ValidationError([{ field: 'kind', message: 'This child is not changing phase next September' }])
      dueOn = transfer.deadline
    } else {
      const reviews = await this.store.reviews([plan.id])
      dueOn = nextAnnualReview(lastDecisionOn(reviews) ?? plan.issued_on).reviewBy
    }
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      const open = (await store.reviews([plan.id])).find(r => r.decision === null && r.kind === kind)
      if (open) return { id: open.id, resumed: true }
      const id = await store.insertReview({
        planId: plan.id,
        kind,
        dueOn,
        createdBy: actor.userId,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, {
        action: 'annual_review.open',
        recordType: 'annual_review',
        recordId: id,
        details: { planId: plan.id, kind, dueOn },
      })
      return { id, resumed: false }
    })
  }

  /** A review with its plan, clocks and amendments; every read is audited. */
  async getReview(actor: Actor, reviewId: string) {
    authorise(actor, 'casework.read')
    const review = await this.loadReview(reviewId)
    await audit(this.db, this.laCode, actor, {
      action: 'annual_review.read',
      recordType: 'annual_review',
      recordId: review.id,
    })
    return this.reviewView(actor, review)
  }

  async reviewView(actor: Actor, review: ReviewRow) {
    const today = this.clock.today()
    const plan = (await this.plans.findPlan(review.plan_id))!
    const child = (await this.plans.findChild(plan.child_id))!
    const amendments = (await this.plans.amendments([plan.id])).filter(a => a.review_id === review.id)
    const mayEdit = mayCasework(actor, 'casework.edit') && plan.ceased_on === null
    return {
      review: { ...review, lines: reviewClockLines(review, today), status: reviewStatus(review, today) },
      plan: { ...plan, setting: settingText(plan) },
      child: childSummary(child, today),
      underFive: nextAnnualReview(plan.issued_on, child.date_of_birth).underFiveReview !== null,
      amendments,
      mayEdit,
      mayStartAmendment: mayEdit && review.decision === 'amend' && !amendments.some(a => !a.final_issued_on),
      decisionLabels: DECISION_LABELS,
    }
  }

  /** Saves the meeting, invitations, report and decision, if nobody else saved the review first. */
  async saveReview(actor: Actor, reviewId: string, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'casework.edit')
    const review = await this.loadReview(reviewId)
    const parsed = parseOrThrow(reviewSaveSchema, input)
    const plan = (await this.plans.findPlan(review.plan_id))!
    const today = this.clock.today()
    const errors: FieldError[] = []
    const { meetingOn, invitationsSentOn, reportReceivedOn, decision, decisionOn } = parsed
    notFuture(errors, 'invitationsSentOn', invitationsSentOn, today, 'The date the invitations were sent')
    notFuture(errors, 'reportReceivedOn', reportReceivedOn, today, 'The date the report was received')
    notFuture(errors, 'decisionOn', decisionOn, today, 'The date of the decision')
    if (meetingOn && meetingOn < plan.issued_on)
      errors.push({ field: 'meetingOn', message: 'The review meeting cannot be before the plan was issued' })
    if (invitationsSentOn && meetingOn && invitationsSentOn > meetingOn)
      errors.push({ field: 'invitationsSentOn', message: 'The invitations must be sent before the meeting' })
    if (reportReceivedOn && !meetingOn)
      errors.push({ field: 'reportReceivedOn', message: 'Enter the date of the meeting before the report' })
    else if (reportReceivedOn && meetingOn && reportReceivedOn < meetingOn)
      errors.push({ field: 'reportReceivedOn', message: 'The review report cannot be received before the meeting' })
    if (decision && !decisionOn) errors.push({ field: 'decisionOn', message: 'Enter the date of the decision' })
    if (!decision && decisionOn) errors.push({ field: 'decision', message: 'Choose keep, amend or cease' })
    if (decisionOn && !meetingOn)
      errors.push({ field: 'decisionOn', message: 'Enter the date of the meeting before the decision' })
    else if (decisionOn && meetingOn && decisionOn < meetingOn)
      errors.push({ field: 'decisionOn', message: 'The decision cannot be before the meeting' })
    if (review.decision === 'amend' && decision !== 'amend') {
      const amendments = (await this.plans.amendments([plan.id])).filter(a => a.review_id === review.id)
      if (amendments.length)
        errors.push({ field: 'decision', message: 'An amendment has been started after this decision to amend' })
    }
    if (errors.length) throw new ValidationError(errors)
    if (review.version !== parsed.version) throw new ConflictError(STALE, { version: review.version })
    return this.db.transaction().execute(async trx => {
      const version = await this.store.withDb(trx).updateReview(
        review.id,
        parsed.version,
        {
          meeting_on: meetingOn,
          invitations_sent_on: invitationsSentOn,
          report_received_on: reportReceivedOn,
          decision,
          decision_on: decisionOn,
        },
        this.clock.now(),
      )
      if (version === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'annual_review.save',
        recordType: 'annual_review',
        recordId: review.id,
        details: { version, decision },
      })
      return { version }
    })
  }

  /** R10: after a decision to amend, the proposed amendments sent to the family. */
  async startAmendment(actor: Actor, reviewId: string, input: unknown): Promise<{ id: string }> {
    authorise(actor, 'casework.edit')
    const review = await this.loadReview(reviewId)
    const parsed = parseOrThrow(startAmendmentSchema, input)
    const errors: FieldError[] = []
    notFuture(errors, 'proposalsSentOn', parsed.proposalsSentOn, this.clock.today(), 'The date the proposals were sent')
    if (review.decision !== 'amend')
      errors.push({ field: 'proposalsSentOn', message: 'Record the decision to amend the plan first' })
    else if (review.meeting_on && parsed.proposalsSentOn < review.meeting_on)
      errors.push({ field: 'proposalsSentOn', message: 'The proposed amendments cannot be sent before the meeting' })
    if (errors.length) throw new ValidationError(errors)
    return this.db.transaction().execute(async trx => {
      const plans = this.plans.withDb(trx)
      const plan = (await plans.findPlan(review.plan_id))!
      if (plan.ceased_on) throw new ConflictError('This plan has ceased')
      const open = (await plans.amendments([plan.id])).find(a => a.review_id === review.id && !a.final_issued_on)
      if (open) throw new ConflictError('An amendment after this review is already under way')
      const id = await plans.insertAmendment({
        planId: plan.id,
        reviewId: review.id,
        proposalsSentOn: parsed.proposalsSentOn,
        summary: parsed.summary,
        createdBy: actor.userId,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, {
        action: 'plan_amendment.start',
        recordType: 'plan_amendment',
        recordId: id,
        details: { planId: plan.id, reviewId: review.id },
      })
      return { id }
    })
  }

  /**
   * Plans whose next review is due within 8 weeks or overdue, soonest first, and the count of annual
   * reviews outstanding as the DfE counts it (annualReviewsOutstanding).
   */
  async reviewsDue(actor: Actor) {
    authorise(actor, 'casework.read')
    const today = this.clock.today()
    const horizon = addDays(today, REVIEWS_DUE_WITHIN_DAYS)
    const plans = await this.plans.plansInForce(today)
    const reviews = await this.store.reviews(plans.map(p => p.id))
    const children = byId(await this.plans.childrenByIds([...new Set(plans.map(p => p.child_id))]))
    const rows = []
    const counted = []
    for (const plan of plans) {
      const own = reviews.filter(r => r.plan_id === plan.id)
      const lastReviewedOn = lastDecisionOn(own) ?? plan.issued_on
      const open = own.filter(r => r.decision === null && r.kind === 'annual').sort(byDue)[0] ?? null
      counted.push({
        planId: plan.id,
        issuedOrLastReviewedOn: lastReviewedOn,
        meetingHeldOn: open?.meeting_on ?? null,
        decisionOn: null,
        ceasedOn: plan.ceased_on,
      })
      const dueOn = open?.due_on ?? nextAnnualReview(lastReviewedOn).reviewBy
      if (dueOn > horizon) continue
      const held = open?.meeting_on && open.meeting_on <= today ? open.meeting_on : null
      rows.push({
        planId: plan.id,
        reviewId: open?.id ?? null,
        child: childSummary(children.get(plan.child_id)!, today),
        setting: settingText(plan),
        dueOn,
        stage: !open
          ? 'Not opened'
          : held
            ? `Meeting held ${formatDate(held)}: decision due by ${formatDate(reviewDecisionBy(held))}`
            : open.meeting_on
              ? `Meeting booked for ${formatDate(open.meeting_on)}`
              : 'Meeting not booked',
        meetingOn: open?.meeting_on ?? null,
        status: held ? clockStatus(reviewDecisionBy(held), null, today) : clockStatus(dueOn, null, today),
      })
    }
    rows.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.child.name.localeCompare(b.child.name))
    const outstanding = annualReviewsOutstanding(counted, today)
    await audit(this.db, this.laCode, actor, {
      action: 'annual_review.list',
      details: { count: rows.length, outstanding: outstanding.length },
    })
    return { today, horizon, rows, outstanding: outstanding.length, mayEdit: mayCasework(actor, 'casework.edit') }
  }

  /** R11: children with plans in force changing phase in September of the year, and their reviews. */
  async phaseTransfers(actor: Actor, yearInput: unknown) {
    authorise(actor, 'casework.read')
    const today = this.clock.today()
    const year =
      yearInput === undefined || yearInput === ''
        ? nextTransferYear(today)
        : parseOrThrow(
            z.coerce
              .number({ error: 'Enter a year, for example 2027' })
              .int('Enter a year, for example 2027')
              .min(2000, 'Enter a year from 2000 to 2100')
              .max(2100, 'Enter a year from 2000 to 2100'),
            yearInput,
          )
    const plans = await this.plans.plansInForce(today)
    const children = byId(await this.plans.childrenByIds([...new Set(plans.map(p => p.child_id))]))
    const reviews = await this.store.reviews(plans.map(p => p.id))
    const amendments = await this.plans.amendments(plans.map(p => p.id))
    const rows = []
    for (const plan of plans) {
      const child = children.get(plan.child_id)!
      const transfer = transferOf(child.date_of_birth, plan.named_setting_phase, year)
      if (!transfer) continue
      const review =
        reviews.find(r => r.plan_id === plan.id && r.kind === 'phase_transfer' && r.due_on === transfer.deadline) ??
        null
      const done = review?.decision ? namingAmendment(amendments, review.id) : null
      rows.push({
        planId: plan.id,
        reviewId: review?.id ?? null,
        child: childSummary(child, today),
        setting: settingText(plan),
        transfer,
        reviewStage: !review
          ? 'Not opened'
          : done
            ? `Done: new setting named on ${formatDate(done.final_issued_on)}`
            : review.decision
              ? `Decided (${review.decision}); no amendment naming a new setting issued yet`
              : review.meeting_on
                ? `Meeting ${formatDate(review.meeting_on)}`
                : 'Opened',
        done: Boolean(done),
        status: clockStatus(transfer.deadline, done?.final_issued_on ?? null, today),
      })
    }
    rows.sort(
      (a, b) => a.transfer.deadline.localeCompare(b.transfer.deadline) || a.child.name.localeCompare(b.child.name),
    )
    await audit(this.db, this.laCode, actor, { action: 'phase_transfer.list', details: { year, count: rows.length } })
    return {
      year,
      nextYear: nextTransferYear(today),
      rows,
      mayOpen: mayCasework(actor, 'casework.edit') && year === nextTransferYear(today),
    }
  }

  private async loadReview(reviewId: string): Promise<ReviewRow> {
    const review = await this.store.findReview(requireId(reviewId))
    if (!review) throw new NotFoundError()
    return review
  }
}

const byDue = (a: ReviewRow, b: ReviewRow) => a.due_on.localeCompare(b.due_on)

function byId(children: ChildRow[]): Map<string, ChildRow> {
  return new Map(children.map(c => [c.id, c]))
}

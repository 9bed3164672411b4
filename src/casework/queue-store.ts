import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { Phase } from '../people/tables.ts'
import type { AppealOutcome, FamilyChoice, MediationOutcome, OrderKind } from './dispute-tables.ts'
import type { AdviceDates, AmendmentDates, ExceptionDates, RequestDates, ReviewDates } from './rules/queue.ts'
import type { AmendmentChanges } from './tables.ts'

// The reads behind the work queue and the caseloads: one query per kind of record, never one per
// case, so the page costs the same number of queries for 10 cases or 10,000.

export type OpenRequestRow = RequestDates & {
  id: string
  child_id: string
  officer_id: string | null
  first_name: string
  last_name: string
}

export type InForcePlanRow = {
  id: string
  child_id: string
  issued_on: string
  /** The officer of the request that produced the plan: the plan's officer. */
  officer_id: string | null
  first_name: string
  last_name: string
  date_of_birth: string
  named_setting_phase: Phase | null
}

export type QueueMediationRow = {
  id: string
  child_id: string
  officer_id: string | null
  first_name: string
  last_name: string
  decision_on: string
  adviser_contacted_on: string
  family_choice: FamilyChoice | null
  certificate_issued_on: string | null
  mediation_held_on: string | null
  outcome: MediationOutcome | null
}

export type QueueAppealRow = {
  id: string
  child_id: string
  officer_id: string | null
  first_name: string
  last_name: string
  outcome: AppealOutcome | null
  outcome_on: string | null
  order_kind: OrderKind | null
  conceded_on: string | null
  compliance_done_on: string | null
}

export type QueueComplaintRow = {
  id: string
  child_id: string | null
  first_name: string | null
  last_name: string | null
  stage: number
  response_due_on: string
}

export type OfficerRow = {
  id: string
  display_name: string
  role: string
  capacity: number | null
  capacity_version: number | null
}

const REQUEST_DATES = [
  'r.received_on',
  'r.decision',
  'r.decision_on',
  'r.outcome',
  'r.outcome_on',
  'r.draft_sent_on',
  'r.comments_received_on',
  'r.final_issued_on',
  'r.withdrawn_on',
] as const

export class QueueStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): QueueStore {
    return new QueueStore(db, this.laCode)
  }

  /** Open requests as the requests list defines them: not issued, withdrawn, refused or closed with no plan. */
  private openRequestIds() {
    return this.db
      .selectFrom('ehc_request as r')
      .where('r.la_code', '=', this.laCode)
      .where('r.final_issued_on', 'is', null)
      .where('r.withdrawn_on', 'is', null)
      .where(eb => eb.or([eb('r.decision', 'is', null), eb('r.decision', '=', 'assess')]))
      .where(eb => eb.or([eb('r.outcome', 'is', null), eb('r.outcome', '=', 'issue_plan')]))
  }

  async openRequests(): Promise<OpenRequestRow[]> {
    return (await this.openRequestIds()
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'r.la_code').onRef('c.id', '=', 'r.child_id'))
      .select(['r.id', 'r.child_id', 'r.officer_id', 'c.first_name', 'c.last_name', ...REQUEST_DATES])
      .execute()) as OpenRequestRow[]
  }

  async openAdvice(): Promise<(AdviceDates & { request_id: string })[]> {
    return this.db
      .selectFrom('advice_request as a')
      .select(['a.id', 'a.request_id', 'a.advisor', 'a.advisor_name', 'a.requested_on', 'a.received_on'])
      .where('a.la_code', '=', this.laCode)
      .where('a.request_id', 'in', this.openRequestIds().select('r.id'))
      .orderBy('a.requested_on')
      .execute()
  }

  async openExceptions(): Promise<(ExceptionDates & { request_id: string })[]> {
    return this.db
      .selectFrom('casework_exception as e')
      .select(['e.request_id', 'e.kind', 'e.from_date', 'e.to_date'])
      .where('e.la_code', '=', this.laCode)
      .where('e.request_id', 'in', this.openRequestIds().select('r.id'))
      .execute()
  }

  private inForce(on: string) {
    return this.db
      .selectFrom('ehc_plan as p')
      .where('p.la_code', '=', this.laCode)
      .where('p.issued_on', '<=', on)
      .where(eb => eb.or([eb('p.ceased_on', 'is', null), eb('p.ceased_on', '>', on)]))
  }

  async plansInForce(on: string): Promise<InForcePlanRow[]> {
    return (await this.inForce(on)
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'p.la_code').onRef('c.id', '=', 'p.child_id'))
      .leftJoin('ehc_request as r', join =>
        join.onRef('r.la_code', '=', 'p.la_code').onRef('r.id', '=', 'p.request_id'),
      )
      .leftJoin('setting as s', join =>
        join.onRef('s.la_code', '=', 'p.la_code').onRef('s.id', '=', 'p.named_setting_id'),
      )
      .select([
        'p.id',
        'p.child_id',
        'p.issued_on',
        'r.officer_id',
        'c.first_name',
        'c.last_name',
        'c.date_of_birth',
        's.phase as named_setting_phase',
      ])
      .execute()) as InForcePlanRow[]
  }

  async reviewsOfPlansInForce(on: string): Promise<(ReviewDates & { id: string; plan_id: string })[]> {
    return (await this.db
      .selectFrom('annual_review as v')
      .select([
        'v.id',
        'v.plan_id',
        'v.kind',
        'v.due_on',
        'v.meeting_on',
        'v.invitations_sent_on',
        'v.report_received_on',
        'v.decision',
        'v.decision_on',
      ])
      .where('v.la_code', '=', this.laCode)
      .where('v.plan_id', 'in', this.inForce(on).select('p.id'))
      .orderBy('v.due_on')
      .execute()) as (ReviewDates & { id: string; plan_id: string })[]
  }

  async amendmentsOfPlansInForce(
    on: string,
  ): Promise<(AmendmentDates & { id: string; plan_id: string; changes: AmendmentChanges | null })[]> {
    return this.db
      .selectFrom('plan_amendment as a')
      .select([
        'a.id',
        'a.plan_id',
        'a.review_id',
        'a.proposals_sent_on',
        'a.comments_received_on',
        'a.final_issued_on',
        'a.changes',
      ])
      .where('a.la_code', '=', this.laCode)
      .where('a.plan_id', 'in', this.inForce(on).select('p.id'))
      .execute()
  }

  /** A dispute's officer: the officer of the request it is about, else of the request behind the plan. */
  private disputeOfficer(table: 'mediation_case' | 'tribunal_appeal') {
    return sql<string | null>`(
      select coalesce(rq.officer_id, pr.officer_id)
      from ${sql.table(table)} d
      left join ehc_request rq on rq.la_code = d.la_code and rq.id = d.request_id
      left join ehc_plan p on p.la_code = d.la_code and p.id = d.plan_id
      left join ehc_request pr on pr.la_code = p.la_code and pr.id = p.request_id
      where d.la_code = ${this.laCode} and d.id = x.id
    )`
  }

  async openMediations(): Promise<QueueMediationRow[]> {
    return (await this.db
      .selectFrom('mediation_case as x')
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'x.la_code').onRef('c.id', '=', 'x.child_id'))
      .select([
        'x.id',
        'x.child_id',
        'c.first_name',
        'c.last_name',
        'x.decision_on',
        'x.adviser_contacted_on',
        'x.family_choice',
        'x.certificate_issued_on',
        'x.mediation_held_on',
        'x.outcome',
      ])
      .select(this.disputeOfficer('mediation_case').as('officer_id'))
      .where('x.la_code', '=', this.laCode)
      .where('x.certificate_issued_on', 'is', null)
      .where(eb => eb.or([eb('x.outcome', 'is', null), eb('x.outcome', '!=', 'withdrawn')]))
      .execute()) as QueueMediationRow[]
  }

  /** Appeals with an order or a concession still to comply with (R15, R16). */
  async appealsToComplyWith(): Promise<QueueAppealRow[]> {
    return (await this.db
      .selectFrom('tribunal_appeal as x')
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'x.la_code').onRef('c.id', '=', 'x.child_id'))
      .select([
        'x.id',
        'x.child_id',
        'c.first_name',
        'c.last_name',
        'x.outcome',
        'x.outcome_on',
        'x.order_kind',
        'x.conceded_on',
        'x.compliance_done_on',
      ])
      .select(this.disputeOfficer('tribunal_appeal').as('officer_id'))
      .where('x.la_code', '=', this.laCode)
      .where('x.order_kind', 'is not', null)
      .where('x.compliance_done_on', 'is', null)
      .execute()) as QueueAppealRow[]
  }

  async openComplaints(): Promise<QueueComplaintRow[]> {
    return (await this.db
      .selectFrom('complaint as x')
      .leftJoin('child as c', join => join.onRef('c.la_code', '=', 'x.la_code').onRef('c.id', '=', 'x.child_id'))
      .select(['x.id', 'x.child_id', 'c.first_name', 'c.last_name', 'x.stage', 'x.response_due_on'])
      .where('x.la_code', '=', this.laCode)
      .where('x.responded_on', 'is', null)
      .execute()) as QueueComplaintRow[]
  }

  /** Active case officers and SEND managers, with the capacity set for each (null: none set). */
  async officers(): Promise<OfficerRow[]> {
    return this.db
      .selectFrom('app_user as u')
      .leftJoin('officer_capacity as k', join => join.onRef('k.user_id', '=', 'u.id').on('k.la_code', '=', this.laCode))
      .select(['u.id', 'u.display_name', 'u.role', 'k.capacity', 'k.version as capacity_version'])
      .where('u.role', 'in', ['case_officer', 'send_manager'])
      .where('u.active', '=', true)
      .orderBy('u.display_name')
      .execute()
  }

  /**
   * Sets an officer's capacity if the version read is still current (null: none set yet, so insert).
   * Returns the new version, or null when someone else saved first.
   */
  async setCapacity(userId: string, capacity: number, readVersion: number | null, now: Date): Promise<number | null> {
    if (readVersion === null) {
      const row = await this.db
        .insertInto('officer_capacity')
        .values({ la_code: this.laCode, user_id: userId, capacity, updated_at: now })
        .onConflict(oc => oc.columns(['la_code', 'user_id']).doNothing())
        .returning('version')
        .executeTakeFirst()
      return row?.version ?? null
    }
    const row = await this.db
      .updateTable('officer_capacity')
      .set({ capacity, version: readVersion + 1, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('user_id', '=', userId)
      .where('version', '=', readVersion)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }
}

import { sql, type Kysely, type Updateable } from 'kysely'
import type { DB } from '../schema.ts'
import type { Advisor, EhcRequestTable, ExceptionKind, ReceivedVia, RequestSource } from './tables.ts'

// The only code that reads or writes requests for an EHC needs assessment and what hangs off them
// (advice, exceptions, consultations, the plan issued). It also reads the child, officers and settings
// the pages offer, and marks the child as having a plan when one is issued.

export type RequestRow = {
  id: string
  child_id: string
  officer_id: string | null
  officer_name: string | null
  source: RequestSource
  received_via: ReceivedVia
  arrived_on: string
  arrived_time: string | null
  received_on: string
  decision: 'assess' | 'not_assess' | null
  decision_on: string | null
  outcome: 'issue_plan' | 'no_plan' | null
  outcome_on: string | null
  draft_sent_on: string | null
  comments_received_on: string | null
  preferred_setting_id: string | null
  preferred_setting_name: string | null
  final_issued_on: string | null
  plan_id: string | null
  withdrawn_on: string | null
  withdrawn_reason: string | null
  version: number
  created_at: Date
}

export type AdviceRow = {
  id: string
  advisor: Advisor
  advisor_name: string | null
  requested_on: string
  received_on: string | null
  version: number
}

export type ExceptionRow = {
  id: string
  kind: ExceptionKind
  from_date: string
  to_date: string
  reason: string
  applied_by_name: string
  applied_at: Date
}

export type ConsultationRow = {
  id: string
  setting_id: string
  setting_name: string
  sent_on: string
  response: 'can_meet' | 'cannot_meet' | null
  responded_on: string | null
  version: number
}

export type ChildSummary = {
  id: string
  first_name: string
  last_name: string
  date_of_birth: string
  sen_status: string
  ehcp_start_date: string | null
}

export type PlanRow = {
  id: string
  issued_on: string
  named_setting_id: string | null
  named_setting_name: string | null
  named_setting_type: string | null
  provision_summary: string
  needs: { rank: number; need_code: string }[]
}

/** The fields a use case may change on a request; the version is checked and bumped by the store. */
export type RequestChange = Pick<
  Updateable<EhcRequestTable>,
  | 'decision'
  | 'decision_on'
  | 'outcome'
  | 'outcome_on'
  | 'draft_sent_on'
  | 'comments_received_on'
  | 'preferred_setting_id'
  | 'final_issued_on'
  | 'plan_id'
  | 'withdrawn_on'
  | 'withdrawn_reason'
  | 'officer_id'
>

export class RequestStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): RequestStore {
    return new RequestStore(db, this.laCode)
  }

  async findChild(childId: string): Promise<ChildSummary | undefined> {
    return this.db
      .selectFrom('child')
      .select(['id', 'first_name', 'last_name', 'date_of_birth', 'sen_status', 'ehcp_start_date'])
      .where('la_code', '=', this.laCode)
      .where('id', '=', childId)
      .executeTakeFirst()
  }

  private requests() {
    return this.db
      .selectFrom('ehc_request as r')
      .leftJoin('app_user as o', 'o.id', 'r.officer_id')
      .leftJoin('setting as s', 's.id', 'r.preferred_setting_id')
      .select([
        'r.id',
        'r.child_id',
        'r.officer_id',
        'o.display_name as officer_name',
        'r.source',
        'r.received_via',
        'r.arrived_on',
        'r.arrived_time',
        'r.received_on',
        'r.decision',
        'r.decision_on',
        'r.outcome',
        'r.outcome_on',
        'r.draft_sent_on',
        'r.comments_received_on',
        'r.preferred_setting_id',
        's.name as preferred_setting_name',
        'r.final_issued_on',
        'r.plan_id',
        'r.withdrawn_on',
        'r.withdrawn_reason',
        'r.version',
        'r.created_at',
      ])
      .where('r.la_code', '=', this.laCode)
  }

  async findRequest(requestId: string): Promise<RequestRow | undefined> {
    return this.requests().where('r.id', '=', requestId).executeTakeFirst()
  }

  async childRequests(childId: string): Promise<RequestRow[]> {
    return this.requests().where('r.child_id', '=', childId).orderBy('r.received_on', 'desc').execute()
  }

  /**
   * Requests still running on their clocks: not finalised, withdrawn, refused at the first decision or
   * closed by a notice of no plan. Optionally one officer's.
   */
  async openRequests(officerId?: string): Promise<(RequestRow & { first_name: string; last_name: string })[]> {
    let query = this.requests()
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'r.la_code').onRef('c.id', '=', 'r.child_id'))
      .select(['c.first_name', 'c.last_name'])
      .where('r.final_issued_on', 'is', null)
      .where('r.withdrawn_on', 'is', null)
      .where(eb => eb.or([eb('r.decision', 'is', null), eb('r.decision', '=', 'assess')]))
      .where(eb => eb.or([eb('r.outcome', 'is', null), eb('r.outcome', '=', 'issue_plan')]))
    if (officerId) query = query.where('r.officer_id', '=', officerId)
    return query.orderBy('r.received_on').execute()
  }

  async insertRequest(values: {
    childId: string
    officerId: string
    source: RequestSource
    receivedVia: ReceivedVia
    arrivedOn: string
    arrivedTime: string | null
    receivedOn: string
    createdBy: string
    now: Date
  }): Promise<string> {
    const row = await this.db
      .insertInto('ehc_request')
      .values({
        la_code: this.laCode,
        child_id: values.childId,
        officer_id: values.officerId,
        source: values.source,
        received_via: values.receivedVia,
        arrived_on: values.arrivedOn,
        arrived_time: values.arrivedTime,
        received_on: values.receivedOn,
        created_by: values.createdBy,
        created_at: values.now,
        updated_at: values.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  /** Applies the change only if the request is still at the version read; the new version, or null. */
  async updateRequest(requestId: string, version: number, change: RequestChange, now: Date): Promise<number | null> {
    const row = await this.db
      .updateTable('ehc_request')
      .set({ ...change, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', requestId)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  /** Something hanging off the request changed (advice, exception, consultation): the case is at a new version. */
  async touchRequest(requestId: string, version: number, now: Date): Promise<number | null> {
    return this.updateRequest(requestId, version, {}, now)
  }

  async advice(requestId: string): Promise<AdviceRow[]> {
    return this.db
      .selectFrom('advice_request')
      .select(['id', 'advisor', 'advisor_name', 'requested_on', 'received_on', 'version'])
      .where('la_code', '=', this.laCode)
      .where('request_id', '=', requestId)
      .orderBy('requested_on')
      .orderBy('created_at')
      .execute()
  }

  async insertAdvice(requestId: string, advisor: Advisor, name: string | null, requestedOn: string, now: Date) {
    const row = await this.db
      .insertInto('advice_request')
      .values({
        la_code: this.laCode,
        request_id: requestId,
        advisor,
        advisor_name: name,
        requested_on: requestedOn,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  async markAdviceReceived(adviceId: string, version: number, receivedOn: string, now: Date) {
    const row = await this.db
      .updateTable('advice_request')
      .set({ received_on: receivedOn, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', adviceId)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  async exceptions(requestId: string): Promise<ExceptionRow[]> {
    return this.db
      .selectFrom('casework_exception as e')
      .innerJoin('app_user as u', 'u.id', 'e.applied_by')
      .select([
        'e.id',
        'e.kind',
        'e.from_date',
        'e.to_date',
        'e.reason',
        'u.display_name as applied_by_name',
        'e.applied_at',
      ])
      .where('e.la_code', '=', this.laCode)
      .where('e.request_id', '=', requestId)
      .orderBy('e.from_date')
      .execute()
  }

  async insertException(
    requestId: string,
    e: { kind: ExceptionKind; from: string; to: string; reason: string; appliedBy: string },
    now: Date,
  ) {
    const row = await this.db
      .insertInto('casework_exception')
      .values({
        la_code: this.laCode,
        request_id: requestId,
        kind: e.kind,
        from_date: e.from,
        to_date: e.to,
        reason: e.reason,
        applied_by: e.appliedBy,
        applied_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  async consultations(requestId: string): Promise<ConsultationRow[]> {
    return this.db
      .selectFrom('placement_consultation as pc')
      .innerJoin('setting as s', 's.id', 'pc.setting_id')
      .select([
        'pc.id',
        'pc.setting_id',
        's.name as setting_name',
        'pc.sent_on',
        'pc.response',
        'pc.responded_on',
        'pc.version',
      ])
      .where('pc.la_code', '=', this.laCode)
      .where('pc.request_id', '=', requestId)
      .orderBy('pc.sent_on')
      .orderBy('pc.created_at')
      .execute()
  }

  async insertConsultation(requestId: string, settingId: string, sentOn: string, now: Date) {
    const row = await this.db
      .insertInto('placement_consultation')
      .values({
        la_code: this.laCode,
        request_id: requestId,
        setting_id: settingId,
        sent_on: sentOn,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  async recordResponse(
    consultationId: string,
    version: number,
    response: 'can_meet' | 'cannot_meet',
    respondedOn: string,
    now: Date,
  ) {
    const row = await this.db
      .updateTable('placement_consultation')
      .set({ response, responded_on: respondedOn, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', consultationId)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  /** The child's plan in force, if any (one at a time: ehc_plan_active). */
  async planInForce(childId: string): Promise<{ id: string } | undefined> {
    return this.db
      .selectFrom('ehc_plan')
      .select('id')
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .where('ceased_on', 'is', null)
      .executeTakeFirst()
  }

  async findPlan(planId: string): Promise<PlanRow | undefined> {
    const plan = await this.db
      .selectFrom('ehc_plan as p')
      .leftJoin('setting as s', 's.id', 'p.named_setting_id')
      .select([
        'p.id',
        'p.issued_on',
        'p.named_setting_id',
        's.name as named_setting_name',
        'p.named_setting_type',
        'p.provision_summary',
      ])
      .where('p.la_code', '=', this.laCode)
      .where('p.id', '=', planId)
      .executeTakeFirst()
    if (!plan) return undefined
    const needs = await this.db
      .selectFrom('ehc_plan_need')
      .select(['rank', 'need_code'])
      .where('la_code', '=', this.laCode)
      .where('plan_id', '=', planId)
      .orderBy('rank')
      .execute()
    return { ...plan, needs }
  }

  async insertPlan(values: {
    childId: string
    requestId: string
    issuedOn: string
    namedSettingId: string | null
    namedSettingType: string | null
    provisionSummary: string
    needs: string[]
    createdBy: string
    now: Date
  }): Promise<string> {
    const plan = await this.db
      .insertInto('ehc_plan')
      .values({
        la_code: this.laCode,
        child_id: values.childId,
        request_id: values.requestId,
        issued_on: values.issuedOn,
        named_setting_id: values.namedSettingId,
        named_setting_type: values.namedSettingType,
        provision_summary: values.provisionSummary,
        created_by: values.createdBy,
        created_at: values.now,
        updated_at: values.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await this.db
      .insertInto('ehc_plan_need')
      .values(values.needs.map((need_code, i) => ({ la_code: this.laCode, plan_id: plan.id, rank: i + 1, need_code })))
      .execute()
    return plan.id
  }

  /** Marks the child as having a plan from the issue date, unless the record already says so. */
  async markChildEhcp(childId: string, issuedOn: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('child')
      .set({
        sen_status: 'ehcp',
        ehcp_start_date: sql`coalesce(ehcp_start_date, ${issuedOn}::date)`,
        version: sql`version + 1`,
        updated_at: sql`${now.toISOString()}::timestamptz`,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', childId)
      .where(eb => eb.or([eb('sen_status', '!=', 'ehcp'), eb('ehcp_start_date', 'is', null)]))
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  }

  /** Case officers and SEND managers who can hold a case, by name. */
  async officers(): Promise<{ id: string; display_name: string }[]> {
    return this.db
      .selectFrom('app_user')
      .select(['id', 'display_name'])
      .where('role', 'in', ['case_officer', 'send_manager'])
      .where('active', '=', true)
      .orderBy('display_name')
      .execute()
  }

  async settings(): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom('setting')
      .select(['id', 'name'])
      .where('la_code', '=', this.laCode)
      .orderBy('name')
      .execute()
  }
}

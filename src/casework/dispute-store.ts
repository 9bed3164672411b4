import type { Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type {
  AppealOutcome,
  AppealReason,
  ComplaintOutcome,
  DecisionKind,
  FamilyChoice,
  MediationOutcome,
  OrderKind,
} from './dispute-tables.ts'

// The only code that reads or writes mediation cases, tribunal appeals, complaints and compliments.

export type MediationRow = {
  id: string
  child_id: string
  plan_id: string | null
  request_id: string | null
  decision_kind: DecisionKind
  decision_on: string
  adviser_contacted_on: string
  family_choice: FamilyChoice | null
  certificate_issued_on: string | null
  mediation_held_on: string | null
  outcome: MediationOutcome | null
  version: number
}

export type AppealRow = {
  id: string
  child_id: string
  plan_id: string | null
  request_id: string | null
  mediation_id: string | null
  decision_kind: DecisionKind
  decision_on: string
  registered_on: string
  appeal_reasons: AppealReason[]
  hearing_on: string | null
  outcome: AppealOutcome | null
  outcome_on: string | null
  order_kind: OrderKind | null
  conceded_on: string | null
  compliance_done_on: string | null
  version: number
}

export type ComplaintRow = {
  id: string
  child_id: string | null
  escalated_from: string | null
  received_on: string
  stage: number
  subject: string
  response_due_on: string
  responded_on: string | null
  outcome: ComplaintOutcome | null
  version: number
}

export type ComplimentRow = { id: string; received_on: string; about: string; team: string | null }

export type ChildRef = { id: string; first_name: string; last_name: string; local_id: string }

export type MediationChange = Pick<
  MediationRow,
  | 'plan_id'
  | 'request_id'
  | 'decision_kind'
  | 'decision_on'
  | 'adviser_contacted_on'
  | 'family_choice'
  | 'certificate_issued_on'
  | 'mediation_held_on'
  | 'outcome'
>

export type AppealChange = Omit<AppealRow, 'id' | 'child_id' | 'version'>

const MEDIATION = [
  'id',
  'child_id',
  'plan_id',
  'request_id',
  'decision_kind',
  'decision_on',
  'adviser_contacted_on',
  'family_choice',
  'certificate_issued_on',
  'mediation_held_on',
  'outcome',
  'version',
] as const

const APPEAL = [
  'id',
  'child_id',
  'plan_id',
  'request_id',
  'mediation_id',
  'decision_kind',
  'decision_on',
  'registered_on',
  'appeal_reasons',
  'hearing_on',
  'outcome',
  'outcome_on',
  'order_kind',
  'conceded_on',
  'compliance_done_on',
  'version',
] as const

const COMPLAINT = [
  'id',
  'child_id',
  'escalated_from',
  'received_on',
  'stage',
  'subject',
  'response_due_on',
  'responded_on',
  'outcome',
  'version',
] as const

// jsonb arrives parsed from pg and PGlite alike; a string is parsed in case a driver hands one over.
function appealOf(row: Record<string, unknown>): AppealRow {
  const reasons = row.appeal_reasons
  return { ...(row as AppealRow), appeal_reasons: typeof reasons === 'string' ? JSON.parse(reasons) : reasons }
}

export class DisputeStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): DisputeStore {
    return new DisputeStore(db, this.laCode)
  }

  async child(id: string): Promise<ChildRef | undefined> {
    return this.db
      .selectFrom('child')
      .select(['id', 'first_name', 'last_name', 'local_id'])
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  async childByLocalId(localId: string): Promise<ChildRef | undefined> {
    return this.db
      .selectFrom('child')
      .select(['id', 'first_name', 'last_name', 'local_id'])
      .where('la_code', '=', this.laCode)
      .where('local_id', '=', localId)
      .executeTakeFirst()
  }

  async children(ids: string[]): Promise<ChildRef[]> {
    if (!ids.length) return []
    return this.db
      .selectFrom('child')
      .select(['id', 'first_name', 'last_name', 'local_id'])
      .where('la_code', '=', this.laCode)
      .where('id', 'in', [...new Set(ids)])
      .execute()
  }

  /** The child's plans and requests, which a mediation case or an appeal may be linked to. */
  async childLinks(childId: string) {
    const plans = await this.db
      .selectFrom('ehc_plan')
      .select(['id', 'issued_on', 'ceased_on'])
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .orderBy('issued_on', 'desc')
      .execute()
    const requests = await this.db
      .selectFrom('ehc_request')
      .select(['id', 'received_on'])
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .orderBy('received_on', 'desc')
      .execute()
    return { plans, requests }
  }

  // Mediation

  async findMediation(id: string): Promise<MediationRow | undefined> {
    return (await this.db
      .selectFrom('mediation_case')
      .select(MEDIATION)
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()) as MediationRow | undefined
  }

  async childMediations(childId: string): Promise<MediationRow[]> {
    return (await this.db
      .selectFrom('mediation_case')
      .select(MEDIATION)
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .orderBy('decision_on', 'desc')
      .orderBy('created_at', 'desc')
      .execute()) as MediationRow[]
  }

  /** Cases still waiting for a certificate (and not withdrawn). */
  async openMediations(): Promise<MediationRow[]> {
    return (await this.db
      .selectFrom('mediation_case')
      .select(MEDIATION)
      .where('la_code', '=', this.laCode)
      .where('certificate_issued_on', 'is', null)
      .where(eb => eb.or([eb('outcome', 'is', null), eb('outcome', '!=', 'withdrawn')]))
      .orderBy('decision_on')
      .execute()) as MediationRow[]
  }

  async insertMediation(values: MediationChange & { child_id: string; created_by: string; now: Date }) {
    const { now, ...row } = values
    const inserted = await this.db
      .insertInto('mediation_case')
      .values({ ...row, la_code: this.laCode, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    return inserted.id
  }

  /** The new version, or null when the case changed since `version` was read. */
  async updateMediation(id: string, version: number, change: MediationChange, now: Date): Promise<number | null> {
    const row = await this.db
      .updateTable('mediation_case')
      .set(eb => ({ ...change, version: eb('version', '+', 1), updated_at: now }))
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  // Appeals

  async findAppeal(id: string): Promise<AppealRow | undefined> {
    const row = await this.db
      .selectFrom('tribunal_appeal')
      .select(APPEAL)
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()
    return row ? appealOf(row) : undefined
  }

  async childAppeals(childId: string): Promise<AppealRow[]> {
    const rows = await this.db
      .selectFrom('tribunal_appeal')
      .select(APPEAL)
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .orderBy('registered_on', 'desc')
      .orderBy('created_at', 'desc')
      .execute()
    return rows.map(appealOf)
  }

  /** Appeals not yet decided, and those decided with an order or concession not yet complied with. */
  async openAppeals(): Promise<AppealRow[]> {
    const rows = await this.db
      .selectFrom('tribunal_appeal')
      .select(APPEAL)
      .where('la_code', '=', this.laCode)
      .where(eb =>
        eb.or([
          eb('outcome', 'is', null),
          eb.and([eb('order_kind', 'is not', null), eb('compliance_done_on', 'is', null)]),
        ]),
      )
      .orderBy('registered_on')
      .execute()
    return rows.map(appealOf)
  }

  async appealYears(): Promise<{ registered_on: string; appeal_reasons: AppealReason[] }[]> {
    const rows = await this.db
      .selectFrom('tribunal_appeal')
      .select(['registered_on', 'appeal_reasons'])
      .where('la_code', '=', this.laCode)
      .execute()
    return rows.map(r => appealOf(r as Record<string, unknown>))
  }

  async insertAppeal(values: AppealChange & { child_id: string; created_by: string; now: Date }) {
    const { now, appeal_reasons, ...row } = values
    const inserted = await this.db
      .insertInto('tribunal_appeal')
      .values({
        ...row,
        appeal_reasons: JSON.stringify(appeal_reasons),
        la_code: this.laCode,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return inserted.id
  }

  async updateAppeal(id: string, version: number, change: AppealChange, now: Date): Promise<number | null> {
    const { appeal_reasons, ...rest } = change
    const row = await this.db
      .updateTable('tribunal_appeal')
      .set(eb => ({
        ...rest,
        appeal_reasons: JSON.stringify(appeal_reasons),
        version: eb('version', '+', 1),
        updated_at: now,
      }))
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  // Complaints and compliments

  async findComplaint(id: string): Promise<ComplaintRow | undefined> {
    return this.db
      .selectFrom('complaint')
      .select(COMPLAINT)
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  async complaints(): Promise<ComplaintRow[]> {
    return this.db
      .selectFrom('complaint')
      .select(COMPLAINT)
      .where('la_code', '=', this.laCode)
      .orderBy('received_on', 'desc')
      .orderBy('stage', 'desc')
      .execute()
  }

  async escalationOf(id: string): Promise<ComplaintRow | undefined> {
    return this.db
      .selectFrom('complaint')
      .select(COMPLAINT)
      .where('la_code', '=', this.laCode)
      .where('escalated_from', '=', id)
      .executeTakeFirst()
  }

  async insertComplaint(values: {
    child_id: string | null
    escalated_from: string | null
    received_on: string
    stage: number
    subject: string
    response_due_on: string
    created_by: string
    now: Date
  }): Promise<string> {
    const { now, ...row } = values
    const inserted = await this.db
      .insertInto('complaint')
      .values({ ...row, la_code: this.laCode, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    return inserted.id
  }

  async respondComplaint(
    id: string,
    version: number,
    change: { responded_on: string; outcome: ComplaintOutcome },
    now: Date,
  ): Promise<number | null> {
    const row = await this.db
      .updateTable('complaint')
      .set(eb => ({ ...change, version: eb('version', '+', 1), updated_at: now }))
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  /** Bumps the version of the complaint escalated, so a second escalation from the same page is refused. */
  async touchComplaint(id: string, version: number, now: Date): Promise<number | null> {
    const row = await this.db
      .updateTable('complaint')
      .set(eb => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  async compliments(): Promise<ComplimentRow[]> {
    return this.db
      .selectFrom('compliment')
      .select(['id', 'received_on', 'about', 'team'])
      .where('la_code', '=', this.laCode)
      .orderBy('received_on', 'desc')
      .execute()
  }

  async insertCompliment(values: {
    received_on: string
    about: string
    team: string | null
    created_by: string
    now: Date
  }) {
    const { now, ...row } = values
    const inserted = await this.db
      .insertInto('compliment')
      .values({ ...row, la_code: this.laCode, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    return inserted.id
  }
}

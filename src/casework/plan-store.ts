import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { Phase } from '../people/tables.ts'
import type { AmendmentChanges } from './tables.ts'

// The only code that reads or writes EHC plans, their needs, amendments and consultations. It also
// reads the child and the settings a plan may name.

export type PlanRow = {
  id: string
  child_id: string
  request_id: string | null
  issued_on: string
  named_setting_id: string | null
  named_setting_type: string | null
  named_setting_name: string | null
  named_setting_phase: Phase | null
  provision_summary: string
  cease_decided_on: string | null
  cease_decision_reason: number | null
  cease_note: string | null
  ceased_on: string | null
  cease_reason: number | null
  version: number
}

export type ChildRow = {
  id: string
  first_name: string
  last_name: string
  date_of_birth: string
}

export type AmendmentRow = {
  id: string
  plan_id: string
  review_id: string | null
  proposals_sent_on: string
  comments_received_on: string | null
  final_issued_on: string | null
  summary: string
  changes: AmendmentChanges | null
  version: number
}

export type ConsultationRow = {
  id: string
  amendment_id: string | null
  setting_id: string
  setting_name: string
  sent_on: string
  response: 'can_meet' | 'cannot_meet' | null
  responded_on: string | null
}

export type PlanContent = {
  namedSettingId: string | null
  namedSettingType: string | null
  provisionSummary: string
  needs: string[]
}

const PLAN_COLUMNS = [
  'ehc_plan.id',
  'ehc_plan.child_id',
  'ehc_plan.request_id',
  'ehc_plan.issued_on',
  'ehc_plan.named_setting_id',
  'ehc_plan.named_setting_type',
  'setting.name as named_setting_name',
  'setting.phase as named_setting_phase',
  'ehc_plan.provision_summary',
  'ehc_plan.cease_decided_on',
  'ehc_plan.cease_decision_reason',
  'ehc_plan.cease_note',
  'ehc_plan.ceased_on',
  'ehc_plan.cease_reason',
  'ehc_plan.version',
] as const

const AMENDMENT_COLUMNS = [
  'id',
  'plan_id',
  'review_id',
  'proposals_sent_on',
  'comments_received_on',
  'final_issued_on',
  'summary',
  'changes',
  'version',
] as const

export class PlanStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): PlanStore {
    return new PlanStore(db, this.laCode)
  }

  async findChild(childId: string): Promise<ChildRow | undefined> {
    return this.db
      .selectFrom('child')
      .select(['id', 'first_name', 'last_name', 'date_of_birth'])
      .where('la_code', '=', this.laCode)
      .where('id', '=', childId)
      .executeTakeFirst()
  }

  async childrenByIds(ids: readonly string[]): Promise<ChildRow[]> {
    if (!ids.length) return []
    return this.db
      .selectFrom('child')
      .select(['id', 'first_name', 'last_name', 'date_of_birth'])
      .where('la_code', '=', this.laCode)
      .where('id', 'in', ids)
      .execute()
  }

  /** Settings a plan may name, by name. */
  async settings(): Promise<{ id: string; name: string; phase: Phase }[]> {
    return this.db
      .selectFrom('setting')
      .select(['id', 'name', 'phase'])
      .where('la_code', '=', this.laCode)
      .orderBy('name')
      .execute()
  }

  async settingExists(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('setting')
      .select('id')
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()
    return Boolean(row)
  }

  private plans() {
    return this.db
      .selectFrom('ehc_plan')
      .leftJoin('setting', join =>
        join.onRef('setting.id', '=', 'ehc_plan.named_setting_id').onRef('setting.la_code', '=', 'ehc_plan.la_code'),
      )
      .select(PLAN_COLUMNS)
      .where('ehc_plan.la_code', '=', this.laCode)
  }

  async findPlan(planId: string): Promise<PlanRow | undefined> {
    return (await this.plans().where('ehc_plan.id', '=', planId).executeTakeFirst()) as PlanRow | undefined
  }

  /** The child's plan in force (one at most: a unique index), else their latest ceased plan. */
  async childPlan(childId: string): Promise<PlanRow | undefined> {
    return (await this.plans()
      .where('ehc_plan.child_id', '=', childId)
      .orderBy(sql`ehc_plan.ceased_on is null`, 'desc')
      .orderBy('ehc_plan.issued_on', 'desc')
      .executeTakeFirst()) as PlanRow | undefined
  }

  /** Every plan not ceased by the date, for the lists. */
  async plansInForce(on: string): Promise<PlanRow[]> {
    return (await this.plans()
      .where(eb => eb.or([eb('ehc_plan.ceased_on', 'is', null), eb('ehc_plan.ceased_on', '>', on)]))
      .where('ehc_plan.issued_on', '<=', on)
      .execute()) as PlanRow[]
  }

  async needs(planIds: readonly string[]): Promise<{ plan_id: string; rank: number; need_code: string }[]> {
    if (!planIds.length) return []
    return this.db
      .selectFrom('ehc_plan_need')
      .select(['plan_id', 'rank', 'need_code'])
      .where('la_code', '=', this.laCode)
      .where('plan_id', 'in', planIds)
      .orderBy('plan_id')
      .orderBy('rank')
      .execute()
  }

  async insertPlan(row: { childId: string; issuedOn: string; content: PlanContent; createdBy: string; now: Date }) {
    const { id } = await this.db
      .insertInto('ehc_plan')
      .values({
        la_code: this.laCode,
        child_id: row.childId,
        issued_on: row.issuedOn,
        named_setting_id: row.content.namedSettingId,
        named_setting_type: row.content.namedSettingType,
        provision_summary: row.content.provisionSummary,
        created_by: row.createdBy,
        created_at: row.now,
        updated_at: row.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await this.replaceNeeds(id, row.content.needs)
    return id
  }

  private async replaceNeeds(planId: string, needs: readonly string[]) {
    await this.db.deleteFrom('ehc_plan_need').where('la_code', '=', this.laCode).where('plan_id', '=', planId).execute()
    if (!needs.length) return
    await this.db
      .insertInto('ehc_plan_need')
      .values(needs.map((need_code, i) => ({ la_code: this.laCode, plan_id: planId, rank: i + 1, need_code })))
      .execute()
  }

  /** Writes the plan's content if it is still at the version read; null when someone changed it. */
  async updateContent(planId: string, expected: number, content: PlanContent, now: Date): Promise<number | null> {
    const row = await this.db
      .updateTable('ehc_plan')
      .set({
        named_setting_id: content.namedSettingId,
        named_setting_type: content.namedSettingType,
        provision_summary: content.provisionSummary,
        version: sql<number>`version + 1`,
        updated_at: now,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', planId)
      .where('version', '=', expected)
      .returning('version')
      .executeTakeFirst()
    if (!row) return null
    await this.replaceNeeds(planId, content.needs)
    return row.version
  }

  async updateCessation(
    planId: string,
    expected: number,
    change: {
      cease_decided_on?: string | null
      cease_decision_reason?: number | null
      cease_note?: string | null
      ceased_on?: string | null
      cease_reason?: number | null
    },
    now: Date,
  ): Promise<number | null> {
    const row = await this.db
      .updateTable('ehc_plan')
      .set({ ...change, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', planId)
      .where('version', '=', expected)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  async amendments(planIds: readonly string[]): Promise<AmendmentRow[]> {
    if (!planIds.length) return []
    return (await this.db
      .selectFrom('plan_amendment')
      .select(AMENDMENT_COLUMNS)
      .where('la_code', '=', this.laCode)
      .where('plan_id', 'in', planIds)
      .orderBy('proposals_sent_on', 'desc')
      .orderBy('created_at', 'desc')
      .execute()) as AmendmentRow[]
  }

  async findAmendment(id: string): Promise<AmendmentRow | undefined> {
    return (await this.db
      .selectFrom('plan_amendment')
      .select(AMENDMENT_COLUMNS)
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()) as AmendmentRow | undefined
  }

  async insertAmendment(row: {
    planId: string
    reviewId: string | null
    proposalsSentOn: string
    summary: string
    createdBy: string
    now: Date
  }): Promise<string> {
    const { id } = await this.db
      .insertInto('plan_amendment')
      .values({
        la_code: this.laCode,
        plan_id: row.planId,
        review_id: row.reviewId,
        proposals_sent_on: row.proposalsSentOn,
        summary: row.summary,
        created_by: row.createdBy,
        created_at: row.now,
        updated_at: row.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return id
  }

  async updateAmendment(
    id: string,
    expected: number,
    change: {
      comments_received_on?: string | null
      final_issued_on?: string | null
      summary?: string
      changes?: AmendmentChanges | null
    },
    now: Date,
  ): Promise<number | null> {
    const { changes, ...rest } = change
    const row = await this.db
      .updateTable('plan_amendment')
      .set({
        ...rest,
        ...(changes !== undefined ? { changes: changes === null ? null : JSON.stringify(changes) } : {}),
        version: sql<number>`version + 1`,
        updated_at: now,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  async consultations(amendmentIds: readonly string[]): Promise<ConsultationRow[]> {
    if (!amendmentIds.length) return []
    return (await this.db
      .selectFrom('placement_consultation')
      .innerJoin('setting', 'setting.id', 'placement_consultation.setting_id')
      .select([
        'placement_consultation.id',
        'placement_consultation.amendment_id',
        'placement_consultation.setting_id',
        'setting.name as setting_name',
        'placement_consultation.sent_on',
        'placement_consultation.response',
        'placement_consultation.responded_on',
      ])
      .where('placement_consultation.la_code', '=', this.laCode)
      .where('placement_consultation.amendment_id', 'in', amendmentIds)
      .orderBy('placement_consultation.sent_on')
      .orderBy('placement_consultation.created_at')
      .execute()) as ConsultationRow[]
  }

  async insertConsultation(row: {
    amendmentId: string
    settingId: string
    sentOn: string
    response: 'can_meet' | 'cannot_meet' | null
    respondedOn: string | null
    now: Date
  }): Promise<string> {
    const { id } = await this.db
      .insertInto('placement_consultation')
      .values({
        la_code: this.laCode,
        amendment_id: row.amendmentId,
        setting_id: row.settingId,
        sent_on: row.sentOn,
        response: row.response,
        responded_on: row.respondedOn,
        created_at: row.now,
        updated_at: row.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return id
  }
}

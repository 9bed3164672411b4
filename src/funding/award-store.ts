import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { FundedSettingType, MatrixVersionSpec } from './rules/matrix-version.ts'
import type { AwardStatus, StoredLevel8Package } from './tables.ts'

// The only code that reads or writes awards. It also makes one small read of a child's current
// placement and setting: which school they attend decides who may assess them and how they are funded.

const AWARD_COLUMNS = [
  'award.id',
  'award.child_id',
  'award.setting_id',
  'award.matrix_version_id',
  'award.funded_setting_type',
  'award.choices',
  'award.evidence',
  'award.total_points',
  'award.level',
  'award.status',
  'award.annual_pence',
  'award.start_date',
  'award.end_date',
  'award.version',
  'award.band_code',
  'award.level8_package',
  'award.level8_total_pence',
  'award.returned_reason',
  'award.created_at',
  'award.updated_at',
  'award.submitted_at',
  'award.agreed_at',
  'award.level8_referred',
] as const

export type AwardRow = {
  id: string
  child_id: string
  setting_id: string
  matrix_version_id: string
  funded_setting_type: FundedSettingType
  choices: Record<string, unknown>
  evidence: Record<string, unknown>
  total_points: number | string | null
  level: number | null
  status: AwardStatus
  annual_pence: number | null
  start_date: string
  end_date: string | null
  version: number
  band_code: string | null
  level8_package: StoredLevel8Package | null
  level8_total_pence: number | null
  returned_reason: string | null
  created_at: Date
  updated_at: Date
  submitted_at: Date | null
  agreed_at: Date | null
  level8_referred: boolean
  version_name: string
}

/** The panel's part in an award: the session it waits for, and its issued decision. */
export type AwardPanelStatus = {
  awaitingSessionDate: string | null
  decision: IssuedDecision | null
}

export type IssuedDecision = {
  id: string
  award_id: string
  outcome: 'agree' | 'change_level' | 'return' | 'refer_level8'
  proposed_level: number | null
  decided_level: number | null
  annual_pence: number | null
  reason: string | null
  evidence_needed: string | null
  start_date: string | null
  issued_at: Date | null
}

export type CurrentPlacement = {
  setting_id: string
  setting_name: string
  setting_type: string
  resourced_provision: boolean
}

/** What a save writes: the assessment and what it computes to. */
export type AwardChange = {
  choices: Record<string, string | null>
  evidence: Record<string, string>
  totalPoints: number | null
  level: number | null
  annualPence: number | null
  bandCode: string | null
  level8: { package: StoredLevel8Package; totalPence: number } | null
  now: Date
}

export class AwardStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): AwardStore {
    return new AwardStore(db, this.laCode)
  }

  async childExists(childId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('child')
      .select('id')
      .where('la_code', '=', this.laCode)
      .where('id', '=', childId)
      .executeTakeFirst()
    return Boolean(row)
  }

  /** The setting the child attends (rank 1) on the date, with what decides their funding. */
  async currentPlacement(childId: string, on: string): Promise<CurrentPlacement | undefined> {
    return this.db
      .selectFrom('placement')
      .innerJoin('setting', 'setting.id', 'placement.setting_id')
      .select([
        'placement.setting_id',
        'setting.name as setting_name',
        'setting.setting_type',
        'placement.resourced_provision',
      ])
      .where('placement.la_code', '=', this.laCode)
      .where('placement.child_id', '=', childId)
      .where('placement.rank', '=', 1)
      .where('placement.start_date', '<=', on)
      .where(eb => eb.or([eb('placement.end_date', 'is', null), eb('placement.end_date', '>=', on)]))
      .orderBy('placement.start_date', 'desc')
      .executeTakeFirst()
  }

  async approvedVersions(): Promise<{ id: string; name: string; spec: MatrixVersionSpec; approved_at: Date | null }[]> {
    return this.db
      .selectFrom('matrix_version')
      .select(['id', 'name', 'spec', 'approved_at'])
      .where('la_code', '=', this.laCode)
      .where('status', '=', 'approved')
      .orderBy('approved_at', 'desc')
      .orderBy('id')
      .execute()
  }

  async versionSpec(id: string): Promise<MatrixVersionSpec | undefined> {
    const row = await this.db
      .selectFrom('matrix_version')
      .select('spec')
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()
    return row?.spec
  }

  /** A special school's bands for one financial year. */
  async bands(settingId: string, financialYear: string) {
    return this.db
      .selectFrom('special_school_band')
      .select(['code', 'name', 'annual_pence_per_place'])
      .where('la_code', '=', this.laCode)
      .where('setting_id', '=', settingId)
      .where('financial_year', '=', financialYear)
      .orderBy('code')
      .execute()
  }

  private awards() {
    return this.db
      .selectFrom('award')
      .innerJoin('matrix_version', join =>
        join
          .onRef('matrix_version.id', '=', 'award.matrix_version_id')
          .onRef('matrix_version.la_code', '=', 'award.la_code'),
      )
      .select([...AWARD_COLUMNS, 'matrix_version.name as version_name'])
      .where('award.la_code', '=', this.laCode)
  }

  async findAward(id: string): Promise<AwardRow | undefined> {
    return (await this.awards().where('award.id', '=', id).executeTakeFirst()) as AwardRow | undefined
  }

  /** A child's awards, newest first: the history of their funding. */
  async childAwards(childId: string): Promise<AwardRow[]> {
    return (await this.awards()
      .where('award.child_id', '=', childId)
      .orderBy('award.created_at', 'desc')
      .orderBy('award.id')
      .execute()) as AwardRow[]
  }

  /** The child's matrix still being completed (draft or returned), so starting again resumes it. */
  async openAward(childId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('award')
      .select('id')
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .where('status', 'in', ['draft', 'returned'])
      .orderBy('created_at', 'desc')
      .executeTakeFirst()
    return row?.id
  }

  async insertAward(row: {
    childId: string
    settingId: string
    versionId: string
    settingType: FundedSettingType
    startDate: string
    createdBy: string
    now: Date
  }): Promise<string> {
    const created = await this.db
      .insertInto('award')
      .values({
        la_code: this.laCode,
        child_id: row.childId,
        setting_id: row.settingId,
        matrix_version_id: row.versionId,
        funded_setting_type: row.settingType,
        start_date: row.startDate,
        created_by: row.createdBy,
        created_at: row.now,
        updated_at: row.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return created.id
  }

  /** Writes a draft if it is still at the version read and still editable; null when it is not. */
  async saveAward(id: string, expected: number, change: AwardChange): Promise<number | null> {
    const row = await this.db
      .updateTable('award')
      .set({
        choices: JSON.stringify(change.choices),
        evidence: JSON.stringify(change.evidence),
        total_points: change.totalPoints,
        level: change.level,
        annual_pence: change.annualPence,
        band_code: change.bandCode,
        level8_package: change.level8 ? JSON.stringify(change.level8.package) : null,
        level8_total_pence: change.level8?.totalPence ?? null,
        version: sql<number>`version + 1`,
        updated_at: change.now,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected)
      .where('status', 'in', ['draft', 'returned'])
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  async markSubmitted(id: string, expected: number, by: string, now: Date): Promise<number | null> {
    const row = await this.db
      .updateTable('award')
      .set({
        status: 'submitted',
        submitted_at: now,
        submitted_by: by,
        version: sql<number>`version + 1`,
        updated_at: now,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected)
      .where('status', 'in', ['draft', 'returned'])
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  /** A submitted award the panel has decided: not paid until the decision is issued. */
  async markModerated(id: string, now: Date): Promise<boolean> {
    const rows = await this.db
      .updateTable('award')
      .set({ status: 'moderated', version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('status', '=', 'submitted')
      .returning('id')
      .execute()
    return rows.length === 1
  }

  /** Issued agreement: the award is paid at the panel's level from the start date. */
  async markAgreed(
    id: string,
    by: string,
    agreed: { startDate: string; level: number; annualPence: number },
    now: Date,
  ): Promise<boolean> {
    const rows = await this.db
      .updateTable('award')
      .set({
        status: 'agreed',
        agreed_at: now,
        agreed_by: by,
        start_date: agreed.startDate,
        level: agreed.level,
        annual_pence: agreed.annualPence,
        version: sql<number>`version + 1`,
        updated_at: now,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('status', '=', 'moderated')
      .returning('id')
      .execute()
    return rows.length === 1
  }

  /** Issued return (or Level 8 referral): back to the school to complete and submit again. */
  async markReturned(id: string, by: string, reason: string, level8Referred: boolean, now: Date): Promise<boolean> {
    const rows = await this.db
      .updateTable('award')
      .set({
        status: 'returned',
        returned_reason: reason,
        returned_at: now,
        returned_by: by,
        submitted_at: null,
        submitted_by: null,
        ...(level8Referred ? { level8_referred: true } : {}),
        version: sql<number>`version + 1`,
        updated_at: now,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('status', '=', 'moderated')
      .returning('id')
      .execute()
    return rows.length === 1
  }

  /** A superseding decision re-levels and re-prices an agreed award. */
  async relevel(id: string, level: number, annualPence: number, now: Date): Promise<void> {
    await this.db
      .updateTable('award')
      .set({ level, annual_pence: annualPence, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('status', '=', 'agreed')
      .execute()
  }

  /** The child's other agreed awards still running on `from`: a new agreement ends them the day before. */
  async agreedRunningOn(childId: string, exceptId: string, from: string) {
    return this.db
      .selectFrom('award')
      .select(['id', 'start_date'])
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .where('status', '=', 'agreed')
      .where('id', '<>', exceptId)
      .where(eb => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', from)]))
      .execute()
  }

  async endAward(id: string, endDate: string, now: Date): Promise<void> {
    await this.db
      .updateTable('award')
      .set({ end_date: endDate, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .execute()
  }

  /** The date of the session whose open agenda the award is on, if any. */
  async awaitingSession(awardId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('panel_case')
      .innerJoin('panel_session', join =>
        join
          .onRef('panel_session.id', '=', 'panel_case.session_id')
          .onRef('panel_session.la_code', '=', 'panel_case.la_code'),
      )
      .select('panel_session.session_date')
      .where('panel_case.la_code', '=', this.laCode)
      .where('panel_case.award_id', '=', awardId)
      .where('panel_case.status', 'in', ['pending', 'decided'])
      .executeTakeFirst()
    return row?.session_date ?? null
  }

  /** The current issued panel decision of each award given. */
  async issuedDecisions(awardIds: readonly string[]): Promise<IssuedDecision[]> {
    if (!awardIds.length) return []
    return (await this.db
      .selectFrom('panel_decision')
      .select([
        'id',
        'award_id',
        'outcome',
        'proposed_level',
        'decided_level',
        'annual_pence',
        'reason',
        'evidence_needed',
        'start_date',
        'issued_at',
      ])
      .where('la_code', '=', this.laCode)
      .where('award_id', 'in', awardIds)
      .where('issued_at', 'is not', null)
      .where('superseded_at', 'is', null)
      .orderBy('issued_at', 'desc')
      .execute()) as IssuedDecision[]
  }
}

import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { CaseStatus, DecisionOutcome } from './tables.ts'

// The only code that reads or writes the moderation panel's tables. It also reads the pupil, school
// and legacy exceptional-funding row a case needs; awards themselves are written through AwardStore.

export type PanelRow = { id: string; name: string; quorum: number; version: number }

export type MemberRow = {
  id: string
  panel_id: string
  user_id: string
  panel_role: string
  setting_id: string | null
  active: boolean
  version: number
  display_name: string
  setting_name: string | null
}

export type SessionRow = {
  id: string
  panel_id: string
  session_date: string
  location: string | null
  version: number
  panel_name: string
  quorum: number
}

export type CaseRow = {
  id: string
  session_id: string
  award_id: string
  position: number
  status: CaseStatus
  version: number
  child_id: string
  first_name: string
  last_name: string
  date_of_birth: string
  setting_id: string
  setting_name: string
  award_status: string
  award_level: number | null
  level8_referred: boolean
}

export type DecisionRow = {
  id: string
  case_id: string
  award_id: string
  outcome: DecisionOutcome
  proposed_level: number | null
  decided_level: number | null
  annual_pence: number | null
  reason: string | null
  evidence_needed: string | null
  start_date: string | null
  protected_until: string | null
  member_id: string | null
  decided_by: string
  decided_by_name: string
  decided_at: Date
  issued_at: Date | null
  supersedes: string | null
  superseded_at: Date | null
  version: number
}

export type NewDecision = {
  caseId: string
  awardId: string
  outcome: DecisionOutcome
  proposedLevel: number | null
  decidedLevel: number | null
  annualPence: number | null
  reason: string | null
  evidenceNeeded: string | null
  startDate: string | null
  protectedUntil: string | null
  memberId: string | null
  decidedBy: string
  now: Date
}

export type AgendaFilters = {
  settingId?: string
  locality?: string
  level?: number
  submittedFrom?: string
  /** The day after the last date submitted wanted. */
  submittedTo?: string
}

export type Candidate = {
  award_id: string
  child_id: string
  first_name: string
  last_name: string
  setting_id: string
  setting_name: string
  locality_code: string | null
  level: number | null
  level8_referred: boolean
  submitted_at: Date | null
  matrix_version_id: string
}

export class ModerationStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): ModerationStore {
    return new ModerationStore(db, this.laCode)
  }

  async panels() {
    return this.db
      .selectFrom('panel')
      .select(['id', 'name', 'quorum', 'version'])
      .select(eb =>
        eb
          .selectFrom('panel_member')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('panel_member.panel_id', '=', 'panel.id')
          .whereRef('panel_member.la_code', '=', 'panel.la_code')
          .where('panel_member.active', '=', true)
          .as('members'),
      )
      .where('la_code', '=', this.laCode)
      .orderBy('name')
      .execute()
  }

  async panel(id: string): Promise<PanelRow | undefined> {
    return this.db
      .selectFrom('panel')
      .select(['id', 'name', 'quorum', 'version'])
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  async insertPanel(name: string, quorum: number, by: string, now: Date): Promise<string> {
    const row = await this.db
      .insertInto('panel')
      .values({ la_code: this.laCode, name, quorum, created_by: by, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  async updatePanel(id: string, expected: number, name: string, quorum: number, now: Date): Promise<number | null> {
    const row = await this.db
      .updateTable('panel')
      .set({ name, quorum, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  private memberQuery() {
    return this.db
      .selectFrom('panel_member')
      .innerJoin('app_user', 'app_user.id', 'panel_member.user_id')
      .leftJoin('setting', 'setting.id', 'panel_member.setting_id')
      .select([
        'panel_member.id',
        'panel_member.panel_id',
        'panel_member.user_id',
        'panel_member.panel_role',
        'panel_member.setting_id',
        'panel_member.active',
        'panel_member.version',
        'app_user.display_name',
        'setting.name as setting_name',
      ])
      .where('panel_member.la_code', '=', this.laCode)
  }

  async members(panelId: string): Promise<MemberRow[]> {
    return this.memberQuery()
      .where('panel_member.panel_id', '=', panelId)
      .orderBy('app_user.display_name')
      .orderBy('panel_member.id')
      .execute()
  }

  async member(id: string): Promise<MemberRow | undefined> {
    return this.memberQuery().where('panel_member.id', '=', id).executeTakeFirst()
  }

  async memberFor(panelId: string, userId: string): Promise<MemberRow | undefined> {
    return this.memberQuery()
      .where('panel_member.panel_id', '=', panelId)
      .where('panel_member.user_id', '=', userId)
      .executeTakeFirst()
  }

  /** LA staff accounts that may sit on a panel: school users never do. */
  async staffUsers() {
    return this.db
      .selectFrom('app_user')
      .select(['id', 'display_name', 'role'])
      .where('role', '<>', 'school_user')
      .where('active', '=', true)
      .orderBy('display_name')
      .execute()
  }

  async settings() {
    return this.db
      .selectFrom('setting')
      .select(['id', 'name', 'locality_code'])
      .where('la_code', '=', this.laCode)
      .orderBy('name')
      .execute()
  }

  async localities() {
    return this.db
      .selectFrom('locality')
      .select(['code', 'name'])
      .where('la_code', '=', this.laCode)
      .orderBy('name')
      .execute()
  }

  async insertMember(
    panelId: string,
    userId: string,
    panelRole: string,
    settingId: string | null,
    now: Date,
  ): Promise<string> {
    const row = await this.db
      .insertInto('panel_member')
      .values({
        la_code: this.laCode,
        panel_id: panelId,
        user_id: userId,
        panel_role: panelRole,
        setting_id: settingId,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  /** Sets a member active or not if still at the version read; the new version, or null if someone saved first. */
  async setMemberActive(id: string, expected: number, active: boolean, now: Date): Promise<number | null> {
    const row = await this.db
      .updateTable('panel_member')
      .set({ active, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  private sessionQuery() {
    return this.db
      .selectFrom('panel_session')
      .innerJoin('panel', join =>
        join.onRef('panel.id', '=', 'panel_session.panel_id').onRef('panel.la_code', '=', 'panel_session.la_code'),
      )
      .select([
        'panel_session.id',
        'panel_session.panel_id',
        'panel_session.session_date',
        'panel_session.location',
        'panel_session.version',
        'panel.name as panel_name',
        'panel.quorum',
      ])
      .where('panel_session.la_code', '=', this.laCode)
  }

  async sessions(panelId: string): Promise<SessionRow[]> {
    return this.sessionQuery()
      .where('panel_session.panel_id', '=', panelId)
      .orderBy('panel_session.session_date', 'desc')
      .execute()
  }

  async session(id: string): Promise<SessionRow | undefined> {
    return this.sessionQuery().where('panel_session.id', '=', id).executeTakeFirst()
  }

  async insertSession(panelId: string, date: string, location: string | null, now: Date): Promise<string> {
    const row = await this.db
      .insertInto('panel_session')
      .values({
        la_code: this.laCode,
        panel_id: panelId,
        session_date: date,
        location,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  async presentMemberIds(sessionId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('panel_attendance')
      .select('member_id')
      .where('la_code', '=', this.laCode)
      .where('session_id', '=', sessionId)
      .execute()
    return rows.map(r => r.member_id)
  }

  /** Replaces who was present, if the session is still at the version read; null when it is not. */
  async replaceAttendance(sessionId: string, expected: number, memberIds: string[], now: Date) {
    const row = await this.db
      .updateTable('panel_session')
      .set({ version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', sessionId)
      .where('version', '=', expected)
      .returning('version')
      .executeTakeFirst()
    if (!row) return null
    await this.db
      .deleteFrom('panel_attendance')
      .where('la_code', '=', this.laCode)
      .where('session_id', '=', sessionId)
      .execute()
    if (memberIds.length) {
      await this.db
        .insertInto('panel_attendance')
        .values(memberIds.map(id => ({ la_code: this.laCode, session_id: sessionId, member_id: id })))
        .execute()
    }
    return row.version
  }

  private caseQuery() {
    return this.db
      .selectFrom('panel_case')
      .innerJoin('award', join =>
        join.onRef('award.id', '=', 'panel_case.award_id').onRef('award.la_code', '=', 'panel_case.la_code'),
      )
      .innerJoin('child', 'child.id', 'award.child_id')
      .innerJoin('setting', 'setting.id', 'award.setting_id')
      .select([
        'panel_case.id',
        'panel_case.session_id',
        'panel_case.award_id',
        'panel_case.position',
        'panel_case.status',
        'panel_case.version',
        'award.child_id',
        'child.first_name',
        'child.last_name',
        'child.date_of_birth',
        'award.setting_id',
        'setting.name as setting_name',
        'award.status as award_status',
        'award.level as award_level',
        'award.level8_referred',
      ])
      .where('panel_case.la_code', '=', this.laCode)
  }

  async cases(sessionId: string): Promise<CaseRow[]> {
    return (await this.caseQuery()
      .where('panel_case.session_id', '=', sessionId)
      .orderBy('panel_case.position')
      .execute()) as CaseRow[]
  }

  async findCase(id: string): Promise<CaseRow | undefined> {
    return (await this.caseQuery().where('panel_case.id', '=', id).executeTakeFirst()) as CaseRow | undefined
  }

  /** Moves a case on if it is still at the version read and in one of the states given. */
  async setCaseStatus(
    id: string,
    expected: number,
    from: CaseStatus[],
    to: CaseStatus,
    now: Date,
  ): Promise<number | null> {
    const row = await this.db
      .updateTable('panel_case')
      .set({ status: to, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected)
      .where('status', 'in', from)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  /** Submitted matrices not on an open agenda, with the filters that SQL can apply. */
  async candidates(filters: AgendaFilters): Promise<Candidate[]> {
    let q = this.db
      .selectFrom('award')
      .innerJoin('child', 'child.id', 'award.child_id')
      .innerJoin('setting', 'setting.id', 'award.setting_id')
      .select([
        'award.id as award_id',
        'award.child_id',
        'child.first_name',
        'child.last_name',
        'award.setting_id',
        'setting.name as setting_name',
        'setting.locality_code',
        'award.level',
        'award.level8_referred',
        'award.submitted_at',
        'award.matrix_version_id',
      ])
      .where('award.la_code', '=', this.laCode)
      .where('award.status', '=', 'submitted')
      .where(eb =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('panel_case')
              .select('panel_case.id')
              .whereRef('panel_case.award_id', '=', 'award.id')
              .whereRef('panel_case.la_code', '=', 'award.la_code')
              .where('panel_case.status', 'in', ['pending', 'decided']),
          ),
        ),
      )
    if (filters.settingId) q = q.where('award.setting_id', '=', filters.settingId)
    if (filters.locality) q = q.where('setting.locality_code', '=', filters.locality)
    if (filters.level !== undefined) q = q.where('award.level', '=', filters.level)
    if (filters.submittedFrom) q = q.where('award.submitted_at', '>=', new Date(`${filters.submittedFrom}T00:00:00Z`))
    // Exclusive: the day after the last day wanted.
    if (filters.submittedTo) q = q.where('award.submitted_at', '<', new Date(`${filters.submittedTo}T00:00:00Z`))
    return (await q.orderBy('award.submitted_at').orderBy('award.id').limit(500).execute()) as Candidate[]
  }

  /** The awards given that are already on an open agenda, with the pupil's name to refuse them by. */
  async openCasesFor(awardIds: string[]) {
    if (!awardIds.length) return []
    return this.caseQuery()
      .where('panel_case.award_id', 'in', awardIds)
      .where('panel_case.status', 'in', ['pending', 'decided'])
      .execute()
  }

  async awardsForAgenda(awardIds: string[]) {
    if (!awardIds.length) return []
    return this.db
      .selectFrom('award')
      .innerJoin('child', 'child.id', 'award.child_id')
      .select(['award.id', 'award.status', 'child.first_name', 'child.last_name'])
      .where('award.la_code', '=', this.laCode)
      .where('award.id', 'in', awardIds)
      .execute()
  }

  async lastPosition(sessionId: string): Promise<number> {
    const row = await this.db
      .selectFrom('panel_case')
      .select(eb => eb.fn.max('position').as('last'))
      .where('la_code', '=', this.laCode)
      .where('session_id', '=', sessionId)
      .executeTakeFirst()
    return Number(row?.last ?? 0)
  }

  async insertCase(sessionId: string, awardId: string, position: number, by: string, now: Date): Promise<string> {
    const row = await this.db
      .insertInto('panel_case')
      .values({
        la_code: this.laCode,
        session_id: sessionId,
        award_id: awardId,
        position,
        added_by: by,
        added_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  private decisionQuery() {
    return this.db
      .selectFrom('panel_decision')
      .innerJoin('app_user', 'app_user.id', 'panel_decision.decided_by')
      .select([
        'panel_decision.id',
        'panel_decision.case_id',
        'panel_decision.award_id',
        'panel_decision.outcome',
        'panel_decision.proposed_level',
        'panel_decision.decided_level',
        'panel_decision.annual_pence',
        'panel_decision.reason',
        'panel_decision.evidence_needed',
        'panel_decision.start_date',
        'panel_decision.protected_until',
        'panel_decision.member_id',
        'panel_decision.decided_by',
        'app_user.display_name as decided_by_name',
        'panel_decision.decided_at',
        'panel_decision.issued_at',
        'panel_decision.supersedes',
        'panel_decision.superseded_at',
        'panel_decision.version',
      ])
      .where('panel_decision.la_code', '=', this.laCode)
  }

  async currentDecision(caseId: string): Promise<DecisionRow | undefined> {
    return (await this.decisionQuery()
      .where('panel_decision.case_id', '=', caseId)
      .where('panel_decision.superseded_at', 'is', null)
      .executeTakeFirst()) as DecisionRow | undefined
  }

  async currentDecisions(caseIds: string[]): Promise<DecisionRow[]> {
    if (!caseIds.length) return []
    return (await this.decisionQuery()
      .where('panel_decision.case_id', 'in', caseIds)
      .where('panel_decision.superseded_at', 'is', null)
      .execute()) as DecisionRow[]
  }

  async decision(id: string): Promise<DecisionRow | undefined> {
    return (await this.decisionQuery().where('panel_decision.id', '=', id).executeTakeFirst()) as
      DecisionRow | undefined
  }

  /** Every decision on a case, newest first: superseded ones stay as history. */
  async caseDecisions(caseId: string): Promise<DecisionRow[]> {
    return (await this.decisionQuery()
      .where('panel_decision.case_id', '=', caseId)
      .orderBy('panel_decision.decided_at', 'desc')
      .execute()) as DecisionRow[]
  }

  async insertDecision(d: NewDecision, issued?: { by: string; supersedes: string }): Promise<string> {
    const row = await this.db
      .insertInto('panel_decision')
      .values({
        la_code: this.laCode,
        case_id: d.caseId,
        award_id: d.awardId,
        outcome: d.outcome,
        proposed_level: d.proposedLevel,
        decided_level: d.decidedLevel,
        annual_pence: d.annualPence,
        reason: d.reason,
        evidence_needed: d.evidenceNeeded,
        start_date: d.startDate,
        protected_until: d.protectedUntil,
        member_id: d.memberId,
        decided_by: d.decidedBy,
        decided_at: d.now,
        issued_at: issued ? d.now : null,
        issued_by: issued?.by ?? null,
        supersedes: issued?.supersedes ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  /** Records a different decision in place of one not yet issued. */
  async replaceDecision(id: string, d: NewDecision): Promise<void> {
    await this.db
      .updateTable('panel_decision')
      .set({
        outcome: d.outcome,
        proposed_level: d.proposedLevel,
        decided_level: d.decidedLevel,
        annual_pence: d.annualPence,
        reason: d.reason,
        evidence_needed: d.evidenceNeeded,
        start_date: d.startDate,
        protected_until: d.protectedUntil,
        member_id: d.memberId,
        decided_by: d.decidedBy,
        decided_at: d.now,
        version: sql<number>`version + 1`,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('issued_at', 'is', null)
      .execute()
  }

  async issueDecision(id: string, by: string, now: Date): Promise<void> {
    await this.db
      .updateTable('panel_decision')
      .set({ issued_at: now, issued_by: by, version: sql<number>`version + 1` })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('issued_at', 'is', null)
      .execute()
  }

  /** Marks an issued decision superseded if it is still at the version read. */
  async markSuperseded(id: string, expected: number, now: Date): Promise<boolean> {
    const rows = await this.db
      .updateTable('panel_decision')
      .set({ superseded_at: now, version: sql<number>`version + 1` })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected)
      .where('issued_at', 'is not', null)
      .where('superseded_at', 'is', null)
      .returning('id')
      .execute()
    return rows.length === 1
  }

  /** A pupil's legacy exceptional-funding row: the one not yet linked, else the one linked to the award. */
  async exceptionalLegacy(childId: string, awardId: string) {
    return this.db
      .selectFrom('legacy_funding')
      .select(['id', 'annual_pence', 'start_date', 'end_date', 'award_id', 'protected_until'])
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .where('kind', '=', 'exceptional')
      .where(eb => eb.or([eb('award_id', 'is', null), eb('award_id', '=', awardId)]))
      .orderBy('start_date', 'desc')
      .executeTakeFirst()
  }

  async linkLegacy(id: string, awardId: string, endDate: string | null, protectedUntil: string | null, now: Date) {
    await this.db
      .updateTable('legacy_funding')
      .set({
        award_id: awardId,
        end_date: endDate,
        protected_until: protectedUntil,
        version: sql<number>`version + 1`,
        updated_at: now,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('award_id', 'is', null)
      .execute()
  }

  /** Where the decision's letter goes: the pupil, school, panel and session. */
  async letterContext(caseId: string) {
    return this.db
      .selectFrom('panel_case')
      .innerJoin('panel_session', join =>
        join
          .onRef('panel_session.id', '=', 'panel_case.session_id')
          .onRef('panel_session.la_code', '=', 'panel_case.la_code'),
      )
      .innerJoin('panel', join =>
        join.onRef('panel.id', '=', 'panel_session.panel_id').onRef('panel.la_code', '=', 'panel_session.la_code'),
      )
      .innerJoin('award', join =>
        join.onRef('award.id', '=', 'panel_case.award_id').onRef('award.la_code', '=', 'panel_case.la_code'),
      )
      .innerJoin('child', 'child.id', 'award.child_id')
      .innerJoin('setting', 'setting.id', 'award.setting_id')
      .select([
        'panel.name as panel_name',
        'panel_session.session_date',
        'award.child_id',
        'award.setting_id',
        'award.matrix_version_id',
        'award.funded_setting_type',
        'child.first_name',
        'child.last_name',
        'child.date_of_birth',
        'setting.name as setting_name',
      ])
      .where('panel_case.la_code', '=', this.laCode)
      .where('panel_case.id', '=', caseId)
      .executeTakeFirst()
  }
}

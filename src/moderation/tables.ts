import type { ColumnType, Generated } from 'kysely'

// The moderation panel's tables (migrations/0005_moderation.sql).

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export type CaseStatus = 'pending' | 'decided' | 'issued' | 'withdrawn'
export type DecisionOutcome = 'agree' | 'change_level' | 'return' | 'refer_level8'

export interface PanelTable {
  la_code: string
  id: Generated<string>
  name: string
  quorum: number
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface PanelMemberTable {
  la_code: string
  id: Generated<string>
  panel_id: string
  user_id: string
  panel_role: string
  setting_id: string | null
  active: Generated<boolean>
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface PanelSessionTable {
  la_code: string
  id: Generated<string>
  panel_id: string
  session_date: string
  location: string | null
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface PanelAttendanceTable {
  la_code: string
  session_id: string
  member_id: string
}

export interface PanelCaseTable {
  la_code: string
  id: Generated<string>
  session_id: string
  award_id: string
  position: number
  status: Generated<CaseStatus>
  version: Generated<number>
  added_by: string | null
  added_at: Timestamp
  updated_at: Timestamp
}

export interface PanelDecisionTable {
  la_code: string
  id: Generated<string>
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
  decided_at: Date | string
  issued_at: NullableTimestamp
  issued_by: string | null
  supersedes: string | null
  superseded_at: NullableTimestamp
  version: Generated<number>
}

export interface ModerationTables {
  panel: PanelTable
  panel_member: PanelMemberTable
  panel_session: PanelSessionTable
  panel_attendance: PanelAttendanceTable
  panel_case: PanelCaseTable
  panel_decision: PanelDecisionTable
}

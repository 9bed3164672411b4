import type { ColumnType, Generated } from 'kysely'

// The disagreement tables (migrations/0008_disputes.sql): mediation, tribunal appeals, complaints and
// compliments. Statutory deadlines are computed, never stored.

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json<T> = ColumnType<T, string, string>

export type DecisionKind = 'not_to_assess' | 'not_to_issue' | 'plan_content' | 'amended_plan' | 'cease' | 'other'
export type FamilyChoice = 'mediation' | 'certificate_only'
export type MediationOutcome = 'agreed' | 'partly_agreed' | 'not_agreed' | 'withdrawn'
export type AppealReason =
  'refusal_to_assess' | 'refusal_to_issue' | 'section_b' | 'section_f' | 'section_i' | 'cease' | 'other'
export type AppealOutcome = 'upheld' | 'partly_upheld' | 'dismissed' | 'withdrawn' | 'conceded'
export type OrderKind = 'assess' | 'make_plan' | 'amend' | 'section_i'
export type ComplaintOutcome = 'upheld' | 'partly_upheld' | 'not_upheld' | 'withdrawn'

export interface MediationCaseTable {
  la_code: string
  id: Generated<string>
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
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface TribunalAppealTable {
  la_code: string
  id: Generated<string>
  child_id: string
  plan_id: string | null
  request_id: string | null
  mediation_id: string | null
  decision_kind: DecisionKind
  decision_on: string
  registered_on: string
  appeal_reasons: Json<AppealReason[]>
  hearing_on: string | null
  outcome: AppealOutcome | null
  outcome_on: string | null
  order_kind: OrderKind | null
  conceded_on: string | null
  compliance_done_on: string | null
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ComplaintTable {
  la_code: string
  id: Generated<string>
  child_id: string | null
  escalated_from: string | null
  received_on: string
  stage: number
  subject: string
  response_due_on: string
  responded_on: string | null
  outcome: ComplaintOutcome | null
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ComplimentTable {
  la_code: string
  id: Generated<string>
  received_on: string
  about: string
  team: string | null
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface DisputeTables {
  mediation_case: MediationCaseTable
  tribunal_appeal: TribunalAppealTable
  complaint: ComplaintTable
  compliment: ComplimentTable
}

import type { ColumnType, Generated } from 'kysely'

// The casework tables (migrations/0006_casework.sql). Deadlines are computed, never stored.

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json<T> = ColumnType<T, string, string>

export type RequestSource = 'parent' | 'young_person' | 'school' | 'early_years' | 'health' | 'social_care' | 'other'
export type ReceivedVia = 'hand' | 'email' | 'online' | 'first_class_post' | 'second_class_post'
export type Advisor = 'educational_psychologist' | 'health' | 'social_care' | 'setting' | 'parent' | 'other'
export type ExceptionKind = 'school_closure' | 'personal_circumstances' | 'absent_from_area' | 'early_years_closure'
export type ReviewDecision = 'keep' | 'amend' | 'cease'

export interface NonWorkingDayTable {
  day: string
  name: string
  added_by: string | null
  added_at: Timestamp
}

export interface OfficerCapacityTable {
  la_code: string
  user_id: string
  capacity: number
  version: Generated<number>
  updated_at: Timestamp
}

export interface EhcRequestTable {
  la_code: string
  id: Generated<string>
  child_id: string
  officer_id: string | null
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
  final_issued_on: string | null
  plan_id: string | null
  withdrawn_on: string | null
  withdrawn_reason: string | null
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface AdviceRequestTable {
  la_code: string
  id: Generated<string>
  request_id: string
  advisor: Advisor
  advisor_name: string | null
  requested_on: string
  received_on: string | null
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CaseworkExceptionTable {
  la_code: string
  id: Generated<string>
  request_id: string
  kind: ExceptionKind
  from_date: string
  to_date: string
  reason: string
  applied_by: string
  applied_at: Timestamp
}

export interface EhcPlanTable {
  la_code: string
  id: Generated<string>
  child_id: string
  request_id: string | null
  issued_on: string
  named_setting_id: string | null
  named_setting_type: string | null
  provision_summary: Generated<string>
  cease_decided_on: string | null
  ceased_on: string | null
  cease_reason: number | null
  // migrations/0007_plan_cessation.sql: the reason and note decided, before the plan ends.
  cease_decision_reason: number | null
  cease_note: string | null
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface EhcPlanNeedTable {
  la_code: string
  plan_id: string
  rank: number
  need_code: string
}

export interface AnnualReviewTable {
  la_code: string
  id: Generated<string>
  plan_id: string
  kind: Generated<'annual' | 'phase_transfer'>
  due_on: string
  meeting_on: string | null
  invitations_sent_on: string | null
  report_received_on: string | null
  decision: ReviewDecision | null
  decision_on: string | null
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

/** What an issued amendment changed: each field before and after. */
export type AmendmentChanges = Record<string, { before: unknown; after: unknown }>

export interface PlanAmendmentTable {
  la_code: string
  id: Generated<string>
  plan_id: string
  review_id: string | null
  proposals_sent_on: string
  comments_received_on: string | null
  final_issued_on: string | null
  summary: string
  changes: Json<AmendmentChanges | null> | null
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface PlacementConsultationTable {
  la_code: string
  id: Generated<string>
  request_id: string | null
  amendment_id: string | null
  setting_id: string
  sent_on: string
  response: 'can_meet' | 'cannot_meet' | null
  responded_on: string | null
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CaseworkTables {
  non_working_day: NonWorkingDayTable
  officer_capacity: OfficerCapacityTable
  ehc_request: EhcRequestTable
  advice_request: AdviceRequestTable
  casework_exception: CaseworkExceptionTable
  ehc_plan: EhcPlanTable
  ehc_plan_need: EhcPlanNeedTable
  annual_review: AnnualReviewTable
  plan_amendment: PlanAmendmentTable
  placement_consultation: PlacementConsultationTable
}

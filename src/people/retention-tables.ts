import type { ColumnType, Generated } from 'kysely'
import type { RecordClass } from './rules/retention.ts'

// Retention's tables (migrations/0015_retention.sql).

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface RetentionRuleTable {
  la_code: string
  record_class: RecordClass
  years_from_birth: number
  version: Generated<number>
  updated_at: Generated<Timestamp>
  updated_by: string | null
}

export interface RetentionRuleDefaultTable {
  record_class: RecordClass
  years_from_birth: number
}

export interface LegalHoldTable {
  la_code: string
  id: Generated<string>
  child_id: string
  reason: string
  placed_by: string | null
  placed_at: Timestamp
  lifted_by: string | null
  lifted_at: Timestamp | null
  lift_reason: string | null
  version: Generated<number>
}

export interface RetentionDisposalTable {
  la_code: string
  child_id: string
  record_class: RecordClass
  action: string
  disposed_at: Timestamp
}

export interface RetentionTables {
  retention_rule: RetentionRuleTable
  retention_rule_default: RetentionRuleDefaultTable
  legal_hold: LegalHoldTable
  retention_disposal: RetentionDisposalTable
}

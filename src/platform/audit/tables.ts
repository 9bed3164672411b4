import type { ColumnType, Generated } from 'kysely'

export interface AuditEventTable {
  id: Generated<number>
  la_code: string
  at: ColumnType<Date, Date | string | undefined, never>
  user_id: string | null
  username: string | null
  role: string | null
  action: string
  record_type: string | null
  record_id: string | null
  outcome: Generated<'allowed' | 'denied' | 'failed'>
  ip: string | null
  details: ColumnType<Record<string, unknown>, string | undefined, never>
}

export interface AuditTables {
  audit_event: AuditEventTable
}

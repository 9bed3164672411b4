import type { ColumnType } from 'kysely'

export interface UserSessionTable {
  id_hash: string
  user_id: string | null
  csrf_token: string
  data: ColumnType<Record<string, unknown>, string | undefined, string>
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface SessionTables {
  user_session: UserSessionTable
}

import type { ColumnType, Generated } from 'kysely'

export interface AppMetaTable {
  key: string
  value: ColumnType<unknown, string, string>
  updated_at: Generated<ColumnType<Date, Date | string | undefined, Date | string>>
}

export interface SchemaMigrationTable {
  version: number
  name: string
  checksum: string
  applied_at: Generated<Date>
}

export interface PlatformTables {
  app_meta: AppMetaTable
  schema_migration: SchemaMigrationTable
}

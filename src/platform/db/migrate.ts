import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../schema.ts'
import { asOwner } from './scope.ts'

export const migrationsDir = fileURLToPath(new URL('../../../migrations/', import.meta.url))

export type Migration = { version: number; name: string; sql: string; checksum: string }

export function readMigrations(dir = migrationsDir): Migration[] {
  return fs
    .readdirSync(dir)
    .filter(file => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map(file => {
      const text = fs.readFileSync(`${dir}/${file}`, 'utf8')
      return {
        version: Number(file.slice(0, 4)),
        name: file,
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      }
    })
}

// Arbitrary constant: every opensend process migrating the same server waits on this lock.
const MIGRATION_LOCK = 4_270_331

// Forward-only: an applied migration whose file has since changed is an error, never re-run. Runs as
// the tables' owner, not as the application role (migration 0014).
export async function migrate(
  db: Kysely<DB>,
  migrations = readMigrations(),
): Promise<{ applied: string[]; level: number }> {
  return asOwner(() => runMigrations(db, migrations))
}

async function runMigrations(db: Kysely<DB>, migrations: Migration[]): Promise<{ applied: string[]; level: number }> {
  return db.connection().execute(async conn => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn)
    try {
      await sql`create table if not exists schema_migration (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(conn)
      const done = new Map(
        (await conn.selectFrom('schema_migration').selectAll().execute()).map(row => [row.version, row]),
      )
      const applied: string[] = []
      for (const migration of migrations) {
        const previous = done.get(migration.version)
        if (previous) {
          if (previous.checksum !== migration.checksum) {
            throw new Error(`Migration ${migration.name} has changed since it was applied; add a new migration instead`)
          }
          continue
        }
        await conn.transaction().execute(async trx => {
          await sql.raw(migration.sql).execute(trx)
          await trx
            .insertInto('schema_migration')
            .values({ version: migration.version, name: migration.name, checksum: migration.checksum })
            .execute()
        })
        applied.push(migration.name)
      }
      return { applied, level: migrations.at(-1)?.version ?? 0 }
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn)
    }
  })
}

export async function migrationLevel(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('schema_migration')
    .select(eb => eb.fn.max('version').as('level'))
    .executeTakeFirst()
  return row?.level ?? 0
}

import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { createDb, type Database } from '../../src/platform/db/index.ts'
import { migrate } from '../../src/platform/db/migrate.ts'

// Each test file gets its own fresh, migrated database: PGlite in memory (loaded from a migrated
// template that scripts/test.mjs builds once), or a new database on the PostgreSQL server named
// by TEST_DATABASE_URL, dropped again at the end.
export async function freshDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (serverUrl) return freshPostgres(serverUrl)
  const template = process.env.OPENSEND_TEST_TEMPLATE
  const database = await createDb({
    dataDir: null,
    ...(template && fs.existsSync(template) ? { loadDataDir: new Blob([fs.readFileSync(template)]) } : {}),
  })
  await migrate(database.db)
  return database
}

async function freshPostgres(serverUrl: string): Promise<Database> {
  const scratch = await scratchPostgres(serverUrl)
  const database = await createDb({ databaseUrl: scratch.url, poolSize: 5 })
  await migrate(database.db)
  return {
    ...database,
    async close() {
      await database.close()
      await scratch.drop()
    },
  }
}

/** A new, empty database on the PostgreSQL server; drop() removes it once its connections have gone. */
export async function scratchPostgres(
  serverUrl: string,
  prefix = 'opensend_test',
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: serverUrl, max: 1 }) }),
  })
  await sql`create database ${sql.id(name)}`.execute(admin)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    async drop() {
      // pg's pool.end() resolves before its sockets have closed, and a killed process's backend lingers
      // until the server notices; a forced drop in that moment kills a connection a client still
      // listens on. Wait (up to 5 s) for the server to see them go.
      for (let tries = 0; tries < 250; tries++) {
        const { rows } = await sql<{
          n: number
        }>`select count(*)::int as n from pg_stat_activity where datname = ${name}`.execute(admin)
        if (rows[0]!.n === 0) break
        await new Promise(resolve => setTimeout(resolve, 20))
      }
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
      await admin.destroy()
    },
  }
}

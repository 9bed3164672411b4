import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import pg from 'pg'
import type { DB } from '../../schema.ts'
import { log } from '../log.ts'
import { PGliteDialect } from './pglite-dialect.ts'
import { asOwner, ScopedPostgresDialect } from './scope.ts'

export type DatabaseKind = 'pglite' | 'postgres'

export type Database = {
  db: Kysely<DB>
  kind: DatabaseKind
  close(): Promise<void>
  /** The embedded database's whole data folder as a gzipped tarball (PGlite only). */
  dumpDataDir?: () => Promise<Blob>
}

export type DatabaseOptions =
  { databaseUrl: string; poolSize?: number } | { dataDir: string | null; loadDataDir?: Blob }

// Both drivers return the same JavaScript values: a date is its 'YYYY-MM-DD' text (no time zone
// can shift it), int8 is a number (our counts and pence fit well inside 2^53).
const DATE = 1082
const INT8 = 20
const NUMERIC = 1700
const parsers: Record<number, (text: string) => unknown> = {
  [DATE]: text => text,
  [INT8]: text => Number(text),
  [NUMERIC]: text => Number(text),
}

export async function createDb(options: DatabaseOptions): Promise<Database> {
  return 'databaseUrl' in options ? openPostgres(options.databaseUrl, options.poolSize) : openPGlite(options)
}

async function openPostgres(connectionString: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    options: '-c TimeZone=UTC',
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  })
  // An idle connection the server ends (a restart, a failover, an administrator) is replaced on the
  // next query; without a listener its error would be uncaught and stop the process.
  pool.on('error', error => log.warn('database connection lost', { code: (error as { code?: string }).code }))
  // Web requests' queries run as the application role under row-level security; everything else as
  // the login role (src/platform/db/scope.ts).
  const db = new Kysely<DB>({ dialect: new ScopedPostgresDialect({ pool }) })
  await sql`select 1`.execute(db)
  return { db, kind: 'postgres', close: () => db.destroy() }
}

async function openPGlite(options: { dataDir: string | null; loadDataDir?: Blob }): Promise<Database> {
  const release = options.dataDir ? takeLock(options.dataDir) : () => {}
  let pglite: PGlite
  try {
    const storage = options.dataDir ? path.join(options.dataDir, 'pglite') : undefined
    pglite = new PGlite({
      ...(storage ? { dataDir: storage } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      parsers,
    })
    await pglite.waitReady
    await pglite.exec(`set time zone 'UTC'`)
  } catch (error) {
    release()
    throw error
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) })
  let closed = false
  return {
    db,
    kind: 'pglite',
    async dumpDataDir() {
      await sql`checkpoint`.execute(db)
      return pglite.dumpDataDir('gzip')
    },
    async close() {
      if (closed) return
      closed = true
      // Flush to disk before closing so the next start does not replay the write-ahead log.
      await sql`checkpoint`.execute(db)
      await db.destroy()
      await pglite.close()
      release()
    },
  }
}

// PGlite is a single-process database: a second process opening the same folder would corrupt it.
function takeLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true })
  const lockFile = path.join(dataDir, 'opensend.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' })
      return () => fs.rmSync(lockFile, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number(fs.readFileSync(lockFile, 'utf8'))
      if (holder && isRunning(holder)) {
        throw new Error(
          `The data folder ${dataDir} is in use by another opensend process (pid ${holder}). Stop it first, or set DATA_DIR to another folder.`,
        )
      }
      // The holder died without cleaning up (for example SIGKILL): the lock is stale.
      fs.rmSync(lockFile, { force: true })
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}`)
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Refreshes the planner's statistics. PGlite runs no autovacuum, so without this a bulk load leaves
 * the planner blind (a child search measured 400 ms before and 17 ms after).
 */
export async function analyze(db: Kysely<DB>, tables: (keyof DB)[] = []): Promise<void> {
  // Only a table's owner may analyze it.
  await asOwner(() =>
    (tables.length ? sql`analyze ${sql.join(tables.map(t => sql.table(t)))}` : sql`analyze`).execute(db),
  )
}

import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../schema.ts'
import { createDb } from './index.ts'
import { migrationLevel, readMigrations } from './migrate.ts'

// An opensend backup of the embedded database is a ZIP holding a manifest and PGlite's own dump of
// its data folder. The manifest lets restore refuse a file that is not ours, is damaged, or comes
// from a newer version of opensend than the one restoring it.
const FORMAT = 'opensend-backup'
const FORMAT_VERSION = 1
const MANIFEST = 'opensend-backup.json'
const DATA = 'pgdata.tar.gz'

export type BackupManifest = {
  format: typeof FORMAT
  formatVersion: number
  migrationLevel: number
  createdAt: string
  dataSha256: string
  /** Rows per table when the backup was taken, so a restore can be checked against it. */
  rowCounts: Record<string, number>
}

export class BackupRejected extends Error {}

/**
 * Backs up the embedded database in dataDir to file. It opens the folder itself, so it takes the
 * folder's lock: while the service is running the backup is refused (the lock names the process),
 * which guarantees the snapshot is consistent. Returns the manifest written.
 */
export async function backupDataDir(dataDir: string, file: string, now: Date): Promise<BackupManifest> {
  if (!fs.existsSync(path.join(dataDir, 'pglite'))) {
    throw new BackupRejected(`There is no embedded database in ${dataDir} to back up`)
  }
  const database = await createDb({ dataDir }).catch((error: Error) => {
    throw new BackupRejected(error.message)
  })
  let manifest: BackupManifest
  let data: Buffer
  try {
    data = Buffer.from(await (await database.dumpDataDir!()).arrayBuffer())
    manifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      migrationLevel: await migrationLevel(database.db),
      createdAt: now.toISOString(),
      dataSha256: sha256(data),
      rowCounts: await rowCounts(database.db),
    }
  } finally {
    await database.close()
  }
  const zip = new JSZip()
  zip.file(MANIFEST, JSON.stringify(manifest, null, 2))
  // Already gzipped: storing it again compressed would only cost time.
  zip.file(DATA, data, { compression: 'STORE' })
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
  // Written beside the target then renamed, so a failed backup never leaves a half file under the name.
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`
  fs.writeFileSync(partial, bytes, { flag: 'wx' })
  fs.renameSync(partial, file)
  return manifest
}

/** Reads and checks a backup file without touching any database. */
export async function readBackup(
  bytes: Buffer,
  codeLevel = readMigrations().at(-1)?.version ?? 0,
): Promise<{ manifest: BackupManifest; data: Buffer }> {
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: true })
  } catch {
    throw new BackupRejected('The file is not an opensend backup: it is not a readable ZIP (damaged or truncated?)')
  }
  const manifestFile = zip.file(MANIFEST)
  const dataFile = zip.file(DATA)
  if (!manifestFile || !dataFile) {
    throw new BackupRejected(`The file is not an opensend backup: it has no ${manifestFile ? DATA : MANIFEST}`)
  }
  let manifest: BackupManifest
  let data: Buffer
  try {
    manifest = JSON.parse(await manifestFile.async('string')) as BackupManifest
    data = await dataFile.async('nodebuffer')
  } catch {
    throw new BackupRejected('The backup is damaged: its contents cannot be read')
  }
  if (manifest?.format !== FORMAT || manifest.formatVersion !== FORMAT_VERSION) {
    throw new BackupRejected('The file is not an opensend backup of a format this version can read')
  }
  if (sha256(data) !== manifest.dataSha256) {
    throw new BackupRejected('The backup is damaged: its data does not match the checksum in its manifest')
  }
  if (!Number.isInteger(manifest.migrationLevel) || manifest.migrationLevel > codeLevel) {
    throw new BackupRejected(
      `The backup is at migration ${manifest.migrationLevel}, newer than this version of opensend (${codeLevel}): restore it with a newer opensend`,
    )
  }
  return { manifest, data }
}

/**
 * Restores a backup into dataDir. A folder that already holds anything is refused unless force is
 * set. The database is rebuilt and checked in a new folder beside the target first; only when it
 * opens and its row counts match the manifest does it take the target's place, so a bad backup
 * leaves the target as it was.
 */
export async function restoreDataDir(
  file: string,
  dataDir: string,
  options: { force?: boolean } = {},
): Promise<BackupManifest> {
  const target = path.resolve(dataDir)
  const occupied = fs.existsSync(target) && fs.readdirSync(target).length > 0
  if (occupied && !options.force) {
    throw new BackupRejected(`${target} is not empty: restore into an empty folder, or add --force to replace it`)
  }
  if (occupied) refuseIfInUse(target)
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (error) {
    throw new BackupRejected(`Cannot read ${file}: ${(error as Error).message}`)
  }
  const { manifest, data } = await readBackup(bytes)

  const staging = `${target}.restoring-${randomBytes(4).toString('hex')}`
  try {
    const database = await createDb({ dataDir: staging, loadDataDir: new Blob([data]) })
    try {
      const level = await migrationLevel(database.db)
      if (level !== manifest.migrationLevel) {
        throw new BackupRejected(
          `The restored database is at migration ${level}, the backup says ${manifest.migrationLevel}`,
        )
      }
      const counts = await rowCounts(database.db)
      for (const [table, n] of Object.entries(manifest.rowCounts)) {
        if (counts[table] !== n) {
          throw new BackupRejected(`The restored ${table} has ${counts[table] ?? 0} rows, the backup says ${n}`)
        }
      }
    } finally {
      await database.close()
    }
    if (occupied) {
      // The replaced folder is removed only after the new one is in place: a crash between the two
      // renames leaves both on disk, never neither.
      const replaced = `${target}.replaced-${randomBytes(4).toString('hex')}`
      refuseIfInUse(target)
      fs.renameSync(target, replaced)
      fs.renameSync(staging, target)
      fs.rmSync(replaced, { recursive: true, force: true })
    } else {
      fs.rmSync(target, { recursive: true, force: true })
      fs.renameSync(staging, target)
    }
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true })
    if (error instanceof BackupRejected) throw error
    throw new BackupRejected(`The backup could not be restored: ${(error as Error).message}`)
  }
  return manifest
}

// A running service holds the folder's lock; replacing the folder under it would lose its writes.
function refuseIfInUse(dataDir: string): void {
  const lockFile = path.join(dataDir, 'opensend.lock')
  if (!fs.existsSync(lockFile)) return
  const holder = Number(fs.readFileSync(lockFile, 'utf8'))
  try {
    if (holder) process.kill(holder, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return
  }
  if (holder) throw new BackupRejected(`${dataDir} is in use by opensend process ${holder}: stop it before restoring`)
}

/** Every table in the public schema and its row count. */
export async function rowCounts(db: Kysely<DB>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of await publicTables(db)) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)
    counts[table] = rows[0]!.n
  }
  return counts
}

export async function publicTables(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db)
  return rows.map(r => r.name)
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../src/schema.ts'
import { loadDemo } from '../src/people/demo/index.ts'
import { loadFundingDemo } from '../src/funding/demo.ts'
import { loadCaseworkDemo } from '../src/casework/demo.ts'
import { backupDataDir, publicTables, readBackup, restoreDataDir } from '../src/platform/db/backup.ts'
import { createDb } from '../src/platform/db/index.ts'
import { migrate } from '../src/platform/db/migrate.ts'

const LA = '332'
const NOW = new Date('2026-12-05T12:00:00Z')

// Count and a checksum of every row in primary-key order (the whole row as text), per table.
async function fingerprint(db: Kysely<DB>): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const table of await publicTables(db)) {
    const { rows } = await sql<{ n: number; digest: string | null }>`
      select count(*)::int as n, md5(string_agg(t::text, E'\\n' order by t::text)) as digest
      from ${sql.table(table)} t`.execute(db)
    out[table] = `${rows[0]!.n}:${rows[0]!.digest ?? ''}`
  }
  return out
}

const template = () => {
  const file = process.env.OPENSEND_TEST_TEMPLATE
  return file && fs.existsSync(file) ? { loadDataDir: new Blob([fs.readFileSync(file)]) } : {}
}

describe('backup and restore of the embedded database', { skip: Boolean(process.env.TEST_DATABASE_URL) }, () => {
  let work: string
  let source: string
  let archive: string
  let original: Record<string, string>

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'opensend-backup-'))
    source = path.join(work, 'source')
    archive = path.join(work, 'opensend.backup')
    const database = await createDb({ dataDir: source, ...template() })
    try {
      await migrate(database.db)
      await loadDemo(database.db, { laCode: LA, asAt: '2026-12-05', scale: 0.02 })
      await loadFundingDemo(database.db, LA, NOW)
      await loadCaseworkDemo(database.db, LA, NOW)
      original = await fingerprint(database.db)
    } finally {
      await database.close()
    }
  })

  after(() => fs.rmSync(work, { recursive: true, force: true }))

  it('is refused while the service holds the data folder', async () => {
    const running = await createDb({ dataDir: source })
    try {
      await assert.rejects(() => backupDataDir(source, archive, NOW), /in use by another opensend process/)
      assert.equal(fs.existsSync(archive), false)
    } finally {
      await running.close()
    }
  })

  it('restores into a new folder with every table row for row the same', async () => {
    const manifest = await backupDataDir(source, archive, NOW)
    assert.ok(manifest.rowCounts.child! > 0 && manifest.rowCounts.ehc_plan! > 0 && manifest.rowCounts.award! > 0)
    const target = path.join(work, 'restored')
    await restoreDataDir(archive, target)
    const restored = await createDb({ dataDir: target })
    try {
      assert.deepEqual(await fingerprint(restored.db), original)
    } finally {
      await restored.close()
    }
  })

  it('refuses a folder that holds a database unless forced', async () => {
    const target = path.join(work, 'restored')
    await assert.rejects(() => restoreDataDir(archive, target), /not empty: .*--force/)
    await restoreDataDir(archive, target, { force: true })
    const restored = await createDb({ dataDir: target })
    try {
      assert.deepEqual(await fingerprint(restored.db), original)
    } finally {
      await restored.close()
    }
  })

  it('refuses a truncated or altered archive and leaves the target untouched', async () => {
    const bytes = fs.readFileSync(archive)
    const target = path.join(work, 'kept')
    fs.mkdirSync(target)
    fs.writeFileSync(path.join(target, 'note.txt'), 'keep me')
    const truncated = path.join(work, 'truncated.backup')
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)))
    await assert.rejects(() => restoreDataDir(truncated, target, { force: true }), /not an opensend backup|damaged/)
    const notOurs = path.join(work, 'other.zip')
    fs.writeFileSync(notOurs, 'PK\u0003\u0004 not really a zip')
    await assert.rejects(() => restoreDataDir(notOurs, target, { force: true }), /not an opensend backup/)
    assert.deepEqual(fs.readdirSync(target), ['note.txt'])
    assert.equal(fs.readFileSync(path.join(target, 'note.txt'), 'utf8'), 'keep me')
    assert.deepEqual(
      fs.readdirSync(work).filter(f => f.includes('.restoring-')),
      [],
    )
  })

  it('is wired into the command line, which exits 1 with the reason and changes nothing', () => {
    const cli = (dataDir: string, ...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
        env: { ...process.env, DATA_DIR: dataDir, LA_CODE: LA, DATABASE_URL: '', LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      })
    const truncated = path.join(work, 'truncated.backup')
    const refused = cli(path.join(work, 'kept'), 'restore', truncated, '--force')
    assert.equal(refused.status, 1)
    assert.match(refused.stderr, /Nothing was restored: The file is not an opensend backup/)
    assert.deepEqual(fs.readdirSync(path.join(work, 'kept')), ['note.txt'])
    const copy = path.join(work, 'cli.backup')
    const made = cli(path.join(work, 'restored'), 'backup', copy)
    assert.equal(made.status, 0, made.stderr)
    assert.match(made.stdout, /Backed up .* \(migration \d+, [\d,]+ rows\)/)
    const fresh = cli(path.join(work, 'from-cli'), 'restore', copy)
    assert.equal(fresh.status, 0, fresh.stderr)
    const dry = cli(path.join(work, 'from-cli'), 'retention', 'run', '--dry-run')
    assert.equal(dry.status, 0, dry.stderr)
    assert.match(dry.stdout, /Dry run: \d+ child(ren)? due, 0 on legal hold, 0 failed/)
  })

  it('refuses a backup from a newer version of opensend', async () => {
    await assert.rejects(() => readBackup(fs.readFileSync(archive), 1), /newer than this version/)
  })
})

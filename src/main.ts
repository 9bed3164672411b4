import fs from 'node:fs'
import type { Server } from 'node:http'
import { parseArgs } from 'node:util'
import { buildApp } from './app.ts'
import { loadConfig, type Config } from './config.ts'
import { loadFundingDemo } from './funding/demo.ts'
import { loadModerationDemo } from './moderation/demo.ts'
import { loadCaseworkDemo } from './casework/demo.ts'
import { describeLegacyError, LegacyImportRejected, LegacyImportService } from './funding/legacy-import.ts'
import {
  PublishedFileRejected,
  PublishedImportService,
  readPublishedFile,
  type PreparedImport,
} from './insight/published-import.ts'
import { AccountService } from './people/accounts.ts'
import { describeRowError, ImportRejected, importKindSchema, ImportService } from './people/import-service.ts'
import { hasPeople, loadDemo } from './people/demo/index.ts'
import { RetentionService } from './people/retention-service.ts'
import { analyze, createDb, type Database } from './platform/db/index.ts'
import { backupDataDir, BackupRejected, restoreDataDir } from './platform/db/backup.ts'
import { migrate } from './platform/db/migrate.ts'
import { ValidationError } from './platform/errors.ts'
import { createOidcClient } from './platform/http/oidc.ts'
import { log, setLogLevel } from './platform/log.ts'
import { systemClock } from './platform/time/clock.ts'
import { FORECAST_USAGE, forecastCommand } from './planning/forecast-cli.ts'
import { GENERATE_USAGE, generateCommand } from './scale/england-cli.ts'
import { loadSufficiencyDemo } from './planning/sufficiency-demo.ts'
import { loadBudgetDemo } from './planning/budget-demo.ts'
import { loadProgrammeDemo } from './programme/demo.ts'

const USAGE = `Usage: opensend <command>

Commands:
  serve                 migrate, load the demo authority if the database is empty (demo mode), and serve
  migrate               apply database migrations
  seed                  load the demo authority into an empty database
  import <kind> <file>  import a CSV file of settings, children, placements or legacy-funding, all or nothing
                        (formats: docs/import-formats.md); exits 1 listing every bad row
  import dfe-release <file>
                        import a DfE "Education, health and care plans" release zip, or one of its CSVs
                        (such as sen2_mi.csv), for benchmarking (docs/benchmarking.md)
  user add <username> --role ROLE --name NAME [--email EMAIL] [--urn URN]
                        add a person's account; a password, if any, is read from OPENSEND_PASSWORD
${FORECAST_USAGE}
${GENERATE_USAGE}
  backup <file>         back up the embedded database (DATA_DIR) to a file; refused while the service runs
                        (PostgreSQL: use pg_dump, docs/operations.md)
  restore <file> [--force]
                        restore a backup into DATA_DIR; an existing database is replaced only with --force
  retention run [--dry-run]
                        dispose of children's records past their retention date (docs/decisions/0015)
  help                  show this message

Settings come from environment variables; see the README.`

export function openDatabase(config: Config): Promise<Database> {
  return createDb(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir })
}

async function seed(config: Config, database: Database): Promise<void> {
  if (await hasPeople(database.db, config.laCode)) {
    log.info('demo not loaded: the database already has data')
    return
  }
  const started = Date.now()
  const counts = await loadDemo(database.db, {
    laCode: config.laCode,
    asAt: systemClock.today(),
    scale: config.demoScale,
  })
  // With the people, not on its own: an approved illustrative matrix has no place in a real authority's data.
  const matrixVersion = await loadFundingDemo(database.db, config.laCode, systemClock.now())
  // The panel's past decisions and the legacy exceptional-funding cases refer to those awards.
  const moderation = await loadModerationDemo(database.db, config.laCode, systemClock.now())
  // Plans for the demo's EHCP pupils, their requests, reviews and the open cases on today's clocks.
  const casework = await loadCaseworkDemo(database.db, config.laCode, systemClock.now())
  // Illustrative places for the special schools, from the plans naming each (so after the casework).
  const specialSchools = await loadSufficiencyDemo(database.db, config.laCode)
  // Seed 004's DSG table, seed 001's reserve plan and illustrative High Needs assumptions.
  const planningMoney = await loadBudgetDemo(database.db, config.laCode, systemClock.today())
  // Seed 003's DBV plan and a WSoA with seed 004's shape.
  const programme = await loadProgrammeDemo(database.db, config.laCode, systemClock.today())
  log.info('demo authority loaded', {
    ...counts,
    matrixVersion,
    moderation,
    casework,
    specialSchools,
    planningMoney,
    programme,
    ms: Date.now() - started,
  })
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

async function importRelease(config: Config, args: string[]): Promise<number> {
  const [file, ...rest] = args
  if (!file || rest.length) {
    console.error('Usage: opensend import dfe-release <release.zip | file.csv>')
    return 1
  }
  let content: Buffer
  try {
    content = fs.readFileSync(file)
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as Error).message}`)
    return 1
  }
  // The file is read and checked before the database is opened, so a wrong file is refused at once.
  let prepared: PreparedImport
  try {
    prepared = await readPublishedFile(file, content)
  } catch (error) {
    if (!(error instanceof PublishedFileRejected)) throw error
    console.error(`Nothing was imported: ${error.message}`)
    return 1
  }
  const database = await openDatabase(config)
  try {
    await migrate(database.db)
    const actor = await new AccountService(database.db, config.laCode).systemActor()
    const result = await new PublishedImportService(database.db, config.laCode).write(actor, prepared)
    for (const f of result.files) {
      const measures = Object.entries(f.measures).map(([m, n]) => `${m} ${n}`)
      console.log(`${f.file} (${f.shape}): ${plural(f.rows, 'figure')} — ${measures.join(', ')}`)
    }
    if (result.skipped.length) console.log(`Not read (not used for benchmarking): ${result.skipped.join(', ')}`)
    console.log(
      `Imported ${result.source} as release ${result.release}: ${plural(result.rows, 'figure')}; ${result.inserted} added, ${result.updated} changed, ${result.unchanged} already up to date (${result.ms} ms)`,
    )
    return 0
  } finally {
    await database.close()
  }
}

async function importFile(config: Config, args: string[]): Promise<number> {
  const [kind, file, ...rest] = args
  if (kind === 'dfe-release') return importRelease(config, args.slice(1))
  const legacy = kind === 'legacy-funding'
  const which = importKindSchema.safeParse(kind)
  if ((!which.success && !legacy) || !file || rest.length) {
    console.error('Usage: opensend import <settings|children|placements|legacy-funding> <file.csv>')
    return 1
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(file))
  } catch (error) {
    const reason = error instanceof TypeError ? 'it is not UTF-8 text (save it as CSV UTF-8)' : (error as Error).message
    console.error(`Cannot read ${file}: ${reason}`)
    return 1
  }
  const database = await openDatabase(config)
  try {
    await migrate(database.db)
    const actor = await new AccountService(database.db, config.laCode).systemActor()
    if (legacy) {
      const result = await new LegacyImportService(database.db, config.laCode).import(actor, text)
      console.log(
        `Imported legacy funding: ${plural(result.rows, 'row')}; ${result.inserted} added, ${result.updated} changed, ${result.unchanged} already up to date`,
      )
      return 0
    }
    const imports = new ImportService(database.db, config.laCode, systemClock)
    const result = await imports.import(actor, which.data!, text)
    console.log(
      `Imported ${result.kind}: ${plural(result.rows, 'row')}; ${result.inserted} added, ${result.updated} changed, ${result.unchanged} already up to date`,
    )
    return 0
  } catch (error) {
    if (!(error instanceof ImportRejected) && !(error instanceof LegacyImportRejected)) throw error
    for (const e of error.rowErrors)
      console.error(error instanceof ImportRejected ? describeRowError(e) : describeLegacyError(e))
    const lines = new Set(error.rowErrors.map(e => e.line)).size
    console.error(
      `Nothing was imported: ${plural(error.rowErrors.length, 'problem')} on ${plural(lines, 'line')} of ${file}`,
    )
    return 1
  } finally {
    await database.close()
  }
}

async function addUser(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' }, urn: { type: 'string' } },
  })
  if (positionals[0] !== 'add' || positionals.length !== 2) {
    console.error('Usage: opensend user add <username> --role ROLE --name NAME [--email EMAIL] [--urn URN]')
    return 1
  }
  const database = await openDatabase(config)
  try {
    await migrate(database.db)
    const accounts = new AccountService(database.db, config.laCode)
    await accounts.createUser(await accounts.systemActor(), {
      username: positionals[1],
      displayName: values.name,
      email: values.email,
      role: values.role,
      settingUrn: values.urn,
      password: process.env.OPENSEND_PASSWORD || undefined,
    })
    console.log(`Added ${positionals[1]}`)
    return 0
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    for (const e of error.errors) console.error(`${e.field}: ${e.message}`)
    return 1
  } finally {
    await database.close()
  }
}

async function backupOrRestore(config: Config, command: 'backup' | 'restore', args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean' } } })
  if (positionals.length !== 1 || (command === 'backup' && values.force)) {
    console.error(`Usage: opensend ${command === 'backup' ? 'backup <file>' : 'restore <file> [--force]'}`)
    return 1
  }
  if (config.databaseUrl) {
    console.error(
      `opensend ${command} is for the embedded database; for PostgreSQL use pg_dump / pg_restore (docs/operations.md)`,
    )
    return 1
  }
  try {
    if (command === 'backup') {
      const manifest = await backupDataDir(config.dataDir, positionals[0]!, systemClock.now())
      const rows = Object.values(manifest.rowCounts).reduce((a, b) => a + b, 0)
      console.log(
        `Backed up ${config.dataDir} to ${positionals[0]} (migration ${manifest.migrationLevel}, ${plural(rows, 'row')})`,
      )
    } else {
      const manifest = await restoreDataDir(positionals[0]!, config.dataDir, { force: values.force })
      console.log(
        `Restored ${positionals[0]} (taken ${manifest.createdAt}, migration ${manifest.migrationLevel}) into ${config.dataDir}`,
      )
    }
    return 0
  } catch (error) {
    if (!(error instanceof BackupRejected)) throw error
    console.error(`Nothing was ${command === 'backup' ? 'backed up' : 'restored'}: ${error.message}`)
    return 1
  }
}

async function retentionRun(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' } },
  })
  if (positionals.length !== 1 || positionals[0] !== 'run') {
    console.error('Usage: opensend retention run [--dry-run]')
    return 1
  }
  const database = await openDatabase(config)
  try {
    await migrate(database.db)
    const actor = await new AccountService(database.db, config.laCode).systemActor()
    const dryRun = values['dry-run'] ?? false
    const report = await new RetentionService(database.db, config.laCode, systemClock).run(actor, { dryRun })
    // Ids and counts only: this output goes to logs.
    for (const d of report.disposals) {
      console.log(
        `${dryRun ? 'would ' : ''}${d.action} ${d.recordClass} records of child ${d.childId}: ${plural(d.rows, 'row')}`,
      )
    }
    for (const f of report.failed) console.error(`child ${f.childId} not disposed of: ${f.reason}`)
    console.log(
      `${dryRun ? 'Dry run: ' : ''}${report.children} ${report.children === 1 ? 'child' : 'children'} ${dryRun ? 'due' : 'disposed of'}, ${report.held} on legal hold, ${report.failed.length} failed`,
    )
    return report.failed.length ? 1 : 0
  } finally {
    await database.close()
  }
}

async function serve(config: Config): Promise<void> {
  const database = await openDatabase(config)
  await migrate(database.db)
  if (config.demo) await seed(config, database)
  if (database.kind === 'pglite') await analyze(database.db)
  const oidc = config.oidc ? await createOidcClient({ ...config.oidc, allowHttp: config.env !== 'production' }) : null
  const { app, sessions } = buildApp({ config, database, clock: systemClock, oidc })
  const server: Server = app.listen(config.port, config.host)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const sweep = setInterval(() => void sessions.sweep().catch(() => {}), 5 * 60_000)
  sweep.unref()
  log.info('opensend is serving', {
    url: `http://localhost:${config.port}`,
    database: database.kind,
    demo: config.demo,
  })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('stopping', { signal })
    clearInterval(sweep)
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
    await database.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE)
    return command ? 0 : 1
  }
  const config = loadConfig()
  setLogLevel(config.logLevel)
  switch (command) {
    case 'serve':
      await serve(config)
      return -1
    case 'migrate': {
      const database = await openDatabase(config)
      try {
        const { applied, level } = await migrate(database.db)
        console.log(applied.length ? `Applied ${applied.join(', ')}; now at ${level}` : `Up to date at ${level}`)
      } finally {
        await database.close()
      }
      return 0
    }
    case 'seed': {
      const database = await openDatabase(config)
      try {
        await migrate(database.db)
        await seed(config, database)
      } finally {
        await database.close()
      }
      return 0
    }
    case 'import':
      return importFile(config, args)
    case 'user':
      return addUser(config, args)
    case 'backup':
    case 'restore':
      return backupOrRestore(config, command, args)
    case 'retention':
      return retentionRun(config, args)
    case 'forecast':
      return forecastCommand(args)
    case 'generate':
      return generateCommand(args)
    default:
      console.error(`Unknown command: ${command} ${args.join(' ')}\n\n${USAGE}`)
      return 1
  }
}

const code = await main(process.argv.slice(2)).catch(error => {
  console.error(error instanceof Error ? error.message : error)
  return 1
})
if (code >= 0) process.exit(code)

import type { Server } from 'node:http'
import { buildApp } from './app.ts'
import { loadConfig, type Config } from './config.ts'
import { hasPeople, loadDemo } from './people/demo/index.ts'
import { createDb, type Database } from './platform/db/index.ts'
import { migrate } from './platform/db/migrate.ts'
import { createOidcClient } from './platform/http/oidc.ts'
import { log, setLogLevel } from './platform/log.ts'
import { systemClock } from './platform/time/clock.ts'

const USAGE = `Usage: opensend <command>

Commands:
  serve                 migrate, load the demo authority if the database is empty (demo mode), and serve
  migrate               apply database migrations
  seed                  load the demo authority into an empty database
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
  const counts = await loadDemo(database.db, { laCode: config.laCode, asAt: systemClock.today(), scale: config.demoScale })
  log.info('demo authority loaded', { ...counts, ms: Date.now() - started })
}

async function serve(config: Config): Promise<void> {
  const database = await openDatabase(config)
  await migrate(database.db)
  if (config.demo) await seed(config, database)
  const oidc = config.oidc ? await createOidcClient({ ...config.oidc, allowHttp: config.env !== 'production' }) : null
  const { app, sessions } = buildApp({ config, database, clock: systemClock, oidc })
  const server: Server = app.listen(config.port, config.host)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const sweep = setInterval(() => void sessions.sweep().catch(() => {}), 5 * 60_000)
  sweep.unref()
  log.info('opensend is serving', { url: `http://localhost:${config.port}`, database: database.kind, demo: config.demo })

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

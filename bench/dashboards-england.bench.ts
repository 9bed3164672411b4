// Every Insight dashboard page and the scrutiny report against the England-scale synthetic database
// (`opensend generate england`, docs/scale.md) on PostgreSQL, for its largest authority: the app built
// in process on a free loopback port, a SEND manager signed in, each page requested in turn, round after
// round. Runs only when BENCH_ENGLAND_DATABASE_URL names the generated database; otherwise it prints
// that it was skipped. Target: p95 < 300 ms for every page.
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { AccountService } from '../src/people/accounts.ts'
import { createDb } from '../src/platform/db/index.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { setLogLevel } from '../src/platform/log.ts'
import { systemClock } from '../src/platform/time/clock.ts'
import { machine, report, summarise } from './lib.ts'

const BENCH = 'dashboards-england'
const databaseUrl = process.env.BENCH_ENGLAND_DATABASE_URL
// Kent: the most EHC plans of any authority (20,635 at January 2025).
const LA = process.env.BENCH_ENGLAND_LA ?? '886'
const ROUNDS = Number(process.env.BENCH_RUNS_DASHBOARDS ?? 20)
const WARM_UP = 2
const TARGET_MS = 300
const USERNAME = 'bench.manager'
const PASSWORD = process.env.OPENSEND_BENCH_PASSWORD ?? 'bench-password'

const PAGES = [
  '/insight',
  '/insight/caseload',
  '/insight/timeliness',
  '/insight/casework',
  '/insight/money',
  '/insight/scrutiny',
  '/insight/caseload?need=ASD&age=secondary',
]

if (!databaseUrl) {
  report(BENCH, { skipped: 'set BENCH_ENGLAND_DATABASE_URL to a database made by `opensend generate england`' })
  process.exit(0)
}

const before = machine()
const database = await createDb({ databaseUrl })
let server: import('node:http').Server | null = null
try {
  await migrate(database.db)
  const { rows } = await sql<{
    plans: number
  }>`select count(*)::int as plans from ehc_plan where la_code = ${LA}`.execute(database.db)
  const plans = rows[0]!.plans
  if (!plans) throw new Error(`LA ${LA} has no plans in this database: generate England into it first`)
  const { rows: all } = await sql<{ plans: number }>`select count(*)::int as plans from ehc_plan`.execute(database.db)

  // A SEND manager to sign in as: the generated database has no one who can.
  const accounts = new AccountService(database.db, LA)
  const exists = await database.db
    .selectFrom('app_user')
    .select('id')
    .where('username', '=', USERNAME)
    .executeTakeFirst()
  if (!exists) {
    await accounts.createUser(await accounts.systemActor(), {
      username: USERNAME,
      displayName: 'Benchmark SEND manager',
      role: 'send_manager',
      password: PASSWORD,
    })
  }

  const config = loadConfig({
    NODE_ENV: 'development',
    LA_CODE: LA,
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
  })
  setLogLevel('warn')
  const { app } = buildApp({ config, database, clock: systemClock })
  server = await new Promise<import('node:http').Server>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  let cookie = ''
  const keepCookie = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]!
      if (!pair.endsWith('=')) cookie = pair
    }
  }
  const signInPage = await fetch(`${url}/sign-in`)
  keepCookie(signInPage)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] ?? ''
  const signIn = await fetch(`${url}/sign-in`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username: USERNAME, password: PASSWORD }),
    redirect: 'manual',
  })
  if (signIn.status !== 303) throw new Error(`Sign-in as ${USERNAME} failed: ${signIn.status}`)
  keepCookie(signIn)

  const get = async (path: string) => {
    const t0 = performance.now()
    const res = await fetch(`${url}${path}`, { headers: { cookie } })
    const body = await res.text()
    const ms = performance.now() - t0
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 500)}`)
    return ms
  }
  for (let i = 0; i < WARM_UP; i++) for (const p of PAGES) await get(p)
  const times = new Map(PAGES.map(p => [p, [] as number[]]))
  for (let i = 0; i < ROUNDS; i++) for (const p of PAGES) times.get(p)!.push(await get(p))

  const pages = Object.fromEntries(
    PAGES.map(p => {
      const s = summarise(times.get(p)!)
      return [p, { p50_ms: s.median_ms, p95_ms: s.p95_ms, max_ms: s.max_ms }]
    }),
  )
  const overall = summarise([...times.values()].flat())
  const worst = Math.max(...Object.values(pages).map(p => p.p95_ms))
  report(BENCH, {
    ...overall,
    p50_ms: overall.median_ms,
    worst_page_p95_ms: worst,
    target_ms: TARGET_MS,
    meets_target: worst < TARGET_MS,
    pages,
    la: LA,
    la_plans: plans,
    england_plans: all[0]!.plans,
    database: 'postgresql',
    ...before,
    load_avg_1m_after: machine().load_avg_1m,
  })
} finally {
  await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
  await database.close()
}

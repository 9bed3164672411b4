// Every Insight dashboard page and the scrutiny report for the demo authority, on PGlite: the demo
// loaded once into a temporary folder, the app built in process and served on a free loopback port,
// the SEND manager signed in, then each page requested in turn over HTTP, round after round.
// Prints p50/p95 per page and overall; the target is p95 < 150 ms for every page.
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../src/app.ts'
import { loadCaseworkDemo } from '../src/casework/demo.ts'
import { loadConfig } from '../src/config.ts'
import { loadFundingDemo } from '../src/funding/demo.ts'
import { loadModerationDemo } from '../src/moderation/demo.ts'
import { DEMO_PASSWORD, loadDemo } from '../src/people/demo/index.ts'
import { analyze, createDb } from '../src/platform/db/index.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { setLogLevel } from '../src/platform/log.ts'
import { systemClock } from '../src/platform/time/clock.ts'
import { machine, report, summarise, tempDataDir } from './lib.ts'

const before = machine()
const ROUNDS = Number(process.env.BENCH_RUNS_DASHBOARDS ?? 30)
const WARM_UP = 3
const TARGET_MS = 150
const LA = '332'

const PAGES = [
  '/insight',
  '/insight/caseload',
  '/insight/timeliness',
  '/insight/casework',
  '/insight/money',
  '/insight/scrutiny',
  // A filtered page: one locality and one need.
  '/insight/caseload?need=ASD&age=secondary',
]

const dataDir = tempDataDir()
const database = await createDb({ dataDir })
let server: import('node:http').Server | null = null
try {
  await migrate(database.db)
  const loadStarted = performance.now()
  const today = systemClock.today()
  await loadDemo(database.db, { laCode: LA, asAt: today, scale: 1 })
  await loadFundingDemo(database.db, LA, systemClock.now())
  await loadModerationDemo(database.db, LA, systemClock.now())
  await loadCaseworkDemo(database.db, LA, systemClock.now())
  const demoLoadMs = performance.now() - loadStarted
  await analyze(database.db)

  const config = loadConfig({ NODE_ENV: 'development', LA_CODE: LA, DEMO: 'true', LOG_LEVEL: 'warn', DATABASE_URL: '' })
  setLogLevel('warn')
  const { app } = buildApp({ config, database, clock: systemClock })
  server = await new Promise<import('node:http').Server>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  let cookie = ''
  const keepCookie = (res: Response) => {
    for (const line of res.headers.getSetCookie()) cookie = line.split(';')[0]!
  }
  const signInPage = await fetch(`${url}/sign-in`)
  keepCookie(signInPage)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] ?? ''
  const signIn = await fetch(`${url}/sign-in`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username: 'manager', password: DEMO_PASSWORD }),
    redirect: 'manual',
  })
  if (signIn.status !== 303) throw new Error(`Sign-in as manager failed: ${signIn.status}`)
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
  const all = summarise([...times.values()].flat())
  const worst = Math.max(...Object.values(pages).map(p => p.p95_ms))
  report('dashboards-demo', {
    ...all,
    p50_ms: all.median_ms,
    worst_page_p95_ms: worst,
    target_ms: TARGET_MS,
    meets_target: worst < TARGET_MS,
    pages,
    demo_load_ms: Math.round(demoLoadMs),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    database: 'pglite',
    ...before,
  })
} finally {
  await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
  await database.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
}

import type { AddressInfo } from 'node:net'
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely'
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

const LA = '332'
const database = await createDb({ dataDir: null })
await migrate(database.db)
const today = systemClock.today()
await loadDemo(database.db, { laCode: LA, asAt: today, scale: 1 })
await loadFundingDemo(database.db, LA, systemClock.now())
await loadModerationDemo(database.db, LA, systemClock.now())
await loadCaseworkDemo(database.db, LA, systemClock.now())
await analyze(database.db)
let log: { sql: string; ms: number }[] = []
const starts = new Map<unknown, { t: number; sql: string }>()
const counter: KyselyPlugin = {
  transformQuery(a: PluginTransformQueryArgs) { return a.node; starts.set(a.queryId, { t: performance.now(), sql: '' }); return a.node },
  async transformResult(a: PluginTransformResultArgs) { return a.result; const s = starts.get(a.queryId); if (s) log.push({ sql: (a.queryId as any).queryId, ms: performance.now() - s.t }); return a.result },
}
const db2 = database.db.withPlugin(counter)
// record sql by compiling: hook executor
const exec = (process.env.NOEXEC ? {} : db2.getExecutor()) as any
const orig = exec.executeQuery.bind(exec)
exec.executeQuery = async (cq: any, qid: any) => { const t = performance.now(); try { return await orig(cq, qid) } finally { log.push({ sql: cq.sql.replace(/\s+/g, ' ').slice(0, 110), ms: performance.now() - t }) } }
const config = loadConfig({ NODE_ENV: 'development', LA_CODE: LA, DEMO: 'true', LOG_LEVEL: 'warn', DATABASE_URL: '' })
setLogLevel('warn')
const { app } = buildApp({ config, database: { ...database, db: db2 }, clock: systemClock })
const server = await new Promise<import('node:http').Server>(r => { const s = app.listen(0, '127.0.0.1', () => r(s)) })
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
async function signIn(username: string) {
  let cookie = ''
  const keep = (res: Response) => { for (const l of res.headers.getSetCookie()) { const c = l.split(';')[0]!; if (c.length > 9) cookie = c } }
  const p = await fetch(`${url}/sign-in`); keep(p)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await p.text())?.[1] ?? ''
  const s = await fetch(`${url}/sign-in`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, username, password: DEMO_PASSWORD }), redirect: 'manual' })
  keep(s)
  const csrf2 = /name="_csrf" value="([^"]+)"/.exec(await (await fetch(`${url}/`, { headers: { cookie } })).text())?.[1] ?? ''
  return { cookie, csrf: csrf2 }
}
const officer = await signIn('officer')
const list = await (await fetch(`${url}/api/v1/children?senStatus=ehcp&page=1`, { headers: { cookie: officer.cookie } })).json() as any
const child = list.rows[3]
async function measure(name: string, f: () => Promise<Response>) {
  for (let i = 0; i < 3; i++) await (await f()).text()
  log = []
  const t = performance.now(); const r = await f(); await r.text(); const total = performance.now() - t
  const dbms = log.reduce((a, b) => a + b.ms, 0)
  console.log(`\n== ${name} status ${r.status} total ${total.toFixed(1)} ms, ${log.length} statements, ${dbms.toFixed(1)} ms in db`)
  for (const l of [...log].sort((a, b) => b.ms - a.ms).slice(0, Number(process.env.TOP ?? 8))) console.log(`  ${l.ms.toFixed(1)} ${l.sql}`)
}
const form = { 'content-type': 'application/x-www-form-urlencoded' }
await measure('search', () => fetch(`${url}/children/search`, { method: 'POST', headers: { cookie: officer.cookie, ...form }, body: new URLSearchParams({ q: child.last_name.slice(0, 3), _csrf: officer.csrf }), redirect: 'manual' }))
await measure('results', () => fetch(`${url}/children`, { headers: { cookie: officer.cookie } }))
await measure('child record', () => fetch(`${url}/children/${child.id}`, { headers: { cookie: officer.cookie } }))
for (const p of ['/insight', '/insight/caseload', '/insight/timeliness', '/insight/casework', '/insight/money']) await measure(p, () => fetch(`${url}${p}`, { headers: { cookie: officer.cookie } }))
server.close(); await database.close()

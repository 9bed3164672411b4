import type { AddressInfo } from 'node:net'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createDb } from '../src/platform/db/index.ts'
import { setLogLevel } from '../src/platform/log.ts'
import { systemClock } from '../src/platform/time/clock.ts'
const LA = '886'
const database = await createDb({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/opensend_england', poolSize: Number(process.env.POOL ?? 10) })
let log: { sql: string; ms: number; start: number }[] = []
const exec = database.db.getExecutor() as any
const orig = exec.executeQuery.bind(exec)
let t0 = 0
exec.executeQuery = async (cq: any, qid: any) => { const t = performance.now(); try { return await orig(cq, qid) } finally { log.push({ sql: cq.sql.replace(/\s+/g, ' ').slice(0, 100), ms: performance.now() - t, start: t - t0 }) } }
const config = loadConfig({ NODE_ENV: 'development', LA_CODE: LA, DEMO: 'false', LOG_LEVEL: 'warn', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/opensend_england' })
setLogLevel('warn')
const { app } = buildApp({ config, database, clock: systemClock })
const server = await new Promise<import('node:http').Server>(r => { const s = app.listen(0, '127.0.0.1', () => r(s)) })
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
let cookie = ''
const keep = (res: Response) => { for (const l of res.headers.getSetCookie()) { const c = l.split(';')[0]!; if (c.length > 9) cookie = c } }
const p = await fetch(`${url}/sign-in`); keep(p)
const csrf = /name="_csrf" value="([^"]+)"/.exec(await p.text())?.[1] ?? ''
const s = await fetch(`${url}/sign-in`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, username: 'bench.manager', password: 'bench-password' }), redirect: 'manual' })
keep(s)
for (const page of (process.env.PAGES ?? '/insight/scrutiny').split(',')) {
  const times: number[] = []
  for (let i = 0; i < 6; i++) { log = []; t0 = performance.now(); const r = await fetch(`${url}${page}`, { headers: { cookie } }); await r.text(); times.push(performance.now() - t0) }
  console.log(`\n== ${page} db sum ${log.reduce((a, b) => a + b.ms, 0).toFixed(0)} times ${times.map(t => t.toFixed(0)).join(' ')}; ${log.length} statements`)
  for (const l of log.sort((a, b) => a.start - b.start)) console.log(`  @${l.start.toFixed(0)} ${l.ms.toFixed(1)} ${l.sql}`)
}
server.close(); await database.close()

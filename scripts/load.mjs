// npm run load: a bounded load test on loopback (docs/performance.md). Starts opensend on 127.0.0.1,
// signs in real users (each connection its own session and CSRF token), then runs autocannon with a
// mixed read/write workload — child searches, search results, child records, dashboards, and a case
// officer opening a child's funding matrix and saving it — and prints p50/p95/p99 and the error rate.
//
//   npm run load                                  the demo authority on a fresh embedded database (PGlite)
//   npm run load -- --database-url postgres://127.0.0.1/opensend_england --la 886
//                                                 an England-scale database (opensend generate england)
//   options: --connections 50 --duration 60 (seconds) --rate N (requests a second per user)
//            --think S (each user spends S seconds on a page on average before the next request) --json
/* global fetch, URLSearchParams, AbortSignal, performance -- Node 20 has them all */
import autocannon from 'autocannon'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    la: { type: 'string', default: '886' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '60' },
    // Requests a second per user (whole numbers: autocannon paces no slower); unset, each user sends the
    // next request as soon as the last is answered.
    rate: { type: 'string' },
    // Seconds each user spends on a page before the next request, on average (see thinkingUsers).
    think: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
})
const databaseUrl = values['database-url']
const connections = Number(values.connections)
const duration = Number(values.duration)
const rate = values.rate ? Number(values.rate) : undefined
const think = values.think ? Number(values.think) : undefined
const say = values.json ? () => {} : (...args) => console.error(...args)

// On the demo, its own users; on a generated database (which has none that can sign in), the same
// usernames are added first with this password.
const DEMO_PASSWORD = 'demo-password'
const password = databaseUrl ? process.env.OPENSEND_LOAD_PASSWORD || 'load-test-password' : DEMO_PASSWORD
const OFFICERS = databaseUrl ? ['officer'] : ['officer', 'officer.khan', 'officer.hughes', 'officer.adebayo']
const MANAGERS = databaseUrl ? ['manager'] : ['manager', 'admin']
const DASHBOARDS = ['/insight', '/insight/caseload', '/insight/timeliness', '/insight/casework']
const MANAGER_DASHBOARDS = [...DASHBOARDS, '/insight/money']

const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1')
  await new Promise(resolve => server.once('listening', resolve))
  const { port } = server.address()
  await new Promise(resolve => server.close(resolve))
  return port
}

const dataDir = databaseUrl ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'opensend-load-'))
const env = {
  ...process.env,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  // Fifty sign-ins from one address in a minute is this test, not an attack.
  SIGN_IN_RATE_LIMIT: '1000',
  SECURE_COOKIES: 'false',
  ...(databaseUrl
    ? { DATABASE_URL: databaseUrl, LA_CODE: values.la, LA_NAME: `LA ${values.la} (synthetic)`, DEMO: 'false' }
    : { DATA_DIR: dataDir, DEMO: 'true' }),
}
const cli = (args, extra) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: root, env: { ...env, ...extra } })

if (databaseUrl) {
  const roles = [...OFFICERS.map(u => [u, 'case_officer']), ...MANAGERS.map(u => [u, 'send_manager'])]
  for (const [username, role] of roles) {
    // Refused when the user is there already (a second run): that is fine.
    cli(['user', 'add', username, '--role', role, '--name', `Load test ${role}`], { OPENSEND_PASSWORD: password })
  }
}

// ---------------------------------------------------------------------------------------------

const csrfOf = html => /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
// The last session cookie set (signing in clears the old one, then sets the new).
const cookieOf = response =>
  response.headers
    .getSetCookie()
    .map(c => c.split(';')[0])
    .filter(c => c.startsWith('opensend=') && c.length > 'opensend='.length)
    .at(-1)

async function signIn(username) {
  const page = await fetch(`${base}/sign-in`)
  let cookie = cookieOf(page)
  const form = new URLSearchParams({ username, password, _csrf: csrfOf(await page.text()) })
  const done = await fetch(`${base}/sign-in`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  })
  if (done.status !== 303) throw new Error(`${username} could not sign in (${done.status})`)
  cookie = cookieOf(done) ?? cookie
  // A new session has a new token: read it from a page (the sign-out form on every page carries it).
  const csrf = csrfOf(await (await fetch(`${base}/`, { headers: { cookie } })).text())
  if (!csrf) throw new Error(`${username}: no CSRF token after signing in`)
  return { username, cookie, csrf }
}

const post = (session, url, fields) =>
  fetch(`${base}${url}`, {
    method: 'POST',
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, _csrf: session.csrf }),
    redirect: 'manual',
  })

/** The funding matrix's radio buttons on an award page: each area's choices. */
function choicesOf(html) {
  const areas = new Map()
  for (const [tag] of html.matchAll(/<input[^>]*type="radio"[^>]*>/g)) {
    const name = /name="(choice-[^"]+)"/.exec(tag)?.[1]
    const value = /value="([^"]*)"/.exec(tag)?.[1]
    if (name && value) areas.set(name, [...(areas.get(name) ?? []), value])
  }
  return areas
}

/** A draft award of this officer's own (so no two connections save the same one), with its matrix's choices. */
async function ownAward(session, candidates) {
  while (candidates.length) {
    const child = candidates.pop()
    const started = await post(session, `/children/${child.id}/awards`, {})
    const location = started.headers.get('location')
    if (started.status !== 303 || !location?.includes('/awards/')) continue
    const choices = choicesOf(await (await fetch(`${base}${location}`, { headers: { cookie: session.cookie } })).text())
    if (choices.size) return { path: location, choices }
  }
  throw new Error('ran out of children with a funding matrix to save')
}

const pick = items => items[Math.floor(Math.random() * items.length)]

async function run() {
  const before = loadavg()
  const sessions = []
  for (let i = 0; i < connections; i++) {
    const officer = i % 2 === 0
    sessions.push({
      officer,
      ...(await signIn(officer ? OFFICERS[(i / 2) % OFFICERS.length] : MANAGERS[i % MANAGERS.length])),
    })
  }
  say(`${sessions.length} sessions signed in`)

  // Children to read and search for, and pupils with plans whose matrices the officers complete.
  const children = []
  for (let page = 1; children.length < 1000 && page <= 20; page++) {
    const res = await fetch(`${base}/api/v1/children?senStatus=ehcp&page=${page}`, {
      headers: { cookie: sessions[0].cookie },
    })
    const body = await res.json().catch(() => ({}))
    if (!res.ok) throw new Error(`listing children: ${res.status} ${JSON.stringify(body)}`)
    const { rows } = body
    if (!rows?.length) break
    children.push(...rows)
  }
  if (!children.length) throw new Error('no children with EHC plans to read')
  const prefixes = [...new Set(children.map(c => c.last_name.slice(0, 3)))]
  const candidates = children.filter(c => c.setting_id).reverse()
  for (const session of sessions) if (session.officer) session.award = await ownAward(session, candidates)
  say(
    `${sessions.filter(s => s.award).length} draft awards ready; running ${connections} connections for ${duration} s`,
  )

  const form = 'application/x-www-form-urlencoded'
  const workload = session => {
    const headers = { cookie: session.cookie }
    const requests = [
      {
        kind: 'search',
        method: 'POST',
        path: '/children/search',
        setupRequest: req => ({
          ...req,
          headers: { ...headers, 'content-type': form },
          body: new URLSearchParams({ q: pick(prefixes), _csrf: session.csrf }).toString(),
        }),
      },
      { kind: 'search results', method: 'GET', path: '/children', headers },
      {
        kind: 'child record',
        method: 'GET',
        setupRequest: req => ({ ...req, path: `/children/${pick(children).id}`, headers }),
      },
      {
        kind: 'dashboard',
        method: 'GET',
        setupRequest: req => ({ ...req, path: pick(session.officer ? DASHBOARDS : MANAGER_DASHBOARDS), headers }),
      },
    ]
    if (!session.award) return [...requests, requests[2], requests[3]]
    const { path: award, choices } = session.award
    return [
      ...requests,
      {
        kind: 'matrix page',
        method: 'GET',
        path: award,
        headers,
        onResponse: (status, body, context) => {
          context.version = /name="version" value="(\d+)"/.exec(body)?.[1]
        },
      },
      {
        kind: 'matrix save',
        method: 'POST',
        path: `${award}/save`,
        setupRequest: (req, context) => {
          const fields = { _csrf: session.csrf, version: context.version ?? '1' }
          for (const [name, options] of choices) fields[name] = pick(options)
          return { ...req, headers: { ...headers, 'content-type': form }, body: new URLSearchParams(fields).toString() }
        },
      },
    ]
  }

  // autocannon: each connection one user sending the next request as soon as the last is answered, or
  // at `rate` requests a second.
  async function flatOut(record, failures) {
    let next = 0
    const instance = autocannon({
      url: base,
      connections,
      duration,
      ...(rate ? { connectionRate: rate } : {}),
      // Each connection is one signed-in user working through their own requests.
      setupClient: client => client.setRequests(workload(sessions[next++ % sessions.length])),
      requests: workload(sessions[0]),
    })
    instance.on('response', (client, status, bytes, ms) =>
      record(client.requestIterator?.currentRequest?.kind ?? 'other', status, ms),
    )
    instance.on('reqError', error =>
      failures.set(error.code ?? error.message, (failures.get(error.code ?? error.message) ?? 0) + 1),
    )
    return instance
  }

  // --think: each user reads each page for a while (exponentially distributed, `think` seconds on
  // average, at most four times that) before the next request, independently of the others — people
  // at their desks rather than a queue. The same workload, sent with fetch.
  async function thinkingUsers(record, failures) {
    const until = Date.now() + duration * 1000
    const pause = () => Math.min(4 * think, -Math.log(1 - Math.random()) * think) * 1000
    let errors = 0
    let timeouts = 0
    const user = async session => {
      const context = {}
      const cycle = workload(session)
      for (let i = 0; ; i++) {
        await new Promise(resolve => setTimeout(resolve, pause()))
        if (Date.now() >= until) return
        const item = cycle[i % cycle.length]
        const req = item.setupRequest ? item.setupRequest({ ...item }, context) : item
        const started = performance.now()
        try {
          const res = await fetch(`${base}${req.path}`, {
            method: req.method,
            headers: req.headers,
            body: req.body,
            redirect: 'manual',
            signal: AbortSignal.timeout(10_000),
          })
          const body = await res.text()
          record(item.kind, res.status, performance.now() - started)
          item.onResponse?.(res.status, body, context)
        } catch (error) {
          errors++
          if (error.name === 'TimeoutError') timeouts++
          failures.set(error.name, (failures.get(error.name) ?? 0) + 1)
        }
      }
    }
    await Promise.all(sessions.map(user))
    return { errors, timeouts }
  }

  const latencies = []
  const byKind = new Map()
  const statuses = new Map()
  const failures = new Map()
  const record = (kind, status, ms) => {
    latencies.push(ms)
    if (!byKind.has(kind)) byKind.set(kind, [])
    byKind.get(kind).push(ms)
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
  }
  const result = think ? await thinkingUsers(record, failures) : await flatOut(record, failures)
  const after = loadavg()

  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
  const summary = list => {
    const sorted = [...list].sort((a, b) => a - b)
    return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) }
  }
  const failed = [...statuses].filter(([code]) => code >= 400).reduce((n, [, count]) => n + count, 0)
  // autocannon counts a timeout among its errors too.
  const errors = failed + result.errors
  const total = latencies.length + result.errors
  const overall = summary(latencies)
  const report = {
    bench: `${databaseUrl ? `load-england-${values.la}` : 'load-demo'}${rate ? `-${rate}-per-s` : ''}${think ? `-think-${think}-s` : ''}`,
    database: databaseUrl ? 'postgresql' : 'pglite',
    connections,
    duration_s: duration,
    requests_per_user_per_s: rate ?? (think ? `one every ${think} s on average` : 'as fast as answered'),
    requests: total,
    rps: Math.round(total / duration),
    p50_ms: overall.p50,
    p95_ms: overall.p95,
    p99_ms: overall.p99,
    errors,
    timeouts: result.timeouts,
    socket_errors: Object.fromEntries(failures),
    error_rate: total ? Number((errors / total).toFixed(4)) : 0,
    statuses: Object.fromEntries(statuses),
    by_kind: Object.fromEntries([...byKind].map(([kind, list]) => [kind, summary(list)])),
    loadavg_before: before,
    loadavg_after: after,
    target_p95_ms: databaseUrl ? 300 : 150,
  }
  console.log(JSON.stringify(report))
  if (!values.json) {
    say(
      `\n${total} requests in ${duration} s (${report.rps}/s), ${errors} errors (${(report.error_rate * 100).toFixed(2)}%)`,
    )
    say(
      `latency p50 ${overall.p50} ms, p95 ${overall.p95} ms, p99 ${overall.p99} ms (target p95 < ${report.target_p95_ms} ms)`,
    )
    for (const [kind, s] of Object.entries(report.by_kind))
      say(`  ${kind.padEnd(15)} n ${String(s.n).padStart(6)}  p50 ${s.p50}  p95 ${s.p95}  p99 ${s.p99}`)
    say(`load average before ${before.join(' ')}, after ${after.join(' ')}`)
  }
}

// ---------------------------------------------------------------------------------------------

const port = await freePort()
const base = `http://127.0.0.1:${port}`
const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
  cwd: root,
  env: { ...env, PORT: String(port) },
  stdio: ['ignore', 'ignore', 'pipe'],
})
// Kept to show if the server fails to start; afterwards, requests abandoned when the time is up can
// fail as the server stops, which is not the load's doing.
let serverLog = ''
server.stderr.on('data', chunk => (serverLog = (serverLog + chunk).slice(-20_000)))
// The embedded database is removed only once the server has closed it.
const stop = async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM')
    await new Promise(resolve => server.once('exit', resolve))
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
}

try {
  const started = Date.now()
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server stopped (exit ${server.exitCode}):\n${serverLog}`)
    if (Date.now() - started > 180_000) throw new Error('the server did not start within 3 minutes')
    try {
      if ((await fetch(`${base}/health`)).ok) break
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  say(
    `server up in ${((Date.now() - started) / 1000).toFixed(1)} s on ${base} (${databaseUrl ? 'PostgreSQL' : 'PGlite demo'})`,
  )
  await run()
} finally {
  await stop()
}

// The case officer's everyday request: search the demo authority's children by a surname prefix,
// through the JSON API, one request after another, over real HTTP to a real server process.
import fs from 'node:fs'
import { machine, report, startServer, summarise, tempDataDir } from './lib.ts'

// Taken before this benchmark adds its own load.
const before = machine()

const QUERY = 'Dav'
const WARM_UP = 20
const RUNS = Number(process.env.BENCH_RUNS_SEARCH ?? 200)
// Stops early (after at least 30 requests) rather than run past its time budget on a slow machine.
const BUDGET_MS = 60_000

const dataDir = tempDataDir()
const server = await startServer(dataDir)
try {
  let cookie = ''
  const keepCookie = (res: Response) => {
    for (const line of res.headers.getSetCookie()) cookie = line.split(';')[0]!
  }
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

  const signInPage = await fetch(`${server.url}/sign-in`)
  keepCookie(signInPage)
  const signIn = await fetch(`${server.url}/sign-in`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: csrfOf(await signInPage.text()),
      username: 'officer',
      password: 'demo-password',
    }),
    redirect: 'manual',
  })
  if (signIn.status !== 303) throw new Error(`Sign-in as officer failed: ${signIn.status}`)
  keepCookie(signIn)
  // Signing in starts a new session with its own CSRF token.
  const csrf = csrfOf(await (await fetch(`${server.url}/`, { headers: { cookie } })).text())

  let total = 0
  const search = async () => {
    const res = await fetch(`${server.url}/api/v1/children/search`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ q: QUERY }),
    })
    if (res.status !== 200) throw new Error(`Search answered ${res.status}: ${await res.text()}`)
    total = ((await res.json()) as { total: number }).total
  }

  for (let i = 0; i < WARM_UP; i++) await search()
  const times: number[] = []
  const begun = performance.now()
  while (times.length < RUNS && (times.length < 30 || performance.now() - begun < BUDGET_MS)) {
    const t0 = performance.now()
    await search()
    times.push(performance.now() - t0)
  }
  report('child-search-demo', {
    ...summarise(times),
    warm_up: WARM_UP,
    query: QUERY,
    children_found: total,
    peak_rss_mb: server.peakRssMb(),
    database: 'pglite',
    ...before,
  })
} finally {
  await server.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
}

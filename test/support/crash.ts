// For the crash tests: the real `opensend` command as a child process, on a database that outlives
// it (a PGlite data folder on disk, or a scratch database on the PostgreSQL server named by
// TEST_DATABASE_URL), and signing in to it over HTTP as a browser would.
import assert from 'node:assert/strict'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createDb, type Database } from '../../src/platform/db/index.ts'
import { scratchPostgres } from './database.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

export type Target = { env: Record<string, string>; open(): Promise<Database>; drop(): Promise<void> }

function pgliteTarget(): Target {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opensend-crash-'))
  return {
    env: { DATA_DIR: dir },
    open: () => createDb({ dataDir: dir }),
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

async function postgresTarget(serverUrl: string): Promise<Target> {
  const scratch = await scratchPostgres(serverUrl, 'opensend_test_crash')
  return {
    env: { DATABASE_URL: scratch.url },
    open: () => createDb({ databaseUrl: scratch.url, poolSize: 2 }),
    drop: () => scratch.drop(),
  }
}

// Like the rest of the suite: PGlite by default, the PostgreSQL server when TEST_DATABASE_URL names one.
const serverUrl = process.env.TEST_DATABASE_URL
export const [targetName, makeTarget]: [string, () => Promise<Target>] = serverUrl
  ? ['PostgreSQL', () => postgresTarget(serverUrl)]
  : ['PGlite', async () => pgliteTarget()]

const running = new Set<ChildProcessWithoutNullStreams>()
after(() => {
  for (const child of running) child.kill('SIGKILL')
})

export type Started = ReturnType<typeof start>

/** Starts `opensend <args>`, whose output can be waited on for a line matching a pattern. */
export function start(args: string[], env: Record<string, string>) {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DEMO: 'false',
    LOG_LEVEL: 'debug',
    SECURE_COOKIES: 'false',
    ...env,
  }
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL
  const child = spawn(process.execPath, [path.join(root, 'bin/opensend.js'), ...args], { env: childEnv })
  running.add(child)
  let output = ''
  const waiters: { pattern: RegExp; resolve: () => void }[] = []
  const onData = (chunk: Buffer) => {
    output += chunk.toString()
    for (const w of [...waiters]) {
      if (!w.pattern.test(output)) continue
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const exited = new Promise<number | null>(resolve =>
    child.on('exit', (code, signal) => (running.delete(child), resolve(signal ? null : code))),
  )
  return {
    child,
    exited,
    output: () => output,
    waitFor(pattern: RegExp, ms = 120_000) {
      return new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve()
        const timer = setTimeout(
          () => reject(new Error(`Timed out waiting for ${pattern}; output:\n${output.slice(-2000)}`)),
          ms,
        )
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) })
        void exited.then(code =>
          reject(new Error(`Exited (${code}) before ${pattern}; output:\n${output.slice(-2000)}`)),
        )
      })
    },
  }
}

export type SignedIn = { cookie: string; csrf: string }

/** Signs in over HTTP as a browser does: the form's CSRF token and cookie, then the session's. */
export async function signIn(base: string, username: string, password: string): Promise<SignedIn> {
  const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''
  // The session cookie set last: signing in clears the anonymous session's cookie and sets a new one.
  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .filter(line => !/Expires=Thu, 01 Jan 1970/i.test(line))
      .map(line => line.split(';')[0]!)
      .at(-1) ?? ''
  const form = await fetch(`${base}/sign-in`)
  let cookie = cookieOf(form)
  const body = new URLSearchParams({ _csrf: token(await form.text()), username, password })
  const signedIn = await fetch(`${base}/sign-in`, { method: 'POST', body, headers: { cookie }, redirect: 'manual' })
  assert.equal(signedIn.status, 303, `${username} signed in`)
  cookie = cookieOf(signedIn)
  const home = await fetch(`${base}/`, { headers: { cookie } })
  return { cookie, csrf: token(await home.text()) }
}

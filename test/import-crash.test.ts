// An import killed part-way (SIGKILL: no clean-up, no rollback by the process) leaves no partial
// import behind: after reopening the database the children are either all there or none are.
// Run against the real command, as a child process, on PGlite (a data folder on disk) and, when
// TEST_DATABASE_URL is set, on a fresh database of that PostgreSQL server too.
import assert from 'node:assert/strict'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { AccountService } from '../src/people/accounts.ts'
import { ImportService } from '../src/people/import-service.ts'
import { COLUMNS } from '../src/people/rules/import-rows.ts'
import { createDb, type Database } from '../src/platform/db/index.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { hashPassword } from '../src/platform/http/passwords.ts'
import { setLogLevel } from '../src/platform/log.ts'
import { fixedClock } from '../src/platform/time/clock.ts'
import { scratchPostgres } from './support/database.ts'
import { freePort } from './support/net.ts'

setLogLevel((process.env.LOG_LEVEL as 'silent' | undefined) ?? 'silent')

const ROWS = 30_000
const LA = '999'
const PASSWORD = 'correct horse battery staple'
const root = fileURLToPath(new URL('../', import.meta.url))

function bigChildrenFile(rows: number): string {
  const lines = [COLUMNS.children.join(',')]
  for (let i = 0; i < rows; i++) {
    const ehcp = i % 3 === 0
    const born = `${2008 + (i % 15)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
    lines.push(
      [
        `K${i}`,
        '',
        `First${i % 101}`,
        `Last${i % 97}`,
        born,
        'MFU'[i % 3],
        ehcp ? 'ehcp' : 'sen_support',
        ehcp ? '2024-01-15' : '',
        'SLCN',
        i % 2 ? 'ASD' : '',
      ].join(','),
    )
  }
  return lines.join('\n') + '\n'
}

type Target = { env: Record<string, string>; open(): Promise<Database>; drop(): Promise<void> }

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

const running = new Set<ChildProcessWithoutNullStreams>()
after(() => {
  for (const child of running) child.kill('SIGKILL')
})

/** Starts `opensend <args>`, resolving once a line of its output matches `ready`. */
function start(args: string[], env: Record<string, string>) {
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

async function prepare(target: Target): Promise<void> {
  const database = await target.open()
  try {
    await migrate(database.db)
    const hash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 })
    await database.db
      .insertInto('app_user')
      .values({ username: 'admin', display_name: 'Admin', role: 'la_admin', setting_id: null, password_hash: hash })
      .execute()
  } finally {
    await database.close()
  }
}

/** After the kill: the database opens (recovering on its own), and holds all the file or none of it. */
async function assertAllOrNothing(target: Target, text: string): Promise<void> {
  const database = await target.open()
  try {
    const children = Number(
      (
        await database.db
          .selectFrom('child')
          .select(eb => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
    const audited = await database.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'import.children')
      .where('outcome', '=', 'allowed')
      .execute()
    assert.ok(children === 0 || children === ROWS, `found ${children} children: a partial import`)
    assert.equal(audited.length, children === 0 ? 0 : 1, 'the audit row commits with the import or not at all')
    // Killed after its first batch and well before the last, so it cannot have committed.
    assert.equal(children, 0)
    // And the database is usable: the same file now imports completely.
    const imports = new ImportService(database.db, LA, fixedClock('2026-11-23T10:00:00Z'))
    const result = await imports.import(await new AccountService(database.db, LA).systemActor(), 'children', text)
    assert.deepEqual({ inserted: result.inserted, unchanged: result.unchanged }, { inserted: ROWS, unchanged: 0 })
  } finally {
    await database.close()
  }
}

async function signIn(base: string): Promise<{ cookie: string; csrf: string }> {
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
  const body = new URLSearchParams({ _csrf: token(await form.text()), username: 'admin', password: PASSWORD })
  const signedIn = await fetch(`${base}/sign-in`, { method: 'POST', body, headers: { cookie }, redirect: 'manual' })
  assert.equal(signedIn.status, 303, 'signed in')
  cookie = cookieOf(signedIn)
  const home = await fetch(`${base}/`, { headers: { cookie } })
  return { cookie, csrf: token(await home.text()) }
}

// Like the rest of the suite: PGlite by default, the PostgreSQL server when TEST_DATABASE_URL names one.
const serverUrl = process.env.TEST_DATABASE_URL
const [name, makeTarget]: [string, () => Promise<Target>] = serverUrl
  ? ['PostgreSQL', () => postgresTarget(serverUrl)]
  : ['PGlite', async () => pgliteTarget()]

const text = bigChildrenFile(ROWS)

describe(`an import killed part-way leaves nothing behind (${name})`, () => {
  it(`the server, SIGKILLed during an upload of ${ROWS.toLocaleString('en-GB')} children`, async () => {
    const target = await makeTarget()
    try {
      await prepare(target)
      const port = await freePort()
      const server = start(['serve'], { ...target.env, PORT: String(port), HOST: '127.0.0.1' })
      await server.waitFor(/opensend is serving/)
      const base = `http://127.0.0.1:${port}`
      const { cookie, csrf } = await signIn(base)
      const upload = fetch(`${base}/api/v1/imports/children`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'text/csv' },
        body: text,
      }).then(
        res => res.status,
        () => 'connection lost',
      )
      await Promise.race([
        server.waitFor(/import batch written/),
        upload.then(status => assert.fail(`the upload ended (${status}) before the import began`)),
      ])
      server.child.kill('SIGKILL')
      assert.equal(await server.exited, null)
      assert.equal(await upload, 'connection lost')
      await assertAllOrNothing(target, text)
    } finally {
      await target.drop()
    }
  })

  it(`the command line, SIGKILLed while importing ${ROWS.toLocaleString('en-GB')} children`, async () => {
    const target = await makeTarget()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opensend-crash-file-'))
    try {
      await prepare(target)
      const file = path.join(dir, 'children.csv')
      fs.writeFileSync(file, text)
      const cli = start(['import', 'children', file], target.env)
      await cli.waitFor(/import batch written/)
      cli.child.kill('SIGKILL')
      assert.equal(await cli.exited, null)
      await assertAllOrNothing(target, text)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
      await target.drop()
    }
  })
})

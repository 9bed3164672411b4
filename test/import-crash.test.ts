// An import killed part-way (SIGKILL: no clean-up, no rollback by the process) leaves no partial
// import behind: after reopening the database the children are either all there or none are.
// Run against the real command, as a child process, on PGlite (a data folder on disk) and, when
// TEST_DATABASE_URL is set, on a fresh database of that PostgreSQL server too.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { AccountService } from '../src/people/accounts.ts'
import { ImportService } from '../src/people/import-service.ts'
import { COLUMNS } from '../src/people/rules/import-rows.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { hashPassword } from '../src/platform/http/passwords.ts'
import { setLogLevel } from '../src/platform/log.ts'
import { fixedClock } from '../src/platform/time/clock.ts'
import { makeTarget, signIn, start, targetName as name, type Target } from './support/crash.ts'
import { freePort } from './support/net.ts'

setLogLevel((process.env.LOG_LEVEL as 'silent' | undefined) ?? 'silent')

const ROWS = 30_000
const LA = '999'
const PASSWORD = 'correct horse battery staple'

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
      const { cookie, csrf } = await signIn(base, 'admin', PASSWORD)
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

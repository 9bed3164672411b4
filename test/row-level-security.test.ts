import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import express from 'express'
import { sql } from 'kysely'
import { loadConfig } from '../src/config.ts'
import { AccountService } from '../src/people/accounts.ts'
import { signInWeb } from '../src/people/sign-in-web.ts'
import type { Database } from '../src/platform/db/index.ts'
import { APP_ROLE, STAFF_ROLE, asOwner, withScope, type DbScope } from '../src/platform/db/scope.ts'
import { createApp } from '../src/platform/http/app.ts'
import { Sessions } from '../src/platform/http/session.ts'
import { setLogLevel } from '../src/platform/log.ts'
import { fixedClock } from '../src/platform/time/clock.ts'
import { signedIn } from './support/app.ts'
import { loadCaseworkFixture } from './support/casework-fixture.ts'
import { freshDatabase } from './support/database.ts'
import { loadDisputeFixture } from './support/dispute-fixture.ts'
import { LA, loadFixture, loadModerationFixture, TODAY, type Fixture } from './support/fixture.ts'
import { loadReviewFixture } from './support/review-fixture.ts'

// Row-level security (migration 0014, docs/security.md): the second wall under the services.
//
// The rule for which tables are school-scoped, checked against the live catalog so that a new table
// cannot slip past: a table is school-scoped if it is `child`, or it has a foreign key to `child` or
// `setting`, or a column named child_id or setting_id (or ending _child_id / _setting_id), or a
// foreign key to a school-scoped table — unless it is exempt below, for the reason given. An exempt
// table does not make the tables that reference it school-scoped.
const EXEMPT: Record<string, string> = {
  setting:
    'the register of schools and settings (published by the DfE); its names are shown beside placements and panel members',
  app_user: "staff accounts: read to sign in, before anyone's reach is known; they hold no child's data",
  panel_member: "who sits on the moderation panel and their school: LA staff data, no child's data",
  school_cluster: "a cluster's measures are counts; every cluster's share is worked out from all of them",
  cluster_member: "which schools form each cluster: LA planning data, no child's data",
}
const SCOPED_COLUMN = /^(.+_)?(child|setting)_id$/

type TableRow = { name: string; rls: boolean; forced: boolean; policies: number }

async function catalog(database: Database) {
  const tables = await sql<TableRow>`
    select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
      (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
    from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')`.execute(database.db)
  const keys = await sql<{ from: string; to: string }>`
    select f.relname as "from", t.relname as "to"
    from pg_constraint k join pg_class f on f.oid = k.conrelid join pg_class t on t.oid = k.confrelid
    where k.contype = 'f' and k.connamespace = 'public'::regnamespace`.execute(database.db)
  const columns = await sql<{ table: string; column: string }>`
    select table_name as "table", column_name as "column"
    from information_schema.columns where table_schema = 'public'`.execute(database.db)
  return { tables: tables.rows, keys: keys.rows, columns: columns.rows }
}

function schoolScoped({ tables, keys, columns }: Awaited<ReturnType<typeof catalog>>): Set<string> {
  const scoped = new Set(['child'])
  const anchors = new Set(['child', 'setting'])
  let grew = true
  while (grew) {
    grew = false
    for (const { name } of tables) {
      if (scoped.has(name) || name in EXEMPT) continue
      const byKey = keys.some(k => k.from === name && (anchors.has(k.to) || scoped.has(k.to)))
      const byColumn = columns.some(c => c.table === name && SCOPED_COLUMN.test(c.column))
      if (byKey || byColumn) {
        scoped.add(name)
        grew = true
      }
    }
  }
  return scoped
}

let database: Database
let fixture: Fixture
before(async () => {
  database = await freshDatabase()
  fixture = await loadFixture(database.db)
  await loadModerationFixture(database.db, fixture)
  await loadCaseworkFixture(database.db, fixture)
  await loadReviewFixture(database.db, fixture)
  await loadDisputeFixture(database.db, fixture)
})
after(() => database?.close())

describe('row-level security: the catalog', () => {
  it('has row-level security enabled, forced and with a policy on every school-scoped table', async () => {
    const found = await catalog(database)
    const scoped = schoolScoped(found)
    // The rule finds what it was written for (so it cannot pass by finding nothing).
    for (const table of ['child', 'placement', 'award', 'ehc_plan', 'panel_decision', 'annual_review', 'complaint']) {
      assert.ok(scoped.has(table), `${table} should be school-scoped`)
    }
    const missing = found.tables
      .filter(t => scoped.has(t.name))
      .filter(t => !t.rls || !t.forced || t.policies === 0)
      .map(t => `${t.name} (${!t.rls ? 'not enabled' : !t.forced ? 'not forced' : 'no policy'})`)
    assert.deepEqual(missing, [], `school-scoped tables without row-level security: ${missing.join(', ')}`)
  })

  it('exempts only tables that exist, each for a reason', async () => {
    const names = new Set((await catalog(database)).tables.map(t => t.name))
    for (const [table, reason] of Object.entries(EXEMPT)) {
      assert.ok(names.has(table), `exempt table ${table} no longer exists: take it off the list`)
      assert.ok(reason.length > 20)
    }
  })
})

const onPostgres = Boolean(process.env.TEST_DATABASE_URL)
const pgOnly = onPostgres
  ? false
  : 'row-level security is enforced only on PostgreSQL (set TEST_DATABASE_URL): PGlite runs every query as its superuser'

describe('row-level security: enforced on PostgreSQL', { skip: pgOnly }, () => {
  const schoolA = (): DbScope => ({ kind: 'school', settingId: fixture.settings.schoolA })
  const schoolB = (): DbScope => ({ kind: 'school', settingId: fixture.settings.schoolB })

  it('runs web requests as roles that are neither superusers nor the owners of any table', async () => {
    // LA staff pass the policies by (they reach every row anyway); a school user is held by them.
    for (const [scope, user, bypass] of [
      [{ kind: 'la' } as const, STAFF_ROLE, true],
      [schoolA(), APP_ROLE, false],
    ] as const) {
      const me = await withScope(scope, () =>
        sql<{ user: string; superuser: boolean; bypass: boolean; owned: number; session: string }>`
          select current_user as user, r.rolsuper as superuser, r.rolbypassrls as bypass, session_user as session,
            (select count(*)::int from pg_tables t where t.schemaname = 'public' and t.tableowner = current_user) as owned
          from pg_roles r where r.rolname = current_user`.execute(database.db),
      )
      assert.deepEqual(me.rows[0], { user, superuser: false, bypass, owned: 0, session: 'postgres' })
    }
    const owners = await sql<{ owner: string }>`
      select distinct tableowner as owner from pg_tables where schemaname = 'public'`.execute(database.db)
    assert.deepEqual(
      owners.rows.map(r => r.owner),
      ['postgres'],
    )
    // Outside a web request (migrations, the command line, jobs), and by asOwner inside one, the owner.
    const owner = await withScope({ kind: 'la' }, () =>
      asOwner(() => sql<{ user: string }>`select current_user as user`.execute(database.db)),
    )
    assert.equal(owner.rows[0]!.user, 'postgres')
  })

  it("gives a school user's query with no where clause only their own school's rows (a bug in a service)", async () => {
    const { children, settings } = fixture
    const childIds = await withScope(schoolA(), () => database.db.selectFrom('child').select('id').execute())
    // Ada and Ben attend A; Cara attended A before B. Dev (special school) and Eve (B) never did.
    assert.deepEqual(new Set(childIds.map(c => c.id)), new Set([children.ada, children.ben, children.cara]))
    const awards = await withScope(schoolA(), () => database.db.selectFrom('award').select('setting_id').execute())
    assert.ok(awards.length > 0)
    assert.ok(awards.every(a => a.setting_id === settings.schoolA))
    // Inside a transaction, as the services run, just the same.
    const placements = await withScope(schoolA(), () =>
      database.db.transaction().execute(trx => trx.selectFrom('placement').select('setting_id').execute()),
    )
    assert.ok(placements.length > 0 && placements.every(p => p.setting_id === settings.schoolA))
  })

  it("shows a school none of another school's rows in any school-scoped table", async () => {
    const found = await catalog(database)
    const scoped = [...schoolScoped(found)]
    const columnsOf = (table: string) => found.columns.filter(c => c.table === table).map(c => c.column)
    // Ada and Ben have only ever been at A, so B may see nothing of theirs; nor any row of A's setting.
    const onlyAtA = [fixture.children.ada, fixture.children.ben]
    let seenByLa = 0
    for (const table of scoped) {
      const cols = columnsOf(table)
      if (cols.includes('child_id')) {
        const count = (scope: DbScope) =>
          withScope(scope, () =>
            sql<{
              n: number
            }>`select count(*)::int as n from ${sql.table(table)} where child_id in (${sql.join(onlyAtA)})`.execute(
              database.db,
            ),
          ).then(r => r.rows[0]!.n)
        seenByLa += await count({ kind: 'la' })
        assert.equal(await count(schoolB()), 0, `${table}: B sees A's children`)
      }
      if (cols.includes('setting_id')) {
        const rows = await withScope(schoolB(), () =>
          sql<{
            n: number
          }>`select count(*)::int as n from ${sql.table(table)} where setting_id <> ${fixture.settings.schoolB}`.execute(
            database.db,
          ),
        )
        assert.equal(rows.rows[0]!.n, 0, `${table}: B sees another setting's rows`)
      }
    }
    assert.ok(seenByLa >= 5, 'LA staff see A-only children across the tables')
    // Parts of records follow their record: B sees only decisions on its own awards.
    const decisions = await withScope(schoolB(), () =>
      database.db
        .selectFrom('panel_decision')
        .innerJoin('award', join => join.onRef('award.id', '=', 'panel_decision.award_id'))
        .select('award.setting_id')
        .execute(),
    )
    const allDecisions = await database.db.selectFrom('panel_decision').select('id').execute()
    assert.ok(allDecisions.length > decisions.length)
    assert.ok(decisions.every(d => d.setting_id === fixture.settings.schoolB))
  })

  it("refuses a school user's write to another school's rows", async () => {
    const { awards, settings, children } = fixture
    const changed = await withScope(schoolA(), () =>
      database.db
        .updateTable('award')
        .set({ evidence: '{"note":"x"}' })
        .where('id', '=', awards.eve)
        .executeTakeFirst(),
    )
    assert.equal(changed.numUpdatedRows, 0n)
    const version = await database.db
      .selectFrom('matrix_version')
      .select('id')
      .where('id', '=', fixture.versions.approved)
      .executeTakeFirstOrThrow()
    await assert.rejects(
      () =>
        withScope(schoolA(), () =>
          database.db
            .insertInto('award')
            .values({
              la_code: LA,
              child_id: children.eve,
              setting_id: settings.schoolB,
              matrix_version_id: version.id,
              funded_setting_type: 'mainstream',
              start_date: TODAY,
            })
            .execute(),
        ),
      /row-level security/,
    )
  })

  it('keeps concurrent requests on one pool each to their own reach', async () => {
    const scopes: DbScope[] = Array.from(
      { length: 30 },
      (_, i) => [schoolA(), schoolB(), { kind: 'la' } as const][i % 3]!,
    )
    const counts = await Promise.all(
      scopes.map(scope =>
        withScope(scope, async () => {
          const plain = await database.db.selectFrom('child').select('id').execute()
          const inTransaction = await database.db
            .transaction()
            .execute(trx => trx.selectFrom('child').select('id').execute())
          return [plain.length, inTransaction.length]
        }),
      ),
    )
    const expected = { school: { [fixture.settings.schoolA]: 3, [fixture.settings.schoolB]: 2 }, la: 5 }
    scopes.forEach((scope, i) => {
      const n = scope.kind === 'school' ? expected.school[scope.settingId] : expected.la
      assert.deepEqual(counts[i], [n, n])
    })
  })

  // As the application role, where the staff role is missing (a server whose migrating login could not
  // create it) or the scope was never said.
  const childrenSeenAsApp = (scope: string) =>
    withScope({ kind: 'la' }, () =>
      database.db.transaction().execute(async trx => {
        await sql`select set_config('role', ${APP_ROLE}, true), set_config('opensend.scope', ${scope}, true)`.execute(
          trx,
        )
        return (await sql<{ n: number }>`select count(*)::int as n from child`.execute(trx)).rows[0]!.n
      }),
    )

  it('shows nothing to a connection that has not said whose request it serves', async () => {
    assert.equal(await childrenSeenAsApp(''), 0)
    assert.equal(await childrenSeenAsApp('la'), 5)
    const all = await withScope({ kind: 'la' }, () => database.db.selectFrom('child').select('id').execute())
    assert.equal(all.length, 5)
  })

  it("narrows a signed-in school user's whole request, whatever the route forgets", async () => {
    const clock = fixedClock(`${TODAY}T10:00:00Z`)
    const config = loadConfig({ NODE_ENV: 'test', LA_CODE: LA, DEMO: 'false', SIGN_IN_RATE_LIMIT: '1000' })
    setLogLevel('silent')
    const sessions = new Sessions(database.db, clock, { secureCookies: false, idleMinutes: 30 })
    const accounts = new AccountService(database.db, LA)
    // A route with the bug: every child, no filter, no authorisation.
    const buggy = express.Router()
    buggy.get('/every-child', async (_req, res) => {
      const { rows } = await sql<{ user: string }>`select current_user as user`.execute(database.db)
      const children = await database.db.selectFrom('child').select('id').execute()
      res.json({ user: rows[0]!.user, children: children.map(c => c.id) })
    })
    const app = createApp({
      config,
      database,
      sessions,
      loadActor: (userId, ip) => accounts.loadActor(userId, ip),
      modules: [signInWeb(config, accounts, sessions, null), { router: buggy }],
    })
    const seen = async (username: string, role = APP_ROLE) => {
      const { user, children } = (await (await signedIn(app, username)).get('/every-child')).body as {
        user: string
        children: string[]
      }
      assert.equal(user, role)
      return new Set(children)
    }
    const { ada, ben, cara, eve } = fixture.children
    assert.deepEqual(await seen('senco.a'), new Set([ada, ben, cara]))
    assert.deepEqual(await seen('senco.b'), new Set([cara, eve]))
    assert.equal((await seen('admin', STAFF_ROLE)).size, 5)
  })
})

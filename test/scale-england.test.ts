import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { CaseloadStore } from '../src/insight/caseload.ts'
import { authorityRows, EnglandRefused, generateEngland, sizeOf, type EnglandReport } from '../src/scale/england.ts'
import { DEFAULT_RELEASE, publishedAuthorities, type PublishedAuthority } from '../src/scale/published-plans.ts'
import { createDb, type Database } from '../src/platform/db/index.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { FIXTURES } from '../src/funding/rules/fixtures/index.ts'
import { parseMatrixVersion } from '../src/funding/rules/consistency.ts'
import { scratchPostgres } from './support/database.ts'

// The England generator at a small scale, on a scratch PostgreSQL database: every authority in the
// DfE's latest January figures, sized in proportion to its own published plan count, agreeing with the
// caseload the dashboards count; then run again (nothing to do) and with other options (refused).
const serverUrl = process.env.TEST_DATABASE_URL
const released = fs.existsSync(DEFAULT_RELEASE)
const SCALE = 0.002
const AS_AT = '2026-01-15'
const SEED = 7

describe(
  'the England generator, at a small scale on PostgreSQL',
  {
    skip: !serverUrl
      ? 'needs PostgreSQL: set TEST_DATABASE_URL (the suite run on PostgreSQL does)'
      : !released && `needs the DfE 2025 release at ${DEFAULT_RELEASE}`,
  },
  () => {
    let scratch: Awaited<ReturnType<typeof scratchPostgres>>
    let database: Database
    let authorities: PublishedAuthority[]
    let report: EnglandReport
    let foreignKeys: number

    const countFks = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from pg_constraint where contype = 'f'`.execute(database.db))
        .rows[0]!.n

    before(async () => {
      scratch = await scratchPostgres(serverUrl!, 'opensend_scale')
      database = await createDb({ databaseUrl: scratch.url, poolSize: 2 })
      await migrate(database.db)
      foreignKeys = await countFks()
      authorities = await publishedAuthorities()
      report = await generateEngland(database.db, { scale: SCALE, seed: SEED, asAt: AS_AT })
    })

    after(async () => {
      await database?.close()
      await scratch?.drop()
    })

    it('loads every authority in the latest January figures, England adding up to its published total', () => {
      assert.ok(authorities.length >= 150, `${authorities.length} authorities`)
      assert.equal(report.authorities, authorities.length)
      const published = authorities.reduce((n, a) => n + a.plans, 0)
      // 638,745 at January 2025; each authority rounds its own share, and has at least one plan.
      assert.equal(published, 638_745)
      assert.ok(Math.abs(report.plans - published * SCALE) <= authorities.length / 2 + 5, `${report.plans} plans`)
      assert.equal(report.senSupport, report.plans * 2)
    })

    it('gives each authority plans in proportion to its published figure, as the caseload query counts them', async () => {
      const { rows } = await sql<{ la_code: string; ehcp: number; sen_support: number; plans: number }>`
      select c.la_code, count(*) filter (where c.sen_status = 'ehcp')::int as ehcp,
        count(*) filter (where c.sen_status = 'sen_support')::int as sen_support,
        (select count(*)::int from ehc_plan p where p.la_code = c.la_code) as plans
      from child c group by c.la_code`.execute(database.db)
      const byLa = new Map(rows.map(r => [r.la_code, r]))
      for (const authority of authorities) {
        const expected = sizeOf(authority.plans, SCALE)
        const got = byLa.get(authority.laCode)
        assert.ok(got, `LA ${authority.laCode} loaded`)
        assert.equal(got.ehcp, expected.ehcp, `LA ${authority.laCode} children with plans`)
        assert.equal(got.plans, expected.ehcp, `LA ${authority.laCode} plans`)
        assert.equal(got.sen_support, expected.senSupport, `LA ${authority.laCode} on SEN support`)
        assert.ok(Math.abs(expected.ehcp - authority.plans * SCALE) <= 1)
      }
      // The app's own definition of the caseload (Insight, the SEN2 return) agrees, for a large and a small authority.
      const kent = authorities.find(a => a.laCode === '886')!
      const dudley = authorities.find(a => a.laCode === '332')!
      for (const a of [kent, dudley]) {
        assert.equal(await new CaseloadStore(database.db, a.laCode).count(AS_AT), sizeOf(a.plans, SCALE).ehcp)
      }
    })

    it('makes the records that follow from the plans, and puts every index and foreign key back', async () => {
      const { rows } = await sql<{ awards: number; requests: number; reviews: number; versions: number }>`
      select (select count(*)::int from award where status = 'agreed') as awards,
        (select count(*)::int from ehc_request) as requests,
        (select count(*)::int from annual_review) as reviews,
        (select count(*)::int from matrix_version where status = 'approved') as versions`.execute(database.db)
      assert.ok(rows[0]!.awards > report.plans / 2, `${rows[0]!.awards} awards`)
      assert.ok(rows[0]!.requests > report.plans / 2, `${rows[0]!.requests} requests`)
      assert.ok(rows[0]!.reviews > report.plans / 2, `${rows[0]!.reviews} reviews`)
      assert.equal(rows[0]!.versions, authorities.length)
      assert.equal(await countFks(), foreignKeys)
      const indexes = await sql`select 1 from pg_indexes where indexname = 'child_last_name'`.execute(database.db)
      assert.equal(indexes.rows.length, 1)
    })

    it('has nothing left to do when run again, and refuses other options', async () => {
      const again = await generateEngland(database.db, { scale: SCALE, seed: SEED, asAt: AS_AT })
      assert.equal(again.authorities, 0)
      assert.equal(again.skipped, authorities.length)
      await assert.rejects(
        generateEngland(database.db, { scale: SCALE, seed: SEED + 1, asAt: AS_AT }),
        (error: Error) => error instanceof EnglandRefused && /generated with --seed 7/.test(error.message),
      )
    })
  },
)

describe('an authority generated for England', { skip: !released && `needs ${DEFAULT_RELEASE}` }, () => {
  const parsed = parseMatrixVersion(structuredClone(FIXTURES.dudley))
  const spec = parsed.ok ? parsed.spec : assert.fail('the demo matrix')
  const dudley = { laCode: '332', name: 'Dudley', plans: 3805, january: 2025 }
  const options = { scale: 0.05, seed: SEED, asAt: AS_AT }

  it('is the same for the same seed, and different for another', () => {
    const a = authorityRows(dudley, options, spec, '00000000-0000-4000-8000-000000000000')
    const b = authorityRows(dudley, options, spec, '00000000-0000-4000-8000-000000000000')
    assert.deepEqual(a, b)
    const c = authorityRows(dudley, { ...options, seed: SEED + 1 }, spec, '00000000-0000-4000-8000-000000000000')
    assert.notDeepEqual(a.child, c.child)
    assert.equal(a.ehc_plan.length, sizeOf(3805, 0.05).ehcp)
  })
})

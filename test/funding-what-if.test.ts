import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { matrixVersionSpec } from '../src/funding/rules/matrix-version.ts'
import { signedIn, startTestApp, type TestApp } from './support/app.ts'
import { testMatrixSpec } from './support/matrix.ts'
import { agreedAward } from './support/awards.ts'

// A draft that raises mainstream level 2 (£4,320 → £4,500) and lowers level 1 (£1,550 → £1,500), run
// over five awards agreed under the approved version for 2026-27. Amounts worked out by hand below.
let t: TestApp
before(async () => {
  t = await startTestApp()
  const { db } = t.database
  const { children, settings, versions } = t.fixture
  const base = testMatrixSpec()
  const draft = testMatrixSpec({
    rates: [
      ...base.rates.filter(r => r.financialYear !== '2026-27'),
      { financialYear: '2026-27', settingType: 'mainstream', level: 1, annualPence: 150_000 },
      { financialYear: '2026-27', settingType: 'mainstream', level: 2, annualPence: 450_000 },
    ],
  })
  await db
    .updateTable('matrix_version')
    .set({ spec: JSON.stringify(matrixVersionSpec.parse(draft)) })
    .where('id', '=', versions.draft)
    .execute()
  const award = (
    childId: string,
    settingId: string,
    settingType: 'mainstream' | 'resource_base' | 'special',
    level: number,
    annualPence: number,
    choices: Record<string, string | null>,
    bandCode: string | null = null,
  ) => agreedAward(t.fixture, { childId, settingId, settingType, level, annualPence, choices, bandCode })
  await db
    .insertInto('award')
    .values([
      // CI2 3 + CL1 1×2 = 5 → level 2: £4,320 now, £4,500 in the draft: gains £180.
      award(children.ada, settings.schoolA, 'mainstream', 2, 432_000, { CI: 'CI2', CL: 'CL1' }),
      // CI1 1 → level 1: £1,550 → £1,500: loses £50.
      award(children.ben, settings.schoolA, 'mainstream', 1, 155_000, { CI: 'CI1', CL: null }),
      // 1 + 2 = 3 → level 1: loses £50.
      award(children.eve, settings.schoolB, 'mainstream', 1, 155_000, { CI: 'CI1', CL: 'CL1' }),
      // The draft has no resource-base rates: keeps £2,550, not priced.
      award(children.cara, settings.schoolB, 'resource_base', 1, 255_000, { CI: 'CI1', CL: null }),
      // No choices to re-score (band-funded): keeps band A's £12,000, not priced.
      award(children.dev, settings.special, 'special', 1, 1_200_000, {}, 'A'),
    ])
    .execute()
})
after(() => t.close())

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

describe('the what-if', () => {
  it('shows who gains and loses and the net cost against the approved version', async () => {
    const finance = await signedIn(t.app, 'finance')
    const res = await finance.get(`/funding/what-if?version=${t.fixture.versions.draft}&year=2026-27`)
    assert.equal(res.status, 200)
    const page = text(res.text)
    // Now £4,320 + £1,550 + £1,550 + £2,550 + £12,000 = £21,970; draft £4,500 + £1,500 + £1,500 + £2,550 + £12,000.
    assert.match(
      page,
      /5 current awards cost £21,970\.00 a year now and would cost £22,050\.00 under the draft: a net change of £80\.00/,
    )
    assert.match(page, /1 gain £180\.00, 2 lose £100\.00 and 0 are unchanged/)
    assert.match(page, /The draft cannot price 2 awards/)
    assert.match(page, /1 have a choice the draft does not have/)
    assert.match(page, /1 are at a type of setting with no table rate/)
    // Per school, biggest losses first.
    assert.match(
      page,
      /Birch Academy 2 0 1 0 1 £0\.00 £50\.00 -£50\.00 Cedar Special School 1 0 0 0 1 £0\.00 £0\.00 £0\.00 Alder Primary School 2 1 1 0 0 £180\.00 £50\.00 £130\.00/,
    )
  })

  it('downloads every table, with levels, localities, schools and level moves', async () => {
    const finance = await signedIn(t.app, 'finance')
    const res = await finance.get(
      `/funding/what-if/download?version=${t.fixture.versions.draft}&year=2026-27&format=csv`,
    )
    assert.equal(res.status, 200)
    assert.match(res.headers['content-type']!, /text\/csv/)
    const lines = res.text.trim().split('\n')
    assert.equal(
      lines[0],
      'Grouping,Group,Awards,Gaining,Losing,Unchanged,Not priced,Current (£),Draft (£),Gains (£),Losses (£),Net (£)',
    )
    assert.deepEqual(lines.slice(1), [
      'Overall,All awards,5,1,2,0,2,21970,22050,180,100,80',
      'Level,Level 1,4,0,2,0,2,17650,17550,0,100,-100',
      'Level,Level 2,1,1,0,0,0,4320,4500,180,0,180',
      'Locality,Southbury,2,0,1,0,1,4100,4050,0,50,-50',
      'Locality,Northtown,3,1,1,0,1,17870,18000,180,50,130',
      'School,Birch Academy,2,0,1,0,1,4100,4050,0,50,-50',
      'School,Cedar Special School,1,0,0,0,1,12000,12000,0,0,0',
      'School,Alder Primary School,2,1,1,0,0,5870,6000,180,50,130',
      'Level move,Level 1 to level 1,3',
      'Level move,Level 2 to level 2,1',
    ])
  })

  it('downloads as XLSX too', async () => {
    const finance = await signedIn(t.app, 'finance')
    const res = await finance.get(
      `/funding/what-if/download?version=${t.fixture.versions.draft}&year=2026-27&format=xlsx`,
    )
    assert.equal(res.status, 200)
    assert.match(res.headers['content-type']!, /spreadsheetml/)
  })

  it('audits the run with counts only', async () => {
    const manager = await signedIn(t.app, 'manager')
    assert.equal((await manager.get(`/funding/what-if?version=${t.fixture.versions.draft}&year=2026-27`)).status, 200)
    const row = await t.database.db
      .selectFrom('audit_event')
      .select(['record_id', 'details'])
      .where('action', '=', 'funding_what_if.run')
      .where('username', '=', 'manager')
      .executeTakeFirstOrThrow()
    assert.equal(row.record_id, t.fixture.versions.draft)
    assert.deepEqual(row.details, { year: '2026-27', awards: 5, notRescored: 1, notTableFunded: 1, toBespoke: 0 })
  })

  it('refuses an approved version, and anyone who does not run funding', async () => {
    const finance = await signedIn(t.app, 'finance')
    const approved = await finance.get(`/funding/what-if?version=${t.fixture.versions.approved}&year=2026-27`)
    assert.equal(approved.status, 400)
    assert.match(approved.text, /Choose a draft or consultation version/)
    for (const user of ['officer', 'panel', 'senco.a']) {
      const client = await signedIn(t.app, user)
      assert.equal((await client.get(`/funding/what-if?version=${t.fixture.versions.draft}&year=2026-27`)).status, 403)
      assert.equal(
        (await client.get(`/funding/what-if/download?version=${t.fixture.versions.draft}&year=2026-27`)).status,
        403,
      )
    }
  })

  it('links from a draft version', async () => {
    const admin = await signedIn(t.app, 'admin')
    const res = await admin.get(`/funding/versions/${t.fixture.versions.draft}`)
    assert.match(res.text, new RegExp(`href="/funding/what-if\\?version=${t.fixture.versions.draft}">Run a what-if`))
  })
})

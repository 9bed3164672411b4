import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signedIn, startTestApp, type TestApp } from './support/app.ts'
import { LA, loadModerationFixture } from './support/fixture.ts'

// The transition page over the moderation fixture: Eve's exceptional amount (£6,000) replaced by a
// Level 1 award (£1,550 in 2026-27) and protected to 31 August 2027; added here, Ben's exceptional
// amount (his matrix is before the panel), Cara's (not yet assessed) and Dev's phased amount (not listed).
let t: TestApp
let ids: { eve: string; ben: string; cara: string; dev: string }
before(async () => {
  t = await startTestApp()
  const moderation = await loadModerationFixture(t.database.db, t.fixture)
  const { children, settings } = t.fixture
  const row = (childId: string, settingId: string, annual: number, kind: 'phased' | 'exceptional') => ({
    la_code: LA,
    child_id: childId,
    setting_id: settingId,
    annual_pence: annual,
    start_date: '2025-09-01',
    kind,
  })
  const [ben, cara, dev] = await t.database.db
    .insertInto('legacy_funding')
    .values([
      row(children.ben, settings.schoolA, 300_000, 'exceptional'),
      row(children.cara, settings.schoolB, 250_000, 'exceptional'),
      row(children.dev, settings.special, 900_000, 'phased'),
    ])
    .returning('id')
    .execute()
  ids = { eve: moderation.legacy.eve, ben: ben!.id, cara: cara!.id, dev: dev!.id }
})
after(() => t.close())

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
const eveRow = () =>
  t.database.db
    .selectFrom('legacy_funding')
    .select(['protected_until', 'version'])
    .where('id', '=', ids.eve)
    .executeTakeFirstOrThrow()
const dateOf = (d: unknown) => (d === null ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d))

describe('legacy exceptional funding transition', () => {
  it('lists every exceptional case with its old and new amounts, the difference and the protection', async () => {
    const manager = await signedIn(t.app, 'manager')
    const res = await manager.get('/funding/transition')
    assert.equal(res.status, 200)
    const page = text(res.text)
    assert.match(page, /Cases 3 Moved onto the matrix 1 Awaiting the panel 1 Not yet assessed 1/)
    assert.match(page, /Old annual amount, every case £11,500\.00/)
    assert.match(page, /New annual amount, cases moved £1,550\.00 Difference, cases moved −£4,450\.00 Protected now 1/)
    assert.match(page, /Eve Thorn Birch Academy £6,000\.00 Moved onto the matrix £1,550\.00 −£4,450\.00 31 August 2027/)
    assert.match(page, /Ben Quill Alder Primary School £3,000\.00 Awaiting the panel/)
    assert.match(page, /Cara Rowan Birch Academy £2,500\.00 Not yet assessed/)
    assert.doesNotMatch(page, /Dev Sorrel/)
    assert.match(res.text, new RegExp(`href="/funding/transition/${ids.eve}"`))

    const csv = await manager.get('/funding/transition/download?format=csv')
    assert.equal(csv.status, 200)
    assert.match(csv.headers['content-disposition']!, /filename="legacy-transition-2026-27.csv"/)
    assert.match(csv.text, /\nEve Thorn,Birch Academy,6000,Moved onto the matrix,1550,-4450,2027-08-31\n/)
    assert.match(csv.text, /\nBen Quill,Alder Primary School,3000,Awaiting the panel,,,\n/)

    const panel = await signedIn(t.app, 'panel')
    assert.equal((await panel.get('/funding/transition')).status, 200)
  })

  it('changes the protection date, keeps nothing stale, and clears it', async () => {
    const manager = await signedIn(t.app, 'manager')
    const page = await manager.get(`/funding/transition/${ids.eve}`)
    assert.equal(page.status, 200)
    assert.match(text(page.text), /Old annual amount £6,000\.00/)
    assert.match(text(page.text), /Difference \(new less old\) −£4,450\.00/)
    const { version } = await eveRow()
    const saved = await manager.post(`/funding/transition/${ids.eve}`, {
      protectedUntil: '2027-03-31',
      version: String(version),
    })
    assert.equal(saved.status, 200, saved.text)
    assert.match(saved.text, /Protection date saved/)
    assert.deepEqual(await eveRow().then(r => [dateOf(r.protected_until), r.version]), ['2027-03-31', version + 1])

    // A second form opened before the change: refused, nothing overwritten.
    const stale = await manager.post(`/funding/transition/${ids.eve}`, {
      protectedUntil: '2028-03-31',
      version: String(version),
    })
    assert.equal(stale.status, 409)
    // On the case's own page, as now saved.
    assert.match(stale.text, /Nothing was overwritten: the case as now saved is shown below \(you entered 2028-03-31\)/)
    assert.match(stale.text, new RegExp(`name="version" value="${version + 1}"`))
    assert.equal(dateOf((await eveRow()).protected_until), '2027-03-31')

    const cleared = await manager.post(`/funding/transition/${ids.eve}`, {
      protectedUntil: '',
      version: String(version + 1),
    })
    assert.equal(cleared.status, 200)
    assert.equal((await eveRow()).protected_until, null)
    assert.match(text(cleared.text), /Protected until Not protected/)

    const events = await t.database.db
      .selectFrom('audit_event')
      .select(['record_id', 'details'])
      .where('action', '=', 'transition.protect')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      events.map(e => [e.record_id, e.details]),
      [
        [ids.eve, { protected: true, hadProtection: true }],
        [ids.eve, { protected: false, hadProtection: true }],
      ],
    )
  })

  it('refuses a bad date, one before the award starts, and a case not yet on the matrix, keeping the input', async () => {
    const admin = await signedIn(t.app, 'admin')
    await admin.get(`/funding/transition/${ids.eve}`)
    const { version } = await eveRow()
    const unreal = await admin.post(`/funding/transition/${ids.eve}`, {
      protectedUntil: '2027-02-30',
      version: String(version),
    })
    assert.equal(unreal.status, 400)
    assert.match(unreal.text, /There is a problem/)
    assert.match(unreal.text, /href="#protectedUntil">Enter the protection date as a real date/)
    assert.match(unreal.text, /name="protectedUntil" type="text" value="2027-02-30"/)
    const early = await admin.post(`/funding/transition/${ids.eve}`, {
      protectedUntil: '2026-11-01',
      version: String(version),
    })
    assert.equal(early.status, 400)
    assert.match(early.text, /on or after the day the matrix award starts \(2026-11-16\)/)
    assert.equal((await eveRow()).version, version)

    await admin.get(`/funding/transition/${ids.ben}`)
    const notYet = await admin.post(`/funding/transition/${ids.ben}`, { protectedUntil: '2027-08-31', version: '1' })
    assert.equal(notYet.status, 400)
    assert.match(notYet.text, /only once the pupil’s matrix award is agreed/)
  })

  it('is refused to a school user and a case officer; finance and panel members read but cannot change', async () => {
    for (const who of ['senco.b', 'officer']) {
      const user = await signedIn(t.app, who)
      assert.equal((await user.get('/funding/transition')).status, 403)
      assert.equal((await user.get(`/funding/transition/${ids.eve}`)).status, 403)
      assert.equal((await user.get('/funding/transition/download?format=csv')).status, 403)
    }
    const finance = await signedIn(t.app, 'finance')
    const page = await finance.get(`/funding/transition/${ids.eve}`)
    assert.equal(page.status, 200)
    assert.doesNotMatch(page.text, /Save protection date/)
    const { version } = await eveRow()
    const refused = await finance.post(`/funding/transition/${ids.eve}`, {
      protectedUntil: '2027-08-31',
      version: String(version),
    })
    assert.equal(refused.status, 403)
    assert.equal((await eveRow()).version, version)
  })

  it('answers not found for a phased amount, an unknown id and a malformed one', async () => {
    const manager = await signedIn(t.app, 'manager')
    assert.equal((await manager.get(`/funding/transition/${ids.dev}`)).status, 404)
    assert.equal((await manager.get('/funding/transition/00000000-0000-4000-8000-000000000000')).status, 404)
    assert.equal((await manager.get('/funding/transition/not-an-id')).status, 404)
  })

  it('audits the list with its count only, and each case read by its id', async () => {
    const panel = await signedIn(t.app, 'panel')
    await panel.get('/funding/transition')
    await panel.get(`/funding/transition/${ids.cara}`)
    const events = await t.database.db
      .selectFrom('audit_event')
      .select(['record_type', 'record_id', 'details'])
      .where('action', '=', 'transition.read')
      .where('username', '=', 'panel')
      .orderBy('id')
      .execute()
    // The panel member also read the list in the first test.
    assert.deepEqual(
      events.slice(-2).map(e => [e.record_type, e.record_id, e.details]),
      [
        ['legacy_funding', null, { cases: 3 }],
        ['legacy_funding', ids.cara, {}],
      ],
    )
  })
})

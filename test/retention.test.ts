import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { AccountService } from '../src/people/accounts.ts'
import { readCatalog, RetentionStore, type ChildData } from '../src/people/retention-store.ts'
import { RetentionService } from '../src/people/retention-service.ts'
import { RECORD_CLASSES } from '../src/people/rules/retention.ts'
import { LA, loadModerationFixture } from './support/fixture.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { loadCaseworkFixture } from './support/casework-fixture.ts'
import { loadDisputeFixture } from './support/dispute-fixture.ts'
import { loadReviewFixture } from './support/review-fixture.ts'

// Retention over HTTP and from the job: rules kept by the LA admin (stale saves refused), what falls
// due, legal holds that stop disposal, and disposal that deletes casework, keeps money anonymously,
// anonymises the child and audits each step without personal data.

let t: TestApp
let admin: Client

before(async () => {
  t = await startTestApp()
  await loadModerationFixture(t.database.db, t.fixture)
  await loadCaseworkFixture(t.database.db, t.fixture)
  await loadReviewFixture(t.database.db, t.fixture)
  await loadDisputeFixture(t.database.db, t.fixture)
  admin = await signedIn(t.app, 'admin')
})
after(() => t?.close())

const childData = async (childId: string): Promise<ChildData> =>
  new RetentionStore(t.database.db, LA).childData(await readCatalog(t.database.db), childId)
const count = (data: ChildData, tables: readonly string[]) => tables.reduce((n, x) => n + (data[x]?.length ?? 0), 0)
const audits = (action: string) =>
  t.database.db.selectFrom('audit_event').selectAll().where('la_code', '=', LA).where('action', '=', action).execute()

async function setRule(recordClass: string, years: string) {
  const page = await admin.get(`/admin/retention/rules/${recordClass}`)
  const version = /name="version" value="(\d+)"/.exec(page.text)![1]!
  return admin.post(`/admin/retention/rules/${recordClass}`, { years, version })
}

describe('retention rules', () => {
  it('start at 25 years from birth for every class, shown to the LA admin', async () => {
    const page = await admin.get('/admin/retention')
    assert.equal(page.status, 200)
    assert.equal([...page.text.matchAll(/govuk-table__cell--numeric">25</g)].length, 3)
  })

  it('refuses a bad number of years, keeping what was typed', async () => {
    const res = await setRule('casework', 'ten')
    assert.equal(res.status, 400)
    assert.match(res.text, /There is a problem/)
    assert.match(res.text, /Enter the number of years/)
    assert.match(res.text, /name="years" type="text" value="ten"|value="ten"/)
  })

  it('refuses a stale save with 409, showing the latest rule, and audits the save that was made', async () => {
    const page = await admin.get('/admin/retention/rules/casework')
    const version = /name="version" value="(\d+)"/.exec(page.text)![1]!
    assert.equal((await admin.post('/admin/retention/rules/casework', { years: '14', version })).status, 303)
    const stale = await admin.post('/admin/retention/rules/casework', { years: '30', version })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Someone else changed this rule/)
    assert.match(stale.text, /keeps these records for 14 years/)
    const rules = await new RetentionService(t.database.db, LA, t.clock).rules(await systemActor())
    assert.equal(rules.find(r => r.recordClass === 'casework')!.years, 14)
    const changed = await audits('retention.rule.change')
    assert.equal(changed.length, 1)
    assert.deepEqual(changed[0]!.details, { from: 25, to: 14 })
  })
})

const systemActor = () => new AccountService(t.database.db, LA).systemActor()

describe('disposal', () => {
  before(async () => {
    // Today is 2026-11-23: at 14 years Dev (born 2011-01-20) and Cara (2012-06-30) are due, the rest are not.
    assert.equal((await setRule('funding', '14')).status, 303)
    assert.equal((await setRule('child', '14')).status, 303)
  })

  it('lists the children due, and only them', async () => {
    const page = await admin.get('/admin/retention/due')
    assert.equal(page.status, 200)
    assert.match(page.text, /F0004/)
    assert.match(page.text, /F0003/)
    assert.doesNotMatch(page.text, /F0001|F0002|F0005/)
  })

  it('places a legal hold by the child’s reference, refusing an unknown one', async () => {
    const bad = await admin.post('/admin/retention/holds', { child: 'NOPE', reason: 'Tribunal' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /No child has that LA reference or UPN/)
    const empty = await admin.post('/admin/retention/holds', { child: 'F0003', reason: '' })
    assert.equal(empty.status, 400)
    assert.match(empty.text, /Enter the reason for the hold/)
    const placed = await admin.post('/admin/retention/holds', { child: 'F0003', reason: 'Upper Tribunal appeal' })
    assert.equal(placed.status, 303)
    const again = await admin.post('/admin/retention/holds', { child: 'F0003', reason: 'Twice' })
    assert.equal(again.status, 400)
    assert.match(again.text, /already has a legal hold/)
    const page = await admin.get('/admin/retention/holds')
    assert.match(page.text, /Upper Tribunal appeal/)
    assert.equal((await audits('retention.hold.place')).length, 1)
  })

  it('changes nothing on a dry run', async () => {
    const before = await childData(t.fixture.children.dev)
    const res = await admin.post('/admin/retention/run', { dryRun: 'yes' })
    assert.equal(res.status, 200)
    assert.match(res.text, /1 child would have records disposed of; 1 kept on legal hold/)
    assert.deepEqual(await childData(t.fixture.children.dev), before)
    assert.equal((await audits('retention.dispose')).length, 0)
  })

  it('deletes the casework, keeps the money anonymously, anonymises the child, and spares the held child', async () => {
    const dev = t.fixture.children.dev
    const cara = t.fixture.children.cara
    const devBefore = await childData(dev)
    const caraBefore = await childData(cara)
    assert.ok(count(devBefore, RECORD_CLASSES.casework.tables) > 0, 'Dev has casework to delete')
    assert.ok(count(caraBefore, RECORD_CLASSES.casework.tables) > 0, 'Cara has casework to keep')

    const res = await admin.post('/admin/retention/run', { dryRun: 'no' })
    assert.equal(res.status, 200)
    assert.match(res.text, /1 child had records disposed of; 1 kept on legal hold/)

    const devAfter = await childData(dev)
    assert.equal(count(devAfter, RECORD_CLASSES.casework.tables), 0)
    for (const table of RECORD_CLASSES.funding.tables) {
      assert.equal(devAfter[table]!.length, devBefore[table]!.length, `${table} kept`)
    }
    for (const award of devAfter.award!) {
      assert.deepEqual(award.evidence, {})
      assert.deepEqual(award.choices, {})
    }
    const anonymous = devAfter.child![0]!
    assert.equal(anonymous.first_name, 'Disposed')
    assert.equal(anonymous.last_name, 'Record')
    assert.equal(anonymous.upn, null)
    assert.match(String(anonymous.local_id), /^D[0-9a-f]{19}$/)
    assert.equal(anonymous.date_of_birth, '2011-01-01')
    assert.equal(devAfter.child_need!.length, devBefore.child_need!.length)

    assert.deepEqual(await childData(cara), caraBefore)

    const disposals = await audits('retention.dispose')
    assert.deepEqual(disposals.map(d => (d.details as { recordClass: string }).recordClass).sort(), [
      'casework',
      'child',
      'funding',
    ])
    for (const d of disposals) {
      assert.equal(d.record_id, dev)
      assert.doesNotMatch(JSON.stringify(d.details), /Dev|Sorrel|F0004|2011-01-20/)
    }
    const page = await admin.get('/admin/retention/due')
    assert.doesNotMatch(page.text, /F0004/)
  })

  it('disposes of the child once the hold is lifted, and then has nothing left to do', async () => {
    const holds = await admin.get('/admin/retention/holds')
    const holdId = /name="holdId" value="([^"]+)"/.exec(holds.text)![1]!
    const version = /name="holdId" value="[^"]+">\s*<input type="hidden" name="version" value="(\d+)"/.exec(
      holds.text,
    )![1]!
    // From a page older than the hold: refused with 409 on the holds page, the hold still in place.
    const stale = await admin.post('/admin/retention/holds/lift', {
      holdId,
      version: String(Number(version) + 1),
      reason: 'Appeal decided',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Someone else changed this hold since you opened the page\. Nothing was lifted/)
    assert.match(stale.text, new RegExp(`name="holdId" value="${holdId}"`))
    const noReason = await admin.post('/admin/retention/holds/lift', { holdId, version, reason: '' })
    assert.equal(noReason.status, 400)
    assert.match(noReason.text, /Enter the reason for lifting the hold/)
    assert.equal(
      (await admin.post('/admin/retention/holds/lift', { holdId, version, reason: 'Appeal decided' })).status,
      303,
    )
    const service = new RetentionService(t.database.db, LA, t.clock)
    const actor = await systemActor()
    const report = await service.run(actor, { dryRun: false })
    assert.equal(report.children, 1)
    assert.equal(report.held, 0)
    assert.equal(report.failed.length, 0)
    const cara = await childData(t.fixture.children.cara)
    assert.equal(count(cara, RECORD_CLASSES.casework.tables), 0)
    assert.equal(cara.child![0]!.first_name, 'Disposed')
    const again = await service.run(actor, { dryRun: false })
    assert.deepEqual([again.children, again.disposals.length], [0, 0])
  })
})

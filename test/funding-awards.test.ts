import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'

// The approved test matrix (test/support/matrix.ts): CI1 1, CI2 3, CI3 6 points; CL weighs 2 with
// CL1 1 and CL2 4 points. Level 1 is 0–4, Level 2 is 5–11, Level 3 (12 or more) is bespoke. In
// 2026-27 mainstream pays £1,550 and £4,320; the fixture's today, 2026-11-23, is in 2026-27.

let t: TestApp
before(async () => {
  t = await startTestApp()
})
after(() => t.close())

const EVIDENCE = 'Speech and language therapist report, 3 March'

const awardRow = (id: string) =>
  t.database.db.selectFrom('award').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

const audits = (recordId: string) =>
  t.database.db.selectFrom('audit_event').selectAll().where('record_id', '=', recordId).orderBy('id').execute()

/** Starts (or resumes) a matrix from the child record's button; returns the award's page path. */
async function start(client: Client, childId: string): Promise<string> {
  const record = await client.get(`/children/${childId}`)
  assert.equal(record.status, 200)
  assert.match(record.text, /Complete a funding matrix/)
  const res = await client.post(`/children/${childId}/awards`)
  assert.equal(res.status, 303, res.text)
  return res.headers.location as string
}

async function versionOf(client: Client, path: string): Promise<string> {
  const page = await client.get(path)
  assert.equal(page.status, 200)
  return /name="version" value="(\d+)"/.exec(page.text)![1]!
}

const idOf = (path: string) => path.split('/').pop()!

describe('funding matrices and awards', () => {
  it('a SENCo completes a matrix for a pupil at their school: Calculate shows points, level and £; then submits', async () => {
    const senco = await signedIn(t.app, 'senco.a')
    const path = await start(senco, t.fixture.children.ada)
    assert.equal(idOf(path), t.fixture.awards.ada, 'the open draft is resumed, not duplicated')
    const version = await versionOf(senco, path)
    const blank = await senco.get(path)
    assert.match(blank.text, /Not answered yet/)
    const form = {
      version,
      'choice-CI': 'CI2',
      'evidence-CI': EVIDENCE,
      'choice-CL': 'CL1',
      'evidence-CL': 'Teacher assessment',
    }
    const calculated = await senco.post(`${path}/calculate`, form)
    assert.equal(calculated.status, 200, calculated.text)
    assert.match(calculated.text, /Level 2/)
    assert.match(calculated.text, /£4,320\.00/)
    assert.match(calculated.text, /Under Approved test matrix/)
    assert.doesNotMatch(calculated.text, /Not answered yet/)
    const next = /name="version" value="(\d+)"/.exec(calculated.text)![1]!
    const submitted = await senco.post(`${path}/submit`, { ...form, version: next })
    assert.equal(submitted.status, 303, submitted.text)
    const row = await awardRow(t.fixture.awards.ada)
    assert.equal(row.status, 'submitted')
    assert.equal(row.level, 2)
    assert.equal(Number(row.annual_pence), 432_000)
    assert.equal(Number(row.total_points), 5)
    // Part of the child's record: audited, but the evidence itself never goes into the audit log.
    const rows = await audits(t.fixture.awards.ada)
    assert.ok(rows.some(r => r.action === 'award.save'))
    assert.ok(rows.some(r => r.action === 'award.submit'))
    assert.ok(!JSON.stringify(rows).includes('therapist'))
  })

  it('a SENCo cannot open or start a matrix for a pupil at another school: 404, audited as denied', async () => {
    const senco = await signedIn(t.app, 'senco.a')
    const { eve } = t.fixture.children
    assert.equal((await senco.post(`/children/${eve}/awards`)).status, 404)
    assert.equal((await senco.get(`/children/${eve}/awards/${t.fixture.awards.eve}`)).status, 404)
    assert.equal((await senco.get(`/api/v1/awards/${t.fixture.awards.eve}`)).status, 404)
    const denied = await audits(t.fixture.awards.eve)
    assert.ok(denied.length >= 2 && denied.every(r => r.outcome === 'denied'))
    assert.ok((await audits(eve)).some(r => r.outcome === 'denied' && r.action === 'award.list'))
  })

  it('a matrix with an unanswered area, or an area without evidence, cannot be submitted: each is named', async () => {
    const senco = await signedIn(t.app, 'senco.a')
    const path = await start(senco, t.fixture.children.ben)
    const version = await versionOf(senco, path)
    const res = await senco.post(`${path}/submit`, { version, 'choice-CI': 'CI1' })
    assert.equal(res.status, 400)
    assert.match(res.text, /There is a problem/)
    assert.match(res.text, /href="#choice-CL"[^>]*>Choose a descriptor for Cognition and learning, or no need/)
    assert.match(res.text, /Enter the evidence for Communication and interaction/)
    assert.equal((await awardRow(idOf(path))).status, 'draft')
    // "No need" is an answer and needs no evidence.
    const again = await versionOf(senco, path)
    const ok = await senco.post(`${path}/submit`, {
      version: again,
      'choice-CI': 'CI1',
      'evidence-CI': 'Observation',
      'choice-CL': 'none',
    })
    assert.equal(ok.status, 303, ok.text)
  })

  it('a save against a version someone else has changed is refused with 409', async () => {
    const officer = await signedIn(t.app, 'officer')
    const created = await officer.postJson(`/api/v1/children/${t.fixture.children.eve}/awards`, {})
    assert.equal(created.status, 200)
    const id = created.body.id as string
    const first = await officer.postJson(`/api/v1/awards/${id}`, { version: 1, choices: { CI: 'CI1' } })
    assert.equal(first.status, 200, JSON.stringify(first.body))
    const stale = await officer.postJson(`/api/v1/awards/${id}`, { version: 1, choices: { CI: 'CI3' } })
    assert.equal(stale.status, 409)
    const row = await awardRow(id)
    assert.deepEqual(row.choices, { CI: 'CI1' })
  })

  it('a special-school pupil is paid by their school’s band, and their score is still recorded', async () => {
    const officer = await signedIn(t.app, 'officer')
    const path = await start(officer, t.fixture.children.dev)
    const version = await versionOf(officer, path)
    const form = {
      version,
      'choice-CI': 'CI2',
      'evidence-CI': 'EHCP section F',
      'choice-CL': 'CL2',
      'evidence-CL': 'EHCP section F',
      bandCode: 'B',
    }
    const calculated = await officer.post(`${path}/calculate`, form)
    assert.equal(calculated.status, 200, calculated.text)
    assert.match(calculated.text, /£21,500\.00/)
    assert.match(calculated.text, /band B \(Profound and multiple\)/)
    const next = /name="version" value="(\d+)"/.exec(calculated.text)![1]!
    assert.equal((await officer.post(`${path}/submit`, { ...form, version: next })).status, 303)
    const row = await awardRow(idOf(path))
    assert.equal(row.funded_setting_type, 'special')
    assert.equal(row.band_code, 'B')
    assert.equal(Number(row.annual_pence), 2_150_000)
    assert.equal(Number(row.total_points), 11)
    assert.equal(row.level, 2)
  })

  it('Level 8 needs a costed package before submission; its total is the amount the panel approves', async () => {
    const officer = await signedIn(t.app, 'officer')
    const path = await start(officer, t.fixture.children.cara)
    const id = idOf(path)
    assert.equal((await awardRow(id)).funded_setting_type, 'resource_base')
    const choices = {
      'choice-CI': 'CI3',
      'evidence-CI': 'Report',
      'choice-CL': 'CL2',
      'evidence-CL': 'Report',
    }
    const refused = await officer.post(`${path}/submit`, { version: await versionOf(officer, path), ...choices })
    assert.equal(refused.status, 400)
    assert.match(refused.text, /Add the Level 8 package/)
    assert.match(refused.text, /Level 8 package/)
    const withPackage = await officer.post(`${path}/calculate`, {
      version: await versionOf(officer, path),
      ...choices,
      rationale: 'Needs two adults for personal care and a sensory diet through the day',
      'line-0-description': 'Teaching assistant, 25 hours a week for 39 weeks',
      'line-0-kind': 'staff',
      'line-0-quantity': '975',
      'line-0-unit': '14.50',
      'line-1-description': 'Occupational therapy sessions',
      'line-1-kind': 'therapy',
      'line-1-quantity': '12',
      'line-1-unit': '85',
      'line-2-description': '',
      'line-2-kind': 'staff',
      'line-2-quantity': '',
      'line-2-unit': '',
    })
    assert.equal(withPackage.status, 200, withPackage.text)
    assert.match(withPackage.text, /£15,157\.50/)
    const next = /name="version" value="(\d+)"/.exec(withPackage.text)![1]!
    const submitted = await officer.postJson(`/api/v1/awards/${id}/submit`, { version: Number(next) })
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body))
    // The panel agrees (approves) the package: test/moderation.test.ts.
    const row = await awardRow(id)
    assert.equal(row.level, 3)
    assert.equal(Number(row.level8_total_pence), 1_515_750)
    assert.equal(Number(row.annual_pence), 1_515_750)
    assert.equal(row.status, 'submitted')
    const page = await officer.get(path)
    assert.match(page.text, /awaiting the moderation panel/)
  })
})

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEMO_RESERVE_FUND_ID, loadBudgetDemo } from '../src/planning/budget-demo.ts'
import { LA, TODAY } from './support/fixture.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { loadPlanningFixture } from './support/planning-fixture.ts'

// The High Needs budget, reserve plans and cluster budgets over HTTP: stale saves refused, each change
// audited, a school user kept to the cluster their school hosts.

let t: TestApp
let finance: Client
before(async () => {
  t = await startTestApp()
  await loadPlanningFixture(t.database.db, t.fixture)
  await loadBudgetDemo(t.database.db, LA, TODAY)
  finance = await signedIn(t.app, 'finance')
})
after(() => t?.close())

const auditActions = async () =>
  (await t.database.db.selectFrom('audit_event').select('action').where('la_code', '=', LA).execute()).map(
    r => r.action,
  )

const POST = { kind: 'programme', title: 'Autism training', amount: '1000', spent: '0' }

describe('Planning money', () => {
  it('refuses a reserve plan line saved from a stale page with 409, and audits the one that was saved', async () => {
    await finance.get(`/planning/reserves/${DEMO_RESERVE_FUND_ID}`)
    const first = await finance.post(`/planning/reserves/${DEMO_RESERVE_FUND_ID}/lines`, { ...POST, version: '1' })
    assert.equal(first.status, 303)
    const stale = await finance.post(`/planning/reserves/${DEMO_RESERVE_FUND_ID}/lines`, { ...POST, version: '1' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Someone else changed this reserve plan/)
    // On the plan's own page, as now saved (the first line counted), the line typed kept in the form.
    assert.match(stale.text, /Nothing was overwritten/)
    assert.match(stale.text, /id="left-to-allocate">£64,000\.00/)
    assert.match(stale.text, /value="Autism training"/)
    const page = await finance.get(`/planning/reserves/${DEMO_RESERVE_FUND_ID}`)
    assert.match(page.text, /id="left-to-allocate">£64,000\.00/)
    assert.equal((await auditActions()).filter(a => a === 'planning.reserve.line.add').length, 1)
  })

  it('refuses a formula whose weights do not add up, naming the sum, and keeps what was typed', async () => {
    const page = await finance.get('/planning/clusters')
    const version = /name="version" value="(\d+)"/.exec(page.text)![1]!
    const res = await finance.post('/planning/clusters/formula', {
      version,
      pot: '-5',
      pupils: '50',
      ehcps: '30',
      senSupport: '10',
      deprivation: '5',
    })
    assert.equal(res.status, 400)
    assert.match(res.text, /The pot must be an amount in pounds and pence, not negative/)
    assert.match(res.text, /The weights must add up to 100% \(they add up to 95\.00%\)/)
    assert.match(res.text, /name="senSupport" type="text" value="10"/)
  })

  it('saves a formula that adds up, shares the pot to the penny, and refuses the same version again', async () => {
    const page = await finance.get('/planning/clusters')
    const version = /name="version" value="(\d+)"/.exec(page.text)![1]!
    const form = { version, pot: '1000.01', pupils: '33.33', ehcps: '33.33', senSupport: '33.34', deprivation: '0' }
    assert.equal((await finance.post('/planning/clusters/formula', form)).status, 303)
    const shares = [
      ...(await finance.get('/planning/clusters')).text.matchAll(
        /<td[^>]*>(£[\d,.]+)<\/td>\s*<td[^>]*>£[\d,.]+<\/td>\s*<td[^>]*>£[\d,.]+<\/td>\s*<td[^>]*>£[\d,.]+<\/td>\s*<\/tr>/g,
      ),
    ]
    const total = shares.reduce((s, m) => s + Math.round(Number(m[1]!.replace(/[£,]/g, '')) * 100), 0)
    assert.equal(shares.length, 2)
    assert.equal(total, 1000_01)
    assert.equal((await finance.post('/planning/clusters/formula', form)).status, 409)
    assert.ok((await auditActions()).includes('planning.cluster-formula.update'))
  })

  it('lets the host school record its own cluster’s allocation and spend, and hides the other cluster', async () => {
    const senco = await signedIn(t.app, 'senco.a')
    const list = await senco.get('/planning/clusters')
    assert.match(list.text, /Northtown cluster/)
    assert.doesNotMatch(list.text, /Southbury cluster/)
    assert.equal((await senco.get('/planning/clusters/S')).status, 404)
    await senco.get('/planning/clusters/N')
    const overspend = await senco.post('/planning/clusters/N/entries', {
      kind: 'spend',
      description: 'Speech and language therapist',
      amount: '100',
      entryDate: '2026-10-01',
    })
    assert.equal(overspend.status, 400)
    assert.match(overspend.text, /Spend must not be more than the cluster has allocated/)
    for (const kind of ['allocation', 'spend'])
      assert.equal(
        (
          await senco.post('/planning/clusters/N/entries', {
            kind,
            description: 'SALT',
            amount: '100',
            entryDate: '2026-10-01',
          })
        ).status,
        303,
      )
    const page = await senco.get('/planning/clusters/N')
    assert.match(page.text, /SALT/)
    const actions = await auditActions()
    assert.ok(actions.includes('planning.cluster.allocation') && actions.includes('planning.cluster.spend'))
  })

  it('lets the finance officer correct a DSG block, naming each bad figure, refusing a stale save', async () => {
    const page = await finance.get('/planning/budget/dsg/2021/high_needs')
    assert.match(page.text, /name="budget"[^>]*value="39849000"/)
    const bad = await finance.post('/planning/budget/dsg/2021/high_needs', {
      version: '1',
      budget: '-1',
      broughtForward: 'lots',
      forecast: '21657000',
      source: '',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Latest budget must not be negative/)
    assert.match(bad.text, /Deficit brought forward must be an amount in pounds/)
    assert.match(bad.text, /Enter where the figures come from/)
    const form = {
      version: '1',
      budget: '39,849,000',
      broughtForward: '13609000',
      forecast: '21,000,000',
      source: 'December monitoring',
    }
    assert.equal((await finance.post('/planning/budget/dsg/2021/high_needs', form)).status, 303)
    const stale = await finance.post('/planning/budget/dsg/2021/high_needs', { ...form, budget: '1' })
    assert.equal(stale.status, 409)
    // On the block's own page: the figures now saved named, the ones typed kept in the form.
    assert.match(
      stale.text,
      /Nothing was overwritten: the latest budget now saved is £39,849,000\.00, from December monitoring/,
    )
    assert.match(stale.text, /name="budget" type="text" value="1"|value="1"[^>]*name="budget"/)
    // The DSG total is the sum of its blocks: £18.813m − £0.657m.
    assert.match((await finance.get('/planning/budget')).text, /£18,156,000\.00/)
    assert.equal((await finance.post('/planning/budget/dsg/2022/early_years', { ...form, version: '' })).status, 303)
    assert.match((await finance.get('/planning/budget')).text, /DSG 2022-23/)
    assert.ok((await auditActions()).includes('planning.dsg-block.save'))
  })

  it('shows seed 004’s DSG table and a trajectory that falls when a scenario is switched on', async () => {
    const off = await finance.get('/planning/budget')
    assert.match(off.text, /£287,716,000\.00/)
    // The High Needs lines, with the top-up the funding run commits this financial year.
    for (const line of [
      'Mainstream top-ups',
      'Special school places and top-ups',
      'Independent and non-maintained placements',
      'Resource bases',
      'Alternative provision',
      'Post-16',
    ])
      assert.ok(off.text.includes(line), line)
    assert.match(off.text, /Each High Needs line’s budget for 2026-27 against the top-up committed/)
    const on = await finance.get('/planning/budget?scenario=growth-cut-25&scenario=dbv-savings')
    assert.equal(on.status, 200)
    assert.equal([...on.text.matchAll(/class="app-deficit-line"/g)].length, 3)
    const refused = await finance.post('/planning/budget/scenarios', {
      label: 'Bad',
      savings: '-100',
      fromYear: '2040',
      growthReduction: '150',
    })
    assert.equal(refused.status, 400)
    assert.match(refused.text, /Savings a year must not be negative/)
    assert.match(refused.text, /Savings must start in a year of the trajectory, 2026 to 2030/)
    assert.match(refused.text, /Cut in growth of plans must be between 0% and 100%/)
    const nothing = await finance.post('/planning/budget/scenarios', { label: 'Nothing', savings: '0' })
    assert.match(nothing.text, /this scenario changes nothing/)
    const added = await finance.post('/planning/budget/scenarios', {
      label: 'Inclusion in mainstream',
      savings: '1,000,000',
      fromYear: '2027',
      growthReduction: '10',
    })
    assert.equal(added.status, 303)
    assert.equal(added.headers.location, '/planning/budget?scenario=inclusion-in-mainstream#trajectory')
    assert.match(
      (await finance.get('/planning/budget?scenario=inclusion-in-mainstream')).text,
      /<th scope="col"[^>]*>Inclusion in mainstream<\/th>/,
    )
    assert.ok((await auditActions()).includes('planning.budget.scenario.add'))
    const bad = await finance.get('/planning/budget?scenario=nonsense')
    assert.equal([...bad.text.matchAll(/class="app-deficit-line"/g)].length, 1)
  })

  it('lets the finance officer change the trajectory assumptions: bad figures named, the deficit moves, a stale save shown beside the latest', async () => {
    const before = await finance.get('/planning/budget')
    const lastDeficit = (html: string) => {
      const rows = [
        ...html.matchAll(
          /<th scope="row" class="govuk-table__header">(\d{4}-\d{2})<\/th>\s*<td[^>]*>[\d,]+<\/td>\s*<td[^>]*>(-?£[\d,.]+)<\/td>/g,
        ),
      ]
      return Math.round(Number(rows.at(-1)![2]!.replace(/[£,]/g, '')) * 100)
    }
    const was = lastDeficit(before.text)
    const page = await finance.get('/planning/budget/assumptions')
    assert.equal(page.status, 200, page.text.slice(0, 3000))
    const version = /name="version" value="(\d+)"/.exec(page.text)![1]!
    const bad = await finance.post('/planning/budget/assumptions', {
      version,
      firstYear: '26',
      openingDeficit: 'a lot',
      funding: '-1',
      fundingGrowth: '75',
      costPerPlan: '0',
      costInflation: '3',
      otherSpend: '9000000',
      source: '',
    })
    assert.equal(bad.status, 400)
    for (const message of [
      /Enter the first year as the year it starts/,
      /Deficit brought forward must be an amount in pounds/,
      /High Needs funding must not be negative/,
      /Yearly rise in funding must be between -50 and 50/,
      /Cost per EHC plan must be more than £0/,
      /Enter where the assumptions come from/,
    ])
      assert.match(bad.text, message)
    assert.match(bad.text, /name="otherSpend" type="text" value="9000000"/)
    const form = {
      version,
      firstYear: '2026',
      openingDeficit: '34,000,000',
      funding: '70000000',
      fundingGrowth: '3',
      costPerPlan: '12500',
      costInflation: '3',
      otherSpend: '9000000',
      source: 'Budget-setting report, February',
    }
    assert.equal((await finance.post('/planning/budget/assumptions', form)).status, 303)
    // £10m more funding a year (rising 3%) leaves the fifth year's deficit lower by the sum of the extra funding.
    const extra = [0, 1, 2, 3, 4].reduce((s, i) => s + Math.round(1_000_000_000 * 1.03 ** i), 0)
    assert.equal(lastDeficit((await finance.get('/planning/budget')).text), was - extra)
    const stale = await finance.post('/planning/budget/assumptions', { ...form, funding: '50000000' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Someone else changed these assumptions/)
    assert.match(stale.text, /£70,000,000\.00/)
    assert.match(stale.text, /name="funding" type="text" value="50000000"/)
    assert.ok((await auditActions()).includes('planning.budget.assumptions.save'))
  })

  it('counts each cluster’s EHC plans and SEN support from today’s placements, and keeps census figures as entered', async () => {
    const db = t.database.db
    // What the counts should be, worked out here from the fixture's own rows.
    const expected = new Map<string, { ehcps: number; senSupport: number }>()
    const members = await db.selectFrom('cluster_member').select(['cluster_code', 'setting_id']).execute()
    const placements = await db
      .selectFrom('placement as p')
      .innerJoin('child as c', join => join.onRef('c.id', '=', 'p.child_id').onRef('c.la_code', '=', 'p.la_code'))
      .select(['p.setting_id', 'p.start_date', 'p.end_date', 'p.rank', 'c.id', 'c.sen_status'])
      .where('p.la_code', '=', LA)
      .execute()
    for (const m of members) {
      const here = placements.filter(
        p =>
          p.setting_id === m.setting_id &&
          p.rank === 1 &&
          p.start_date <= TODAY &&
          (!p.end_date || p.end_date >= TODAY),
      )
      const e = expected.get(m.cluster_code) ?? { ehcps: 0, senSupport: 0 }
      e.ehcps += new Set(here.filter(p => p.sen_status === 'ehcp').map(p => p.id)).size
      e.senSupport += new Set(here.filter(p => p.sen_status === 'sen_support').map(p => p.id)).size
      expected.set(m.cluster_code, e)
    }
    assert.ok([...expected.values()].some(e => e.ehcps > 0 && e.senSupport > 0))
    await db.updateTable('school_cluster').set({ ehcps: 999, sen_support: 999, counted_on: null }).execute()
    const senco = await signedIn(t.app, 'senco.a')
    await senco.get('/planning/clusters')
    assert.equal((await senco.post('/planning/clusters/count', {})).status, 403)
    await finance.get('/planning/clusters')
    assert.equal((await finance.post('/planning/clusters/count', {})).status, 303)
    const rows = await db.selectFrom('school_cluster').select(['code', 'ehcps', 'sen_support', 'counted_on']).execute()
    for (const r of rows) {
      assert.deepEqual(
        { ehcps: r.ehcps, senSupport: r.sen_support },
        expected.get(r.code) ?? { ehcps: 0, senSupport: 0 },
      )
      assert.equal(r.counted_on, TODAY)
    }
    const page = await finance.get(`/planning/clusters/${rows[0]!.code}`)
    assert.match(page.text, /Counted from placements on/)
    const version = /name="version" value="(\d+)"/.exec(page.text)![1]!
    const bad = await finance.post(`/planning/clusters/${rows[0]!.code}/measures`, {
      version,
      pupils: '100',
      deprivation: '250',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /must not be more than the pupil numbers/)
    const form = { version, pupils: '2,480', deprivation: '560' }
    assert.equal((await finance.post(`/planning/clusters/${rows[0]!.code}/measures`, form)).status, 303)
    const stale = await finance.post(`/planning/clusters/${rows[0]!.code}/measures`, { ...form, pupils: '3000' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Someone else changed this cluster/)
    assert.match(stale.text, /name="pupils" type="text" value="3000"/)
    assert.match(stale.text, />2,480</)
    const actions = await auditActions()
    assert.ok(actions.includes('planning.clusters.count') && actions.includes('planning.cluster.measures'))
  })

  it('sets a budget for each High Needs line and shows what is left after the committed top-up', async () => {
    const row = (html: string) => {
      const m = new RegExp(
        'Special school places and top-ups[\\s\\S]*?</th>\\s*<td[^>]*>[\\d,]+</td>\\s*<td[^>]*>([^<]+)</td>\\s*<td[^>]*>(£[\\d,.]+)</td>\\s*<td[^>]*>([^<]+)</td>',
      ).exec(html)!
      return { budget: m[1]!, committed: Math.round(Number(m[2]!.replace(/[£,]/g, '')) * 100), left: m[3]! }
    }
    const page = await finance.get('/planning/budget')
    // The demo's illustrative budget for the line.
    assert.equal(row(page.text).budget, '£16,000,000.00')
    const year = /href="\/planning\/budget\/lines\/(\d{4})\/special"/.exec(page.text)![1]!
    const form = await finance.get(`/planning/budget/lines/${year}/special`)
    const version = /name="version" value="(\d+)"/.exec(form.text)![1]!
    const bad = await finance.post(`/planning/budget/lines/${year}/special`, { version, budget: '-5' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /The budget must not be negative/)
    assert.equal(
      (await finance.post(`/planning/budget/lines/${year}/special`, { version, budget: '1,000,000' })).status,
      303,
    )
    const after = row((await finance.get('/planning/budget')).text)
    assert.equal(after.budget, '£1,000,000.00')
    const left = 1_000_000_00 - after.committed
    const gbp = (p: number) =>
      `${p < 0 ? '-' : ''}£${(Math.abs(p) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`
    assert.equal(after.left, gbp(left))
    const stale = await finance.post(`/planning/budget/lines/${year}/special`, { version, budget: '2000000' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /the budget now saved is £1,000,000\.00/)
    assert.match(stale.text, /name="budget" type="text" value="2000000"/)
    // A year with no budget yet for the line: a blank version records a new one.
    assert.equal((await finance.post(`/planning/budget/lines/2040/post_16`, { version: '', budget: '5' })).status, 303)
    assert.equal((await finance.get(`/planning/budget/lines/${year}/nonsense`)).status, 404)
    assert.ok((await auditActions()).includes('planning.budget.line.save'))
  })
})

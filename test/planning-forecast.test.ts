import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import { caseloadRecords } from '../src/insight/caseload.ts'
import { censusDate } from '../src/insight/rules/caseload.ts'
import { ForecastService } from '../src/planning/forecast-service.ts'
import { LA } from './support/fixture.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { loadPlanningFixture } from './support/planning-fixture.ts'

// The fixture's clock is 2026-11-23, so the forecast jumps off from the January 2026 census.

let t: TestApp
let manager: Client
let noHistoryPage = ''

/** The rows of the table whose wrapper has the id, as cell texts (tags stripped). */
function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`id="${id}"`)
  assert.ok(start >= 0, `no table ${id}`)
  const table = html.slice(start, html.indexOf('</table>', start))
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(m =>
    [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(c => c[1]!.replace(/<[^>]+>/g, '').trim()),
  )
}
const num = (text: string) => Number(text.replace(/,/g, ''))

before(async () => {
  t = await startTestApp()
  manager = await signedIn(t.app, 'manager')
  // Before any plans: the page says there is nothing to forecast from.
  noHistoryPage = (await manager.get('/planning/forecast')).text
  await loadPlanningFixture(t.database.db, t.fixture)
})
after(() => t?.close())

describe('Planning: the EHC plan forecast', () => {
  it('says so instead of guessing when the records hold too little history', () => {
    assert.match(noHistoryPage, /id="no-forecast"/)
    assert.match(noHistoryPage, /No forecast: There are no plans in force/)
  })

  it('jumps off from the plans in force at the January census, and projects five Januaries with a band', async () => {
    const inForce = (await caseloadRecords(t.database.db, LA, censusDate(2026))).length
    const res = await manager.get('/planning/forecast')
    assert.equal(res.status, 200)
    const rows = tableRows(res.text, 'forecast')
    assert.deepEqual(rows[0], [
      'January',
      'Plans (forecast)',
      'Low (80% band)',
      'High (80% band)',
      'No-change forecast',
    ])
    assert.equal(rows[1]![0], '2026 (census, actual)')
    assert.equal(num(rows[1]![1]!), inForce)
    assert.deepEqual(
      rows.slice(2).map(r => r[0]),
      ['2027', '2028', '2029', '2030', '2031'],
    )
    for (const r of rows.slice(2)) assert.ok(num(r[2]!) <= num(r[1]!) && num(r[1]!) <= num(r[3]!))
    assert.match(res.text, /role="img"/)
    assert.match(res.text, /class="app-forecast-band"/)
  })

  it('moves the numbers and the band when a scenario is switched on, beside the no-change forecast', async () => {
    const base = tableRows((await manager.get('/planning/forecast')).text, 'forecast')
    const res = await manager.get('/planning/forecast?newPlansPercent=50&ceasingFrom16Percent=0&years=5')
    const more = tableRows(res.text, 'forecast')
    const last = more.length - 1
    assert.ok(num(more[last]![1]!) > num(base[last]![1]!), 'more new plans, more plans')
    assert.ok(num(more[last]![3]!) > num(base[last]![3]!), 'the band moves with it')
    assert.equal(more[last]![4], base[last]![1], 'the no-change column is the plain forecast')
    assert.match(res.text, /no-change forecast dashed/)
  })

  it('filters by need, age group and locality, and the needs add up to the total', async () => {
    const all = tableRows((await manager.get('/planning/forecast')).text, 'forecast')
    const byNeed = tableRows((await manager.get('/planning/forecast')).text, 'by-need').slice(1)
    for (let col = 1; col <= 6; col++) {
      const sum = byNeed.reduce((a, r) => a + num(r[col]!), 0)
      assert.ok(Math.abs(sum - num(all[col]![1]!)) <= byNeed.length, `January column ${col}`)
    }
    const asd = tableRows((await manager.get('/planning/forecast?need=ASD&age=secondary&locality=N')).text, 'forecast')
    assert.ok(num(asd[1]![1]!) < num(all[1]![1]!))
  })

  it('refuses a scenario that does not add up, naming each problem and keeping what was typed', async () => {
    const res = await manager.get('/planning/forecast?newPlansPercent=lots&ceasingFrom16Percent=500&years=9&need=XYZ')
    assert.equal(res.status, 400)
    assert.match(res.text, /govuk-error-summary/)
    assert.match(res.text, /Change in new plans must be a number/)
    assert.match(res.text, /between -100% and 200%/)
    assert.match(res.text, /Years ahead must be 3, 4 or 5/)
    assert.match(res.text, /Choose a primary need from the list/)
    assert.match(res.text, /name="newPlansPercent" type="text" value="lots"|value="lots"/)
  })

  it('downloads the forecast as CSV, the same figures as the table', async () => {
    const page = tableRows((await manager.get('/planning/forecast?newPlansPercent=10')).text, 'forecast')
    const res = await manager.get('/planning/forecast?newPlansPercent=10&download=forecast&format=csv')
    assert.equal(res.status, 200)
    assert.match(String(res.headers['content-type']), /text\/csv/)
    const csv = parse(res.text, { bom: true }) as string[][]
    assert.deepEqual(csv[0], page[0])
    assert.equal(num(csv[3]![1]!), num(page[3]![1]!))
  })

  it('answers the same forecast as JSON, and breaks it down by NC year', async () => {
    const page = await manager.get('/planning/forecast?locality=S&newPlansPercent=10')
    const rows = tableRows(page.text, 'forecast')
    const api = await manager.get('/api/v1/planning/forecast?locality=S&newPlansPercent=10')
    assert.equal(api.status, 200)
    assert.equal(api.body.origin, 2026)
    assert.deepEqual(api.body.filter, { locality: 'S' })
    assert.deepEqual(
      api.body.forecast.map((p: { value: number }) => p.value),
      rows.slice(1).map(r => num(r[1]!)),
    )
    const bad = await manager.get('/api/v1/planning/forecast?years=12')
    assert.equal(bad.status, 400)
    assert.equal(bad.body.errors[0].field, 'years')
    const byNc = tableRows(page.text, 'by-nc-year').slice(1)
    const first = byNc.reduce((a, r) => a + num(r[1]!), 0)
    assert.equal(first, num(rows[1]![1]!))
  })

  it('gives other areas the total plans at each January ahead, moved by a scenario', async () => {
    const service = new ForecastService(t.database.db, LA, t.clock)
    const plain = await service.projectedPlans({ years: 5 })
    const more = await service.projectedPlans({ years: 5, newPlansPercent: 20 })
    assert.deepEqual(
      plain.map(p => p.year),
      [2027, 2028, 2029, 2030, 2031],
    )
    for (const p of plain) assert.ok(p.low <= p.value && p.value <= p.high)
    assert.ok(more[4]!.value > plain[4]!.value)
  })

  it('is for the LA admin, the SEND manager and the finance officer only', async () => {
    assert.equal((await (await signedIn(t.app, 'finance')).get('/planning/forecast')).status, 200)
    assert.equal((await (await signedIn(t.app, 'officer')).get('/planning/forecast')).status, 403)
  })
})

describe('Planning: sufficiency of specialist places', () => {
  it('sets projected demand for special-school places against each locality’s places', async () => {
    const res = await manager.get('/planning/sufficiency')
    assert.equal(res.status, 200)
    const rows = tableRows(res.text, 'sufficiency-by-locality')
    const north = rows.find(r => r[0] === 'Northtown' && r[1] === 'Special school places')
    assert.ok(north, 'a row for Northtown special places')
    assert.equal(north[2], '10')
    const now = num(north[3]!)
    assert.ok(now > 0, 'plans naming the special school now')
    const left = num(north[north.length - 1]!)
    assert.equal(left, 10 - num(north[north.length - 2]!))
    const needs = tableRows(res.text, 'sufficiency-by-need')
    assert.ok(needs.length > 1)
  })
})

describe('Planning: recording a setting’s places', () => {
  it('lets the SEND manager record a special school’s places, audited, and the sufficiency table follows', async () => {
    const id = t.fixture.settings.special!
    const form = await manager.get(`/planning/sufficiency/settings/${id}`)
    assert.equal(form.status, 200)
    const version = /name="version" value="(\d+)"/.exec(form.text)![1]!
    const saved = await manager.post(`/planning/sufficiency/settings/${id}`, { places: '24', version })
    assert.equal(saved.status, 303)
    const rows = tableRows((await manager.get('/planning/sufficiency')).text, 'sufficiency-by-locality')
    assert.equal(rows.find(r => r[0] === 'Northtown' && r[1] === 'Special school places')![2], '24')
    const audited = await t.database.db
      .selectFrom('audit_event')
      .select(['record_id', 'details'])
      .where('action', '=', 'planning.setting-places.update')
      .execute()
    assert.equal(audited.length, 1)
    assert.equal(audited[0]!.record_id, id)
    assert.deepEqual(typeof audited[0]!.details === 'string' ? JSON.parse(audited[0]!.details) : audited[0]!.details, {
      provision: 'special',
      from: 10,
      to: 24,
    })
    // The same form again, now stale: refused on the setting's page, nothing overwritten.
    const stale = await manager.post(`/planning/sufficiency/settings/${id}`, { places: '5', version })
    assert.equal(stale.status, 409)
    // On the setting's own page, beside the places as now saved.
    assert.match(stale.text, /Not saved/)
    assert.match(stale.text, /name="places" type="text" value="24"|value="24"[^>]*name="places"/)
    const after = await t.database.db
      .selectFrom('setting')
      .select('special_places')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    assert.equal(after.special_places, 24)
  })

  it('refuses places that are not a sensible whole number, keeping what was typed', async () => {
    const id = t.fixture.settings.special!
    const form = await manager.get(`/planning/sufficiency/settings/${id}`)
    const version = /name="version" value="(\d+)"/.exec(form.text)![1]!
    const res = await manager.post(`/planning/sufficiency/settings/${id}`, { places: '-3', version })
    assert.equal(res.status, 400)
    assert.match(res.text, /govuk-error-summary/)
    assert.match(res.text, /Places must be between 1 and 2,000/)
    assert.match(res.text, /value="-3"/)
  })

  it('is not for the finance officer, who reads the sufficiency table only', async () => {
    const finance = await signedIn(t.app, 'finance')
    const page = await finance.get('/planning/sufficiency')
    assert.equal(page.status, 200)
    assert.doesNotMatch(page.text, /Change<span class="govuk-visually-hidden"> places at/)
    assert.match(
      (await manager.get('/planning/sufficiency')).text,
      /Change<span class="govuk-visually-hidden"> places at Cedar/,
    )
    assert.equal((await finance.get(`/planning/sufficiency/settings/${t.fixture.settings.special!}`)).status, 403)
  })
})

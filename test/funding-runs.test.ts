import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import request from 'supertest'
import { FIXTURES } from '../src/funding/rules/fixtures/index.ts'
import { signedIn, startTestApp, type TestApp } from './support/app.ts'
import { LA, loadModerationFixture } from './support/fixture.ts'

// Funding runs over a handful of hand-made awards, amounts worked out by hand in the comments.
let t: TestApp
before(async () => {
  t = await startTestApp()
  const { db } = t.database
  const { children, settings, users } = t.fixture
  const version = await db
    .insertInto('matrix_version')
    .values({
      la_code: LA,
      name: FIXTURES.dudley.name,
      spec: JSON.stringify(FIXTURES.dudley),
      status: 'approved',
      approved_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  // Cara's name starts with '=', so the downloads must escape it.
  await db.updateTable('child').set({ first_name: '=Cara' }).where('id', '=', children.cara).execute()
  const agreed = { status: 'agreed' as const, agreed_at: new Date(), agreed_by: users.finance! }
  await db
    .insertInto('award')
    .values([
      // Level 3 in mainstream: no table rate in 2023-24, so the agreed £3,660; 2026-27 from the table.
      {
        la_code: LA,
        child_id: children.ada,
        setting_id: settings.schoolA,
        matrix_version_id: version.id,
        funded_setting_type: 'mainstream',
        level: 3,
        total_points: 12,
        annual_pence: 366_000,
        start_date: '2023-10-01',
        ...agreed,
      },
      {
        la_code: LA,
        child_id: children.cara,
        setting_id: settings.schoolB,
        matrix_version_id: version.id,
        funded_setting_type: 'resource_base',
        level: 3,
        total_points: 13,
        annual_pence: 530_500,
        start_date: '2024-04-01',
        ...agreed,
      },
      {
        la_code: LA,
        child_id: children.dev,
        setting_id: settings.special,
        matrix_version_id: version.id,
        funded_setting_type: 'special',
        level: 5,
        annual_pence: 1_825_000,
        band_code: 'X',
        start_date: '2026-10-01',
        ...agreed,
      },
    ])
    .execute()
  await db
    .insertInto('special_school_band')
    .values({
      la_code: LA,
      setting_id: settings.special,
      code: 'X',
      name: 'Complex',
      financial_year: '2026-27',
      annual_pence_per_place: 1_825_000,
    })
    .execute()
  // Eve's imported amount stops when mainstream joins the matrix on 1 September 2021.
  await db
    .insertInto('legacy_funding')
    .values({
      la_code: LA,
      child_id: children.eve,
      setting_id: settings.schoolB,
      annual_pence: 365_000,
      start_date: '2021-04-01',
    })
    .execute()
})
after(() => t.close())

const pence = (text: string) => text.replace(/\s+/g, ' ')

describe('funding runs', () => {
  it('pays a mid-year start in a leap financial year by its days', async () => {
    const finance = await signedIn(t.app, 'finance')
    const res = await finance.get('/funding/runs?year=2023-24')
    assert.equal(res.status, 200)
    // £3,660 × 183 ÷ 366 (1 October 2023 to 31 March 2024) = £1,830.00
    assert.match(
      pence(res.text),
      /Alder Primary School<\/a><\/th> <td class="govuk-table__cell">Northtown<\/td> <td[^>]*>1<\/td> <td[^>]*>£1,830\.00/,
    )
  })

  it('sums the authority run from its lines: table rate, band per place, nothing for ended legacy', async () => {
    const finance = await signedIn(t.app, 'finance')
    const res = await finance.get('/funding/runs/download?year=2026-27&format=csv')
    assert.equal(res.status, 200)
    // Alder £3,713.00 (table, whole year); Birch £5,305.00; Cedar band X £18,250 × 182 ÷ 365 = £9,100.00.
    assert.equal(
      res.text,
      [
        'School,Locality,Pupils,Lines,Amount (£)',
        'Alder Primary School,Northtown,1,1,3713',
        'Birch Academy,Southbury,1,1,5305',
        'Cedar Special School,Northtown,1,1,9100',
        'Total,,3,3,18118',
        '',
      ].join('\n'),
    )
  })

  it('pays the legacy amount until the applies date', async () => {
    const finance = await signedIn(t.app, 'finance')
    const res = await finance.get(`/funding/statements/${t.fixture.settings.schoolB}/download?year=2021-22&format=csv`)
    // £3,650 × 153 ÷ 365 (1 April to 31 August 2021) = £1,530.00
    assert.match(res.text, /Eve Thorn,Legacy amount,2021-22,2021-04-01,2021-08-31,153,3650,1530,/)
  })

  it('months add up to the year', async () => {
    const finance = await signedIn(t.app, 'finance')
    const total = async (qs: string) => {
      const res = await finance.get(`/funding/runs/download?${qs}&format=csv`)
      return Number(res.text.trim().split('\n').at(-1)!.split(',').at(-1))
    }
    const year = await total('year=2026-27')
    const months = ['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']
    months.push('2027-01', '2027-02', '2027-03')
    let sum = 0
    for (const month of months) sum += Math.round((await total(`year=2026-27&month=${month}`)) * 100)
    assert.equal(sum, Math.round(year * 100))
  })

  it('shows a school user their own statement, and another school’s as not found, audited', async () => {
    const senco = await signedIn(t.app, 'senco.a')
    const own = await senco.get('/funding/statement')
    assert.equal(own.headers.location, `/funding/statements/${t.fixture.settings.schoolA}`)
    const page = await senco.get(`/funding/statements/${t.fixture.settings.schoolA}?year=2026-27`)
    assert.equal(page.status, 200)
    assert.match(page.text, /Ada Quill/)
    assert.match(page.text, /£3,713\.00 × 365 ÷ 365 days/)
    const other = await senco.get(`/funding/statements/${t.fixture.settings.schoolB}?year=2026-27`)
    assert.equal(other.status, 404)
    assert.doesNotMatch(other.text, /Cara/)
    const events = await t.database.db
      .selectFrom('audit_event')
      .select(['outcome', 'record_id', 'details'])
      .where('action', '=', 'funding_statement.read')
      .where('username', '=', 'senco.a')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      events.map(e => [e.outcome, e.record_id]),
      [
        ['allowed', t.fixture.settings.schoolA],
        ['denied', t.fixture.settings.schoolB],
      ],
    )
    assert.equal((events[0]!.details as { pupils: number }).pupils, 1)
  })

  it('escapes formula cells in CSV and XLSX statements', async () => {
    const finance = await signedIn(t.app, 'finance')
    const path = `/funding/statements/${t.fixture.settings.schoolB}/download?year=2026-27`
    const csv = await finance.get(`${path}&format=csv`)
    assert.match(csv.headers['content-disposition']!, /attachment; filename="funding-statement-900002-2026-27.csv"/)
    assert.match(csv.text, /\n'=Cara Rowan,Level 3,2026-27,2026-04-01,2027-03-31,365,5305,5305,"Under /)
    const xlsx = await request(t.app)
      .get(`${path}&format=xlsx`)
      .set('Cookie', finance.cookie)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = []
        r.on('data', (c: Buffer) => chunks.push(c))
        r.on('end', () => done(null, Buffer.concat(chunks)))
      })
    assert.equal(xlsx.status, 200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.body as ArrayBuffer)
    const row = workbook.worksheets[0]!.getRow(2)
    assert.equal(row.getCell(1).value, "'=Cara Rowan")
    assert.equal(row.getCell(8).value, 5305)
  })
})

// The moderation fixture in an app of its own, so the sums above stay as they are: Eve's exceptional
// amount replaced by a Level 1 award from 16 November 2026 and protected to 31 August 2027, and Ada's
// award agreed by the panel at Level 2 with its reason.
describe('funding runs after the moderation panel', () => {
  let m: TestApp
  before(async () => {
    m = await startTestApp()
    await loadModerationFixture(m.database.db, m.fixture)
  })
  after(() => m.close())

  it('pays Eve the exceptional amount to 15 November, then the award and transitional protection', async () => {
    const finance = await signedIn(m.app, 'finance')
    const res = await finance.get(`/funding/statements/${m.fixture.settings.schoolB}/download?year=2026-27&format=csv`)
    assert.equal(res.status, 200)
    const lines = res.text.trim().split('\n').slice(1)
    // £6,000 × 229 ÷ 365 (1 April to 15 November 2026) = £3,764.38, though mainstream joined the matrix in 2025.
    assert.match(lines[0]!, /^Eve Thorn,Legacy amount,2026-27,2026-04-01,2026-11-15,229,6000,3764\.38,/)
    // £1,550 × 136 ÷ 365 (16 November 2026 to 31 March 2027) = £577.53
    assert.match(lines[1]!, /^Eve Thorn,Level 1,2026-27,2026-11-16,2027-03-31,136,1550,577\.53,/)
    // (£6,000 − £1,550) × 136 ÷ 365 = £1,658.08, to the end of the financial year (protected to 31 August 2027).
    assert.match(lines[2]!, /^Eve Thorn,Transitional protection,2026-27,2026-11-16,2027-03-31,136,4450,1658\.08,/)
    assert.match(lines[2]!, /until 31 August 2027/)
    // Each line is rounded once, so the year comes to a penny under £6,000 × 365 ÷ 365.
    assert.equal(lines[3], 'Total,,,,,,,5999.99,')

    // The school sees each line's explanation on its statement page.
    const senco = await signedIn(m.app, 'senco.b')
    const page = await senco.get(`/funding/statements/${m.fixture.settings.schoolB}?year=2026-27`)
    assert.equal(page.status, 200)
    assert.match(
      page.text,
      /Transitional protection until 31 August 2027: the legacy exceptional amount was £6,000\.00 a year/,
    )
    assert.match(page.text, /difference of £4,450\.00 a year/)
  })

  it('groups the protection lines in the run by level, and ends protection at its date in 2027-28', async () => {
    const finance = await signedIn(m.app, 'finance')
    const run = await finance.get('/funding/runs?year=2026-27')
    assert.equal(run.status, 200)
    assert.match(pence(run.text), /Transitional protection<\/th> <td[^>]*>1<\/td> <td[^>]*>1<\/td> <td[^>]*>£1,658\.08/)
    const next = await finance.get(`/funding/statements/${m.fixture.settings.schoolB}/download?year=2027-28&format=csv`)
    // 1 April to 31 August 2027: 153 of 2027-28's 366 days of £4,450 = £1,860.25
    assert.match(next.text, /\nEve Thorn,Transitional protection,2027-28,2027-04-01,2027-08-31,153,4450,1860\.25,/)
  })

  it('explains Ada’s award with the panel’s decision and reason', async () => {
    const senco = await signedIn(m.app, 'senco.a')
    const page = await senco.get(`/funding/statements/${m.fixture.settings.schoolA}?year=2026-27`)
    assert.equal(page.status, 200)
    assert.match(
      page.text,
      /Agreed by the moderation panel on 16 November 2026 at Level 2 \(the school proposed Level 1\): The communication evidence shows an adult is needed for most of the day\./,
    )
  })
})

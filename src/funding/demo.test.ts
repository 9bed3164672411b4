import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Database } from '../platform/db/index.ts'
import { freshDatabase } from '../../test/support/database.ts'
import { loadDemo } from '../people/demo/index.ts'
import { loadFundingDemo } from './demo.ts'
import { financialYearOf } from './rules/money.ts'
import { scoreAssessment, type Choices } from './rules/scoring.ts'

let database: Database
before(async () => {
  database = await freshDatabase()
})
after(() => database.close())

describe('the demo matrix version', () => {
  it('loads the illustrative Dudley-shaped version once, approved', async () => {
    const now = new Date('2026-04-01T09:00:00Z')
    const id = await loadFundingDemo(database.db, '332', now)
    assert.ok(id)
    const row = await database.db
      .selectFrom('matrix_version')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    assert.equal(row.status, 'approved')
    assert.equal(row.approved_at?.toISOString(), now.toISOString())
    assert.match(row.name, /illustrative/)
    assert.equal(await loadFundingDemo(database.db, '332', now), null)
  })
})

// The demo at a small scale, loaded as `seed` does into two new databases: the same awards every time,
// each one's level and amount what the rules and the version's rates (or the school's band) give.
describe('the demo funding data', () => {
  const LA = '332'
  const asAt = '2026-04-01'
  const load = async () => {
    const db = await freshDatabase()
    await loadDemo(db.db, { laCode: LA, asAt, scale: 0.05 })
    await loadFundingDemo(db.db, LA, new Date(`${asAt}T09:00:00Z`))
    return db
  }
  const awardsOf = (db: Database) =>
    db.db
      .selectFrom('award as a')
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'a.la_code').onRef('c.id', '=', 'a.child_id'))
      .innerJoin('setting as s', 's.id', 'a.setting_id')
      .select([
        'c.local_id',
        's.name as settingName',
        'a.setting_id as settingId',
        'a.funded_setting_type as settingType',
        'a.status',
        'a.level',
        'a.total_points as totalPoints',
        'a.annual_pence as annualPence',
        'a.band_code as bandCode',
        'a.start_date as startDate',
        'a.choices',
      ])
      .where('a.la_code', '=', LA)
      .orderBy('c.local_id')
      .execute()
  let first: Database
  let second: Database
  before(async () => {
    first = await load()
    second = await load()
  })
  after(async () => {
    await first?.close()
    await second?.close()
  })

  it('is the same on every load', async () => {
    const [a, b] = await Promise.all([awardsOf(first), awardsOf(second)])
    assert.ok(a.length > 20, `only ${a.length} demo awards`)
    const comparable = (rows: typeof a) => rows.map(({ settingId: _, ...rest }) => rest)
    assert.deepEqual(comparable(a), comparable(b))
  })

  it("gives every agreed award the level the rules score and the version's rate or the band's amount", async () => {
    const { db } = first
    const version = await db
      .selectFrom('matrix_version')
      .select('spec')
      .where('la_code', '=', LA)
      .executeTakeFirstOrThrow()
    const spec = version.spec
    const years = [...new Set(spec.rates.map(r => r.financialYear))].sort()
    const rateYear = years.includes(financialYearOf(asAt)) ? financialYearOf(asAt) : years.at(-1)!
    const bands = new Map(
      (
        await db
          .selectFrom('special_school_band')
          .select(['setting_id', 'code', 'annual_pence_per_place'])
          .where('la_code', '=', LA)
          .where('financial_year', '=', rateYear)
          .execute()
      ).map(b => [`${b.setting_id} ${b.code}`, Number(b.annual_pence_per_place)]),
    )
    const awards = await awardsOf(first)
    let special = 0
    for (const award of awards) {
      assert.equal(award.status, 'agreed')
      const score = scoreAssessment(spec, award.choices as Choices)
      assert.equal(award.level, score.level, `${award.local_id}'s level`)
      assert.equal(Number(award.totalPoints), score.total, `${award.local_id}'s total`)
      if (award.settingType === 'special') {
        special++
        assert.ok(award.bandCode, `${award.local_id} at a special school has no band`)
        assert.equal(Number(award.annualPence), bands.get(`${award.settingId} ${award.bandCode}`))
      } else {
        assert.equal(award.bandCode, null)
        const rate = spec.rates.find(
          r => r.financialYear === rateYear && r.settingType === award.settingType && r.level === award.level,
        )
        assert.equal(Number(award.annualPence), rate?.annualPence, `${award.local_id}'s amount`)
      }
    }
    assert.ok(special > 0, 'no special-school pupils in the demo')
  })
})

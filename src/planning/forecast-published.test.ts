import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { SHARED_DATA } from './forecast-cli.ts'
import { readForecastRelease } from './forecast-published.ts'
import { INTERVAL_BY_HORIZON } from './rules/forecast.ts'
import {
  backtest,
  bandOf,
  readPublishedSeries,
  type Backtest,
  type PublishedSeries,
} from './rules/forecast-published.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
// The shared data sits beside the project in development and CI; a bare checkout skips these tests.
const skip = !fs.existsSync(SHARED_DATA) && `no ${SHARED_DATA}`

describe('published releases: reading the age breakdowns', () => {
  it('puts each published age into the 2022 release bands', () => {
    assert.equal(bandOf('Under 5'), 0)
    assert.equal(bandOf('under 3'), 0)
    assert.equal(bandOf('age 2 and under'), 0)
    assert.equal(bandOf('age 4'), 0)
    assert.equal(bandOf('age 5'), 1)
    assert.equal(bandOf('age 10'), 1)
    assert.equal(bandOf('age 11'), 2)
    assert.equal(bandOf('age 16'), 3)
    assert.equal(bandOf('Age 16 to 19'), 3)
    assert.equal(bandOf('age 20 and over'), 4)
    assert.equal(bandOf('age 25'), 4)
    assert.equal(bandOf('Total'), null)
    assert.equal(bandOf('unknown'), null)
  })

  it('lets a later release replace an earlier one year by year, and counts a suppressed cell as none', () => {
    const header =
      'time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,characteristic_age,Total_all'
    const older = [
      header,
      '2021,Calendar year,Local authority,E92000001,England,E1,R,999,E0,Testshire,Total,30',
      '2021,Calendar year,Local authority,E92000001,England,E1,R,999,E0,Testshire,Under 5,10',
      '2021,Calendar year,Local authority,E92000001,England,E1,R,999,E0,Testshire,Age 5 to 10,c',
      '2021,Calendar year,Local authority,E92000001,England,E1,R,999,E0,Testshire,Age 11 to 15,20',
    ].join('\n')
    const newer =
      'time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,old_la_code,la_name,breakdown_topic,breakdown,ehcplans\n' +
      '202021,Academic year,Local authority,E92000001,England,E1,R,E0,999,Testshire,All EHC plans,All EHC plans,33\n' +
      '202021,Academic year,Local authority,E92000001,England,E1,R,E0,999,Testshire,Child or young persons age,age 4,13\n' +
      '202021,Academic year,Local authority,E92000001,England,E1,R,E0,999,Testshire,Child or young persons age,age 12,20\n'
    const series = readPublishedSeries([
      { name: 'sen2_age_caseload.csv', text: older },
      { name: 'caseload.csv', text: newer },
    ]).get('999')!
    assert.equal(series.name, 'Testshire')
    assert.deepEqual(series.totals, [{ year: 2021, value: 33 }])
    assert.deepEqual(Array.from(series.history.januaries[0]!.stock), [13, 0, 20, 0, 0])
    const alone = readPublishedSeries([{ name: 'sen2_age_caseload.csv', text: older }]).get('999')!
    assert.deepEqual(Array.from(alone.history.januaries[0]!.stock), [10, 0, 20, 0, 0])
  })
})

describe('published releases: the backtest on the real files', { skip }, () => {
  let series: Map<string, PublishedSeries>
  let result: Backtest
  before(async () => {
    series = await readForecastRelease(SHARED_DATA)
    result = backtest(series.values())
  })

  it('reads the published January totals as published', () => {
    const at = (area: string, year: number) => series.get(area)!.totals.find(p => p.year === year)?.value
    assert.equal(at('332', 2024), 3628)
    assert.equal(at('332', 2019), 1926)
    assert.equal(at('332', 2025), 3805)
    assert.equal(at('england', 2024), 576474)
    assert.equal(at('england', 2015), 240183)
    // The 2025 release's single years of age add up to its headline total for Dudley at January 2024.
    const jan2024 = series.get('332')!.history.januaries.find(j => j.year === 2024)!
    assert.equal(
      Array.from(jan2024.stock).reduce((a, b) => a + b, 0),
      3628,
    )
  })

  it('scores most authorities, leaving out only those whose boundaries changed', () => {
    assert.ok(result.authorities >= 140, `only ${result.authorities} authorities scored`)
    for (const e of result.excluded) assert.match(e.reason, /no published total|too little published history/)
  })

  it('beats both naive baselines on MAPE at every horizon', () => {
    for (const h of result.horizons) {
      const mape = (m: string) => result.rows.find(r => r.method === m && r.horizon === h)!.mape
      assert.ok(
        mape('cohort') < mape('last value'),
        `horizon ${h}: ${mape('cohort')} vs last value ${mape('last value')}`,
      )
      assert.ok(
        mape('cohort') < mape('linear trend'),
        `horizon ${h}: ${mape('cohort')} vs linear trend ${mape('linear trend')}`,
      )
    }
    assert.equal(result.beatsBaselines, true)
  })

  it('has the 80% bands the forecast draws: the backtest errors per horizon', () => {
    for (const h of result.horizons) {
      const row = result.rows.find(r => r.method === 'cohort' && r.horizon === h)!
      const [lo, hi] = INTERVAL_BY_HORIZON[h - 1]!
      assert.ok(Math.abs(row.p10 - lo) < 0.0015, `horizon ${h} low ${row.p10} vs ${lo}`)
      assert.ok(Math.abs(row.p90 - hi) < 0.0015, `horizon ${h} high ${row.p90} vs ${hi}`)
    }
  })
})

describe('published releases: the command line', { skip }, () => {
  const run = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(root, 'bin/opensend.js'), 'forecast', ...args], {
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'error' },
    })

  for (const la of ['332', 'england']) {
    it(`forecast published prints a JSON array of Januaries for ${la}`, () => {
      const zip = path.join(SHARED_DATA, 'education-health-and-care-plans_2025.zip')
      const points = JSON.parse(run('published', '--release', zip, '--la', la, '--years', '4')) as {
        year: number
        value: number
        low: number
        high: number
      }[]
      assert.deepEqual(
        points.map(p => p.year),
        [2026, 2027, 2028, 2029],
      )
      for (const p of points) {
        assert.deepEqual(Object.keys(p), ['year', 'value', 'low', 'high'])
        assert.ok(Number.isInteger(p.value) && p.low <= p.value && p.value <= p.high)
      }
      // Onward from the last published January (Dudley 3,805; England 638,745), not from nowhere.
      const last = la === '332' ? 3805 : 638745
      assert.ok(points[0]!.value > last * 0.9 && points[0]!.value < last * 1.3)
    })
  }

  it('forecast backtest --json prints the accuracy table as JSON', () => {
    const parsed = JSON.parse(run('backtest', '--json')) as Backtest
    assert.equal(parsed.beatsBaselines, true)
    assert.equal(parsed.rows.length, 9)
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { closestInRegion, type Authority } from '../benchmark.ts'
import { lineChart } from '../benchmark-chart.ts'
import {
  classifyCell,
  explainMarker,
  growthPercent,
  parsePublishedCsv,
  periodYear,
  reportingYear,
  shapeOf,
} from './published.ts'

const BOM = '\uFEFF'
const KEYS =
  'time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,old_la_code,la_name,breakdown_topic,breakdown'

describe('published cells', () => {
  it('reads numbers, and keeps markers as published with no value', () => {
    assert.deepEqual(classifyCell('3628'), { value: 3628, marker: null })
    assert.deepEqual(classifyCell('57.900000000000'), { value: 57.9, marker: null })
    assert.deepEqual(classifyCell(' 0 '), { value: 0, marker: null })
    assert.deepEqual(classifyCell('x'), { value: null, marker: 'x' })
    assert.deepEqual(classifyCell('z'), { value: null, marker: 'z' })
    assert.deepEqual(classifyCell('c'), { value: null, marker: 'c' })
    assert.deepEqual(classifyCell(''), { value: null, marker: '' })
    assert.deepEqual(classifyCell('low'), { value: null, marker: 'low' })
    assert.equal(explainMarker('x'), 'not available')
    assert.equal(explainMarker('z'), 'not applicable')
    assert.equal(explainMarker('c'), 'suppressed to protect confidentiality')
    assert.equal(explainMarker(''), 'left blank in the published file')
    assert.equal(explainMarker('?'), 'not published as a number')
  })

  it('never throws, and any string is either a finite number or a marker, never both', () => {
    const markerish = fc.oneof(fc.constantFrom('x', 'z', 'c', '', ' ', 'X', ':', 'low', 'u'), fc.string())
    const numberish = fc.oneof(
      fc.integer({ min: -1e9, max: 1e9 }).map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map(n => n.toFixed(12)),
    )
    fc.assert(
      fc.property(fc.oneof(markerish, numberish), raw => {
        const cell = classifyCell(raw)
        assert.ok((cell.value === null) !== (cell.marker === null))
        if (cell.value !== null) {
          assert.ok(Number.isFinite(cell.value))
          assert.equal(cell.value, Number(raw.trim()))
        } else assert.equal(cell.marker, raw.trim())
      }),
    )
    fc.assert(
      fc.property(numberish, raw => {
        assert.equal(classifyCell(raw).value, Number(raw))
      }),
    )
  })
})

describe('published periods', () => {
  it('reads an academic year as its January census, and calendar years as they are', () => {
    assert.equal(periodYear('202425', 'january'), 2025)
    assert.equal(periodYear('201819', 'january'), 2019)
    assert.equal(periodYear('2022', 'january'), 2022)
    assert.equal(periodYear('2024', 'calendar'), 2024)
    assert.equal(periodYear('202425', 'calendar'), null)
    assert.equal(periodYear('202426', 'january'), null)
    assert.equal(periodYear('2024/25', 'january'), null)
    assert.equal(periodYear('', 'calendar'), null)
    assert.equal(reportingYear(2025, 'january'), 2025)
    assert.equal(reportingYear(2024, 'calendar'), 2025)
  })
})

describe('published files', () => {
  it('tells the shapes apart by their columns', () => {
    assert.equal(shapeOf(`${KEYS},ehcplans`.split(','))?.name, 'caseload')
    assert.equal(shapeOf(`${KEYS},new_ehc_plans`.split(','))?.name, 'newplans')
    assert.equal(shapeOf(`${KEYS},ehcplans_wrong`.split(',')), null)
    assert.equal(shapeOf(['a', 'b']), null)
  })

  it('reads the headline rows of a file with a BOM, with markers and areas', () => {
    const text = [
      `${BOM}${KEYS},ehcplans,other`,
      '202425,Academic year,National,E92000001,England,,,,,,All EHC plans,All EHC plans,638745,1',
      '202425,Academic year,Regional,E92000001,England,E12000005,West Midlands,,,,All EHC plans,All EHC plans,x,1',
      '202425,Academic year,Local authority,E92000001,England,E12000005,West Midlands,E08000027,332,Dudley,All EHC plans,All EHC plans,3805,1',
      '202425,Academic year,Local authority,E92000001,England,E12000005,West Midlands,E08000027,332,Dudley,Sex,Boys,2500,1',
      '202425,Academic year,Local authority district,E92000001,England,E12000005,West Midlands,,,,All EHC plans,All EHC plans,1,1',
    ].join('\r\n')
    const parsed = parsePublishedCsv(text)
    assert.ok(parsed.ok)
    assert.equal(parsed.shape.name, 'caseload')
    assert.equal(parsed.latestReportingYear, 2025)
    assert.deepEqual(
      parsed.rows.map(r => [r.geographic_level, r.area_code, r.area_name, r.period_year, r.value, r.marker]),
      [
        ['National', 'E92000001', 'England', 2025, 638745, null],
        ['Regional', 'E12000005', 'West Midlands', 2025, null, 'x'],
        ['Local authority', '332', 'Dudley', 2025, 3805, null],
      ],
    )
    assert.equal(parsed.rows[2]!.region_code, 'E12000005')
    assert.equal(parsed.rows[0]!.region_code, '')
  })

  it('reads sen2_mi, whose calendar years are reported the year after', () => {
    const text = [
      '"time_period","time_identifier","geographic_level","country_code","country_name","region_code","region_name","new_la_code","old_la_code","la_name","inreq_ehc","ass_refused_ehc","new_all_ehc","tot_inc_exc_ehc","inc_exc_20week_ehc","inc_exc_20week_rate","tot_no_exc_ehc","no_exc_20week_ehc","no_exc_20week_rate","discontinued_total"',
      '2020,Calendar year,Local authority,E92000001,England,E12000005,West Midlands,E08000027,332,"Dudley",463,19,440,440,108,24.500000000000,411,89,21.700000000000,z',
    ].join('\n')
    const parsed = parsePublishedCsv(text)
    assert.ok(parsed.ok)
    assert.equal(parsed.shape.name, 'sen2_mi')
    assert.equal(parsed.latestReportingYear, 2021)
    const pc = parsed.rows.find(r => r.measure === 'issued_20wk_pc_excl')!
    assert.equal(pc.value, 21.7)
    assert.equal(pc.period_year, 2020)
    assert.deepEqual(
      parsed.rows.find(r => r.measure === 'ceased_plans'),
      { ...pc, measure: 'ceased_plans', value: null, marker: 'z' },
    )
  })

  it('refuses an unknown shape, an empty file and a file with no usable rows', () => {
    assert.match((parsePublishedCsv('a,b\n1,2\n') as { message: string }).message, /not those of a known DfE/)
    assert.equal(parsePublishedCsv('').ok, false)
    assert.equal(parsePublishedCsv(`${KEYS},ehcplans\n`).ok, false)
    assert.equal(parsePublishedCsv(`${KEYS},ehcplans\n"unclosed`).ok, false)
  })
})

describe('benchmarking helpers', () => {
  it('computes growth to one decimal place, or none without both years', () => {
    assert.equal(growthPercent(3628, 3805), 4.9)
    assert.equal(growthPercent(100, 90), -10)
    assert.equal(growthPercent(null, 90), null)
    assert.equal(growthPercent(0, 90), null)
  })

  it('defaults comparators to the closest caseloads in the same region', () => {
    const la = (code: string, regionCode: string, latest: number | null): Authority => ({
      code,
      name: `LA ${code}`,
      regionCode,
      regionName: regionCode,
      latest,
    })
    const all = [
      la('1', 'A', 1000),
      la('2', 'A', 1100),
      la('3', 'A', 5000),
      la('4', 'B', 1000),
      la('5', 'A', null),
      la('6', 'A', 950),
    ]
    assert.deepEqual(
      closestInRegion(all[0]!, all, 2).map(a => a.code),
      ['6', '2'],
    )
    assert.deepEqual(closestInRegion(la('9', 'A', null), all, 2), [])
  })

  it('draws lines broken where a year has no number', () => {
    const chart = lineChart(
      ['A', 'B'],
      [
        { label: '2019', values: [1, 10] },
        { label: '2020', values: [2, null] },
        { label: '2021', values: [3, 30] },
      ],
      'count',
    )
    assert.equal(chart.series[0]!.segments.length, 1)
    assert.equal(chart.series[1]!.segments.length, 0)
    assert.equal(chart.series[1]!.points.length, 2)
    assert.equal(lineChart(['A'], [{ label: '2019', values: [null] }], 'count').empty, true)
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { barChart } from './charts.ts'

describe('bar charts', () => {
  it('names the table that holds the figures and scales the bars to the largest', () => {
    const chart = barChart('c', 'plans by need', 'EHC plans by need', [
      { label: 'ASD', value: 40 },
      { label: 'SEMH', value: 20 },
      { label: 'None', value: null },
    ])
    assert.equal(chart.title, 'Bar chart: plans by need. The same figures are in the table “EHC plans by need”.')
    const [asd, semh, none] = chart.bars
    assert.equal(semh!.width * 2, asd!.width)
    assert.equal(none!.width, 0)
    assert.equal(none!.valueText, 'none')
  })

  it('never draws a bar wider than the space or below zero, whatever the values', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -1000, max: 1_000_000 }), { nil: null })), values => {
        const chart = barChart(
          'c',
          'x',
          'y',
          values.map((value, i) => ({ label: `Row ${i}`, value })),
        )
        for (const bar of chart.bars) {
          assert.ok(bar.width >= 0)
          assert.ok(bar.x + bar.width <= chart.width)
        }
        assert.equal(chart.bars.length, values.length)
      }),
    )
  })
})

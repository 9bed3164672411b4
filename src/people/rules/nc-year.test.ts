import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, toIso } from '../../platform/time/dates.ts'
import { ncYear, ncYearLabel } from './nc-year.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)

describe('national curriculum year', () => {
  it('follows the September cut-off: the autumn-born are the oldest in their year', () => {
    // Both start Reception in September 2020.
    assert.equal(ncYear('2015-09-01', '2020-09-01'), 0)
    assert.equal(ncYear('2016-08-31', '2020-09-01'), 0)
    assert.equal(ncYear('2015-08-31', '2020-09-01'), 1)
    assert.equal(ncYear('2016-03-14', '2026-11-23'), 6)
    assert.equal(ncYear('2010-01-01', '2026-07-31'), 11)
    assert.equal(ncYear('2010-01-01', '2026-09-01'), 12)
  })

  it('goes up by exactly one on 1 September and not on any other day', () => {
    fc.assert(
      fc.property(isoDate('2000-01-01', '2025-12-31'), isoDate('2001-01-01', '2040-12-31'), (dob, on) => {
        const next = addDays(on, 1)
        const step = ncYear(dob, next) - ncYear(dob, on)
        assert.equal(step, next.endsWith('-09-01') ? 1 : 0)
      }),
    )
  })

  it('puts children born a year apart in consecutive years', () => {
    fc.assert(
      // 29 February has no twin a year later, so it is left out.
      fc.property(
        isoDate('2000-01-01', '2024-02-28').filter(d => !d.endsWith('-02-29')),
        isoDate('2025-01-01', '2040-12-31'),
        (dob, on) => {
          const yearLater = `${Number(dob.slice(0, 4)) + 1}${dob.slice(4)}`
          assert.equal(ncYear(dob, on) - ncYear(yearLater, on), 1)
        },
      ),
    )
  })

  it('labels the early years and school years', () => {
    assert.equal(ncYearLabel(0), 'Reception')
    assert.equal(ncYearLabel(-1), 'Nursery')
    assert.equal(ncYearLabel(7), 'Year 7')
  })
})

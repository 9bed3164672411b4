import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ValidationError } from '../platform/errors.ts'
import { parseFilters, queryString } from './dashboard-filters.ts'

const TODAY = '2026-11-23'
const LOCALITIES = ['N', 'S']

const errorsOf = (input: Record<string, string>) => {
  try {
    parseFilters(input, TODAY, LOCALITIES)
  } catch (error) {
    if (error instanceof ValidationError) return error.errors
    throw error
  }
  return []
}

describe('dashboard filters', () => {
  it('default to today, the seven years to this one and the current financial year, with no narrowing', () => {
    const f = parseFilters({}, TODAY, LOCALITIES)
    assert.equal(f.date, TODAY)
    assert.deepEqual([f.from, f.to, f.year, f.fy], [2020, 2026, 2026, '2026-27'])
    assert.deepEqual(f.caseload, {})
    assert.equal(queryString(f), 'date=2026-11-23&from=2020&to=2026&year=2026&fy=2026-27')
  })

  it('read the narrowing filters, blanks as all', () => {
    const f = parseFilters(
      { date: '2026-01-15', locality: 'N', need: 'ASD', age: 'primary', settingType: '' },
      TODAY,
      LOCALITIES,
    )
    assert.deepEqual(f.caseload, { locality: 'N', need: 'ASD', ageBand: 'primary' })
    assert.equal(f.to, 2026)
    assert.equal(f.fy, '2025-26')
  })

  it('name the field of each bad value', () => {
    assert.deepEqual(
      errorsOf({ date: '2026-02-30', need: 'NSA', age: 'teen', settingType: 'castle', fy: '2025-27' }).map(
        e => e.field,
      ),
      ['date', 'fy', 'need', 'age', 'settingType'],
    )
    assert.deepEqual(errorsOf({ locality: 'W' }), [{ field: 'locality', message: 'Choose a locality from the list' }])
    assert.equal(errorsOf({ from: '2026', to: '2020' })[0]!.field, 'from')
    assert.equal(
      errorsOf({ from: '2000', to: '2026' })[0]!.message,
      'Choose at most 15 years from the first year to the last',
    )
    assert.equal(errorsOf({ to: 'soon' })[0]!.message, 'Enter the last year as a year, like 2024')
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, toIso } from '../../platform/time/dates.ts'
import {
  anonymousDateOfBirth,
  classOfTable,
  isDue,
  KEPT_TABLES,
  RECORD_CLASS_NAMES,
  RECORD_CLASSES,
  retentionDate,
} from './retention.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)

// Whole years of age on a day, the way a birthday counts them.
const age = (dob: string, on: string) =>
  Number(on.slice(0, 4)) - Number(dob.slice(0, 4)) - (on.slice(5) < dob.slice(5) ? 1 : 0)

describe('retention date', () => {
  it('is the birthday the given number of years on', () => {
    assert.equal(retentionDate('2001-06-15', 25), '2026-06-15')
    assert.equal(retentionDate('2000-02-29', 25), '2025-03-01')
    assert.equal(retentionDate('2000-02-29', 24), '2024-02-29')
    assert.equal(isDue('2001-06-15', 25, '2026-06-14'), false)
    assert.equal(isDue('2001-06-15', 25, '2026-06-15'), true)
  })

  it('falls on the first day the child has reached that age, never a day early', () => {
    fc.assert(
      fc.property(isoDate('1950-01-01', '2030-12-31'), fc.integer({ min: 1, max: 100 }), (dob, years) => {
        const date = retentionDate(dob, years)
        assert.ok(age(dob, date) >= years, `${dob} + ${years} = ${date}`)
        assert.ok(age(dob, addDays(date, -1)) < years, `${dob} + ${years} = ${date} is late`)
      }),
    )
  })

  it('is due exactly from that date, and later for a later birth or a longer rule', () => {
    fc.assert(
      fc.property(
        isoDate('1950-01-01', '2030-12-31'),
        isoDate('1950-01-01', '2030-12-31'),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        isoDate('1960-01-01', '2100-12-31'),
        (a, b, years, more, today) => {
          assert.equal(isDue(a, years, today), retentionDate(a, years) <= today)
          const [early, late] = a <= b ? [a, b] : [b, a]
          assert.ok(retentionDate(early, years) <= retentionDate(late, years))
          assert.ok(retentionDate(a, years) <= retentionDate(a, years + more))
        },
      ),
    )
  })

  it('keeps only the month of birth once anonymised', () => {
    fc.assert(
      fc.property(isoDate('1950-01-01', '2030-12-31'), dob => {
        const kept = anonymousDateOfBirth(dob)
        assert.equal(kept.slice(0, 7), dob.slice(0, 7))
        assert.equal(kept.slice(8), '01')
      }),
    )
  })
})

describe('record classes', () => {
  it('put each table in one class at most, and keep none of them as well', () => {
    const all = RECORD_CLASS_NAMES.flatMap(n => RECORD_CLASSES[n].tables)
    assert.equal(new Set(all).size, all.length)
    for (const t of KEPT_TABLES) assert.equal(classOfTable(t), null)
    for (const n of RECORD_CLASS_NAMES) {
      for (const t of Object.keys(RECORD_CLASSES[n].anonymise ?? {})) assert.ok(RECORD_CLASSES[n].tables.includes(t))
      assert.equal(RECORD_CLASSES[n].action === 'anonymise', Boolean(RECORD_CLASSES[n].anonymise))
    }
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ncYear } from '../../people/rules/nc-year.ts'
import { parts, toIso } from '../../platform/time/dates.ts'
import {
  academicYearOf,
  AGE_BANDS,
  ageBandOf,
  CASELOAD_DIMENSIONS,
  caseloadOn,
  censusDate,
  growth,
  inForceOn,
  januarySeries,
  matchesFilter,
  ncYearFromParts,
  SETTING_TYPE_LABELS,
  tally,
  type CaseloadFilter,
  type CaseloadPlan,
  type CaseloadSettingType,
} from './caseload.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)

const NEEDS = ['ASD', 'SEMH', 'SLCN', 'MLD']
const LOCALITIES = ['N', 'S', 'E']
const TYPES = Object.keys(SETTING_TYPE_LABELS) as CaseloadSettingType[]

const plan: fc.Arbitrary<CaseloadPlan> = fc
  .record({
    issuedOn: isoDate('2015-01-01', '2026-12-31'),
    lasts: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
    dateOfBirth: isoDate('2000-01-01', '2024-12-31'),
    primaryNeed: fc.option(fc.constantFrom(...NEEDS), { nil: null }),
    settingType: fc.constantFrom(...TYPES),
    localityCode: fc.option(fc.constantFrom(...LOCALITIES), { nil: null }),
  })
  .map(({ lasts, ...p }) => {
    const ceased = lasts === null ? null : new Date(Date.parse(`${p.issuedOn}T00:00:00Z`) + lasts * 86_400_000)
    return { ...p, ceasedOn: ceased ? toIso(ceased) : null }
  })

const filter: fc.Arbitrary<CaseloadFilter> = fc.record(
  {
    locality: fc.constantFrom(...LOCALITIES, 'none'),
    need: fc.constantFrom(...NEEDS, 'none'),
    ageBand: fc.constantFrom(...AGE_BANDS.map(b => b.code)),
    settingType: fc.constantFrom(...TYPES),
  },
  { requiredKeys: [] },
)

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)

describe('the caseload', () => {
  it('holds a plan from the day it is issued until the day before it ceases', () => {
    fc.assert(
      fc.property(plan, isoDate('2014-01-01', '2030-12-31'), (p, on) => {
        assert.equal(inForceOn(p, on), p.issuedOn <= on && (p.ceasedOn === null || on < p.ceasedOn))
      }),
    )
    assert.equal(inForceOn({ issuedOn: '2025-01-16', ceasedOn: null }, '2025-01-16'), true)
    assert.equal(inForceOn({ issuedOn: '2020-01-01', ceasedOn: '2025-01-16' }, '2025-01-16'), false)
  })

  it('breaks down into groups that add up to the total, whichever the breakdown', () => {
    fc.assert(
      fc.property(fc.array(plan, { maxLength: 60 }), isoDate('2016-01-01', '2027-12-31'), (plans, on) => {
        const records = caseloadOn(plans, on)
        assert.equal(records.length, plans.filter(p => inForceOn(p, on)).length)
        for (const by of CASELOAD_DIMENSIONS) assert.equal(sum(tally(records, by)), records.length, by)
      }),
    )
  })

  it('never counts more with a filter than without, and a narrower filter never counts more', () => {
    fc.assert(
      fc.property(
        fc.array(plan, { maxLength: 60 }),
        isoDate('2016-01-01', '2027-12-31'),
        filter,
        filter,
        (plans, on, f, g) => {
          const records = caseloadOn(plans, on)
          const narrowed = records.filter(r => matchesFilter(r, f))
          assert.ok(narrowed.length <= records.length)
          const both = narrowed.filter(r => matchesFilter(r, g))
          assert.ok(both.length <= narrowed.length)
          assert.equal(both.length, records.filter(r => matchesFilter(r, f) && matchesFilter(r, g)).length)
          // Each group of a breakdown is the count with that group as the filter.
          for (const [need, n] of tally(records, 'need'))
            assert.equal(records.filter(r => matchesFilter(r, { need })).length, n)
        },
      ),
    )
  })

  it('puts every NC year in exactly one age group', () => {
    for (let nc = -6; nc <= 20; nc++) {
      const bands = AGE_BANDS.filter(b => nc >= b.from && nc <= b.to)
      assert.equal(bands.length, 1, `NC ${nc}`)
      assert.equal(ageBandOf(nc), bands[0]!.code)
    }
  })

  it('computes NC years from the birth year and month as nc-year.ts does (the arithmetic the SQL uses)', () => {
    fc.assert(
      fc.property(isoDate('1995-01-01', '2025-12-31'), isoDate('2010-01-01', '2030-12-31'), (dob, on) => {
        const b = parts(dob)
        assert.equal(ncYearFromParts(b.year, b.month, academicYearOf(on)), ncYear(dob, on))
      }),
    )
  })
})

describe('census dates and growth', () => {
  it('puts the census on the third Thursday of January', () => {
    assert.equal(censusDate(2026), '2026-01-15')
    assert.equal(censusDate(2025), '2025-01-16')
    assert.equal(censusDate(2024), '2024-01-18')
    assert.equal(censusDate(2022), '2022-01-20')
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), year => {
        const d = censusDate(year)
        assert.equal(new Date(`${d}T00:00:00Z`).getUTCDay(), 4)
        const day = parts(d).day
        assert.ok(day >= 15 && day <= 21)
      }),
    )
  })

  it('lists the census dates of a range up to a date', () => {
    assert.deepEqual(
      januarySeries(2024, 2026, '2026-01-14').map(s => s.date),
      ['2024-01-18', '2025-01-16'],
    )
  })

  it('says the change from one year to the next', () => {
    assert.deepEqual(growth(200, 221), { change: 21, percent: 10.5 })
    assert.deepEqual(growth(0, 5), { change: 5, percent: null })
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), (a, b) => {
        const g = growth(a, b)
        assert.equal(a + g.change, b)
      }),
    )
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { caseloadRecord, censusDate, inForceOn, type CaseloadPlan } from '../../insight/rules/caseload.ts'
import { ncYear } from '../../people/rules/nc-year.ts'
import {
  cohortHistory,
  dayNumber,
  historyFromPlans,
  NOT_CEASED,
  stratumKey,
  type JanuaryRecord,
} from './forecast-plans.ts'

const YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10)

const planArb = fc
  .record({
    born: fc.integer({ min: dayNumber('2000-01-01'), max: dayNumber('2021-12-31') }),
    issuedAfter: fc.integer({ min: 0, max: 6000 }),
    lasts: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: null }),
    need: fc.constantFrom('ASD', 'SEMH', 'SLCN'),
    locality: fc.constantFrom('N', 'S', 'none'),
  })
  .map((p): CaseloadPlan => ({
    dateOfBirth: iso(p.born),
    issuedOn: iso(p.born + p.issuedAfter),
    ceasedOn: p.lasts === null ? null : iso(p.born + p.issuedAfter + p.lasts),
    primaryNeed: p.need,
    localityCode: p.locality === 'none' ? null : p.locality,
    settingType: 'mainstream',
  }))

describe('forecast: from plans to the cohort history', () => {
  it('reads the same history from plan columns as from the caseload at each January', () => {
    fc.assert(
      fc.property(fc.array(planArb, { minLength: 1, maxLength: 60 }), plans => {
        const records: JanuaryRecord[][] = YEARS.map(y =>
          plans.flatMap((p, i) =>
            inForceOn(p, censusDate(y)) ? [{ planId: String(i), ...caseloadRecord(p, censusDate(y)) }] : [],
          ),
        )
        const fromRecords = cohortHistory(YEARS, records)
        const strata = [...fromRecords.strata]
        const index = new Map(strata.map((s, i) => [s, i]))
        const last = censusDate(YEARS[YEARS.length - 1]!)
        const key = (p: CaseloadPlan) => stratumKey(p.primaryNeed ?? 'none', p.localityCode ?? 'none')
        // A plan never in force at a census has no stratum in the records; it counts nowhere in either.
        const kept = plans.filter(p => index.has(key(p)))
        const fromColumns = historyFromPlans(
          {
            strata,
            issued: Int32Array.from(kept, p => dayNumber(p.issuedOn)),
            ceased: Int32Array.from(kept, p => (p.ceasedOn ? dayNumber(p.ceasedOn) : NOT_CEASED)),
            ncAtLast: Int16Array.from(kept, p => ncYear(p.dateOfBirth, last)),
            stratum: Int32Array.from(kept, p => index.get(key(p))!),
          },
          YEARS,
          YEARS.map(y => dayNumber(censusDate(y))),
        )
        assert.deepEqual(
          fromColumns.januaries.map(j => [j.year, Array.from(j.stock)]),
          fromRecords.januaries.map(j => [j.year, Array.from(j.stock)]),
        )
        assert.deepEqual(
          fromColumns.newPlans.map(j => [j.year, Array.from(j.counts)]),
          fromRecords.newPlans.map(j => [j.year, Array.from(j.counts)]),
        )
      }),
    )
  })
})

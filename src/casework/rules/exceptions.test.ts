import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, daysBetween, toIso } from '../../platform/time/dates.ts'
import { RULES, type Rule } from './clocks.ts'
import {
  appliesTo,
  closureRequestWindow,
  EXCEPTION_KINDS,
  exceptionSchema,
  timeliness,
  type CaseException,
} from './exceptions.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)
const ALL_RULES = Object.keys(RULES) as Rule[]

const absence = {
  kind: 'absent_from_area',
  from: '2026-02-01',
  to: '2026-02-28',
  reason: 'Family abroad for a funeral',
  appliedBy: 'A. Officer',
}
// The school closes for the summer on 22 July and reopens on 2 September 2026.
const closure = {
  kind: 'school_closure',
  from: '2026-07-22',
  to: '2026-09-01',
  reason: 'Summer holiday: advice requested from the school during it',
  appliedBy: 'A. Officer',
  informationRequestedOn: '2026-07-20',
}
const messages = (input: unknown) => {
  const result = exceptionSchema.safeParse(input)
  return result.success ? [] : result.error.issues.map(i => i.message)
}

describe('recording an exception', () => {
  it('needs a reason and who applied it', () => {
    assert.deepEqual(messages(absence), [])
    assert.deepEqual(messages({ ...absence, reason: '   ' }), ['Enter the reason for the exception'])
    assert.deepEqual(messages({ ...absence, reason: undefined }), ['Enter the reason for the exception'])
    assert.deepEqual(messages({ ...absence, appliedBy: '' }), ['Enter who applied the exception'])
  })

  it('needs its dates in order and a real kind', () => {
    assert.deepEqual(messages({ ...absence, from: '2026-03-01' }), ['The end date must be on or after the start date'])
    assert.equal(messages({ ...absence, from: '2026-02-30' }).length, 1)
    assert.equal(messages({ ...absence, kind: 'bad_weather' }).length, 1)
  })

  it('needs 4 continuous weeks for an absence or closure, not for personal circumstances', () => {
    assert.deepEqual(messages({ ...absence, to: '2026-02-27' }), ['This exception needs at least 4 continuous weeks'])
    assert.deepEqual(messages({ ...absence, to: '2026-02-28' }), []) // 1–28 February: 28 days
    assert.deepEqual(messages({ ...absence, kind: 'personal_circumstances', to: '2026-02-01' }), [])
    assert.deepEqual(messages({ ...closure, to: '2026-08-17' }), ['This exception needs at least 4 continuous weeks'])
  })

  it('for a closure, needs the request for information between a week before it and a week before reopening', () => {
    assert.deepEqual(closureRequestWindow('2026-07-22', '2026-09-01'), { from: '2026-07-15', to: '2026-08-26' })
    assert.deepEqual(messages({ ...closure, informationRequestedOn: '2026-07-15' }), [])
    assert.deepEqual(messages({ ...closure, informationRequestedOn: '2026-08-26' }), [])
    assert.equal(messages({ ...closure, informationRequestedOn: '2026-07-14' }).length, 1)
    assert.equal(messages({ ...closure, informationRequestedOn: '2026-08-27' }).length, 1)
    assert.deepEqual(messages({ ...closure, informationRequestedOn: null }), [
      'Enter the date the LA asked the setting for information',
    ])
    assert.deepEqual(messages({ ...closure, kind: 'early_years_closure' }), [])
  })

  it('is refused without a reason, whatever else it says', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXCEPTION_KINDS),
        isoDate('2015-01-01', '2030-12-31'),
        fc.constantFrom('', ' ', '\t', '  \n '),
        (kind, from, blank) => {
          const e = { ...closure, kind, from, to: addDays(from, 40), informationRequestedOn: from, reason: blank }
          assert.ok(messages(e).includes('Enter the reason for the exception'))
          assert.deepEqual(messages({ ...e, reason: 'Closed for rebuilding' }), [])
        },
      ),
    )
  })
})

describe('which rules an exception excuses', () => {
  it('R1, R3 and R5 only; an early years closure not R1', () => {
    for (const kind of EXCEPTION_KINDS) {
      const excused = ALL_RULES.filter(rule => appliesTo({ kind }, rule))
      assert.deepEqual(excused, kind === 'early_years_closure' ? ['R3', 'R5'] : ['R1', 'R3', 'R5'])
    }
  })
})

describe('timeliness', () => {
  const away: CaseException = exceptionSchema.parse(absence)

  it('counts days late and never moves the deadline', () => {
    assert.deepEqual(timeliness('2026-05-25', '2026-05-25', []), { met: true, late: 0, withException: false })
    assert.deepEqual(timeliness('2026-05-25', '2026-06-01', []), { met: false, late: 7, withException: false })
    // A plan 7 days late while the family was away is still 7 days late — counted "with exceptions".
    assert.deepEqual(timeliness('2026-05-25', '2026-06-01', [away], 'R5'), { met: false, late: 7, withException: true })
    // The same exception does not excuse a late review report, nor count when it began after the step was done.
    assert.deepEqual(timeliness('2026-05-25', '2026-06-01', [away], 'R8'), {
      met: false,
      late: 7,
      withException: false,
    })
    assert.equal(timeliness('2026-01-25', '2026-01-30', [away], 'R5').withException, false)
  })

  it('gives the same met and lateness with or without exceptions, and late = 0 exactly when met', () => {
    fc.assert(
      fc.property(
        isoDate('2015-01-01', '2030-12-31'),
        fc.integer({ min: -60, max: 60 }),
        fc.array(fc.record({ kind: fc.constantFrom(...EXCEPTION_KINDS), from: isoDate('2015-01-01', '2030-12-31') })),
        fc.constantFrom(...ALL_RULES),
        (deadline, offset, exceptions, rule) => {
          const doneOn = addDays(deadline, offset)
          const copy = JSON.stringify(exceptions)
          const plain = timeliness(deadline, doneOn, [], rule)
          const withThem = timeliness(deadline, doneOn, exceptions, rule)
          assert.equal(withThem.met, plain.met)
          assert.equal(withThem.late, plain.late)
          assert.equal(plain.late, Math.max(0, daysBetween(deadline, doneOn)))
          assert.equal(plain.met, plain.late === 0)
          assert.equal(plain.withException, false)
          assert.equal(JSON.stringify(exceptions), copy)
          if (withThem.withException) assert.ok(['R1', 'R3', 'R5'].includes(rule))
        },
      ),
    )
  })
})

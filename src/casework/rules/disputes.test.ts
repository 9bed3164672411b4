import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { toIso } from '../../platform/time/dates.ts'
import { calendarWith, isWorkingDay, workingDaysBetween } from './bank-holidays.ts'
import { appealBy, tribunalOrderClocks, type OrderType } from './clocks.ts'
import { monthsFrom } from './days.ts'
import {
  APPEAL_REASONS,
  appealDeadline,
  complaintResponseDue,
  complaintsByStageAndYear,
  complianceSteps,
  complimentsByYear,
  dateOrderErrors,
  needsMediationFirst,
  recordedMediationClocks,
  tribunalsByReasonAndYear,
  type ComplaintStage,
} from './disputes.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)
const calendar = calendarWith()
const reasons = fc.uniqueArray(fc.constantFrom(...APPEAL_REASONS), { minLength: 1, maxLength: 7 })
const ORDERS: OrderType[] = ['assess', 'make_plan', 'amend', 'section_i']

describe('R13: which appeals need mediation first', () => {
  it('a Section I-only appeal does not; any other reason does', () => {
    assert.equal(needsMediationFirst(['section_i']), false)
    assert.equal(needsMediationFirst(['section_i', 'section_f']), true)
    assert.equal(needsMediationFirst(['refusal_to_assess']), true)
    assert.throws(() => needsMediationFirst([]), RangeError)
  })

  it('property: needed exactly when some reason is not Section I', () => {
    fc.assert(fc.property(reasons, rs => needsMediationFirst(rs) === rs.some(r => r !== 'section_i')))
  })

  it('worked example: decision 15 September, mediation chosen on 1 October, held 20 October', () => {
    const clocks = recordedMediationClocks(calendar, {
      decisionOn: '2026-09-15',
      adviserContactedOn: '2026-10-01',
      familyChoice: 'mediation',
      mediationHeldOn: '2026-10-20',
    })
    assert.deepEqual(clocks, {
      mediationAdviceBy: '2026-11-15',
      certificateBy: '2026-10-23',
      mediationHeldBy: '2026-10-31',
    })
  })

  it('a certificate only: 3 working days from the contact, over a bank holiday; no mediation clock', () => {
    // Friday 1 May 2026, then the early May bank holiday on Monday 4 May.
    const clocks = recordedMediationClocks(calendar, {
      decisionOn: '2026-04-10',
      adviserContactedOn: '2026-05-01',
      familyChoice: 'certificate_only',
      mediationHeldOn: null,
    })
    assert.equal(clocks.certificateBy, '2026-05-07')
    assert.equal(clocks.mediationHeldBy, null)
  })

  it('property: the certificate is due on a working day, 3 working days after what starts it', () => {
    fc.assert(
      fc.property(isoDate('2015-01-01', '2030-11-30'), fc.constantFrom('mediation', 'certificate_only'), (d, c) => {
        const choice = c as 'mediation' | 'certificate_only'
        const clocks = recordedMediationClocks(calendar, {
          decisionOn: d,
          adviserContactedOn: d,
          familyChoice: choice,
          mediationHeldOn: choice === 'mediation' ? d : null,
        })
        return (
          isWorkingDay(calendar, clocks.certificateBy!) && workingDaysBetween(calendar, d, clocks.certificateBy!) === 3
        )
      }),
    )
  })
})

describe('R14: the appeal deadline', () => {
  it('worked examples: 2 months from the decision, or 1 month from a later certificate', () => {
    assert.deepEqual(appealDeadline('2026-01-31'), { appealBy: '2026-03-31', from: 'decision' })
    assert.deepEqual(appealDeadline('2026-01-31', '2026-03-20'), { appealBy: '2026-04-20', from: 'certificate' })
    assert.deepEqual(appealDeadline('2026-09-15', '2026-10-01'), { appealBy: '2026-11-15', from: 'decision' })
  })

  it('property: the later of the two, never before decision + 2 months, and agrees with appealBy', () => {
    fc.assert(
      fc.property(isoDate('2015-01-01', '2030-12-31'), fc.integer({ min: 0, max: 120 }), (d, gap) => {
        const cert = toIso(new Date(Date.parse(`${d}T00:00:00Z`) + gap * 86_400_000))
        const { appealBy: by, from } = appealDeadline(d, cert)
        const a = monthsFrom(d, 2)
        const b = monthsFrom(cert, 1)
        return by === (a > b ? a : b) && by >= a && by === appealBy(d, cert) && (from === 'certificate') === b > a
      }),
    )
  })
})

describe('R15/R16: compliance steps after an order or a concession', () => {
  it('worked example: a Section I order on 5 October 2026 is complied with by 19 October', () => {
    assert.deepEqual(complianceSteps('section_i', '2026-10-05'), [
      { what: 'Issue the plan naming the school or setting', deadline: '2026-10-19' },
    ])
    assert.deepEqual(
      complianceSteps('assess', '2026-10-05').map(s => s.deadline),
      ['2026-10-19', '2026-12-14', '2027-01-11'],
    )
  })

  it('property: steps are in date order, the last is the latest clock, and all are after the start', () => {
    fc.assert(
      fc.property(isoDate('2015-01-01', '2030-12-31'), fc.constantFrom(...ORDERS), (d, kind) => {
        const steps = complianceSteps(kind, d)
        const all = Object.values(tribunalOrderClocks(kind, d) as Record<string, string>)
        const sorted = steps.every((s, i) => i === 0 || steps[i - 1]!.deadline <= s.deadline)
        return sorted && steps.at(-1)!.deadline === all.sort().at(-1) && steps.every(s => s.deadline > d)
      }),
    )
  })
})

describe('complaints: the response due date', () => {
  it('stage 1: 20 working days, over Christmas and New Year', () => {
    // Monday 14 December 2026: 25 and 28 December and 1 January are bank holidays.
    assert.equal(complaintResponseDue(calendar, 1, '2026-12-14'), '2027-01-14')
    assert.equal(complaintResponseDue(calendar, 2, '2026-11-02'), '2026-11-30')
  })

  it('the Ombudsman stage takes the date entered, and refuses none', () => {
    assert.equal(complaintResponseDue(calendar, 3, '2026-11-02', '2026-12-01'), '2026-12-01')
    assert.throws(() => complaintResponseDue(calendar, 3, '2026-11-02'), RangeError)
  })

  it('a configured standard is used', () => {
    assert.equal(complaintResponseDue(calendar, 1, '2026-11-02', null, { 1: 10, 2: 20, 3: null }), '2026-11-16')
  })

  it('property: stages 1 and 2 fall on a working day exactly 20 working days after receipt', () => {
    fc.assert(
      fc.property(isoDate('2015-01-01', '2030-11-30'), fc.constantFrom<ComplaintStage>(1, 2), (d, stage) => {
        const due = complaintResponseDue(calendar, stage, d)
        return isWorkingDay(calendar, due) && workingDaysBetween(calendar, d, due) === 20 && due > d
      }),
    )
  })

  it('property: an added non-working day never brings the due date forward', () => {
    fc.assert(
      fc.property(isoDate('2015-01-01', '2030-11-30'), fc.integer({ min: 0, max: 40 }), (d, k) => {
        const added = toIso(new Date(Date.parse(`${d}T00:00:00Z`) + k * 86_400_000))
        return complaintResponseDue(calendarWith([added]), 1, d) >= complaintResponseDue(calendar, 1, d)
      }),
    )
  })
})

describe('year tables', () => {
  it('counts complaints by stage and year, compliments by year, tribunals by reason and year', () => {
    const complaints = complaintsByStageAndYear([
      { stage: 1, received_on: '2025-03-01' },
      { stage: 1, received_on: '2025-12-31' },
      { stage: 2, received_on: '2026-01-10' },
      { stage: 1, received_on: '2026-01-01' },
    ])
    assert.equal(complaints.get(1)?.get(2025), 2)
    assert.equal(complaints.get(1)?.get(2026), 1)
    assert.equal(complaints.get(2)?.get(2026), 1)
    assert.deepEqual(
      [...complimentsByYear([{ received_on: '2025-01-01' }, { received_on: '2025-06-01' }])],
      [[2025, 2]],
    )
    const t = tribunalsByReasonAndYear([
      { registered_on: '2026-02-01', reasons: ['section_i', 'section_f'] },
      { registered_on: '2026-05-01', reasons: ['section_i'] },
    ])
    assert.equal(t.byReason.get('section_i')?.get(2026), 2)
    assert.equal(t.byReason.get('section_f')?.get(2026), 1)
    assert.equal(t.appeals.get(2026), 2)
  })

  it('property: every complaint is counted once; a tribunal once per reason and once overall', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ stage: fc.integer({ min: 1, max: 3 }), received_on: isoDate('2019-01-01', '2030-12-31') }),
        ),
        fc.array(fc.record({ registered_on: isoDate('2019-01-01', '2030-12-31'), reasons })),
        (cs, ts) => {
          const total = [...complaintsByStageAndYear(cs).values()]
            .flatMap(m => [...m.values()])
            .reduce((a, b) => a + b, 0)
          const t = tribunalsByReasonAndYear(ts)
          const reasonTotal = [...t.byReason.values()].flatMap(m => [...m.values()]).reduce((a, b) => a + b, 0)
          const appeals = [...t.appeals.values()].reduce((a, b) => a + b, 0)
          return (
            total === cs.length && appeals === ts.length && reasonTotal === ts.reduce((a, r) => a + r.reasons.length, 0)
          )
        },
      ),
    )
  })
})

describe('date order errors', () => {
  it('names the later field, once, and skips missing dates', () => {
    const a = { field: 'decisionOn', value: '2026-10-01', label: 'The date of the decision' }
    const b = { field: 'registeredOn', value: '2026-09-01', label: 'The date the appeal was registered' }
    const c = { field: 'hearingOn', value: null, label: 'The hearing date' }
    assert.deepEqual(
      dateOrderErrors([
        [a, b],
        [b, c],
        [a, b],
      ]),
      [
        {
          field: 'registeredOn',
          message: 'The date the appeal was registered must be on or after the date of the decision',
        },
      ],
    )
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, daysBetween, toIso } from '../../platform/time/dates.ts'
import { calendarWith, isWorkingDay, workingDaysBetween } from './bank-holidays.ts'
import {
  adviceDueBy,
  amendmentClocks,
  appealBy,
  cessationClocks,
  concessionClocks,
  decisionToAssessBy,
  draftPlanComments,
  finalPlanBy,
  mediationClocks,
  nextAnnualReview,
  noPlanNoticeBy,
  phaseTransferBy,
  reviewDecisionBy,
  reviewMeetingNotice,
  reviewReportBy,
  RULES,
  tribunalOrderClocks,
  twentyWeekTimeline,
  type OrderType,
  type Rule,
} from './clocks.ts'
import { monthsFrom } from './days.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)
const calendar = calendarWith()

// Worked examples, each expected date counted by hand on a 2026/27 calendar.
const WORKED_EXAMPLES: { rule: Rule; example: string; actual: () => unknown; expected: unknown }[] = [
  {
    rule: 'R1',
    example: 'request received Mon 5 Jan 2026: + 42 days (26 to 31 Jan, 16 into Feb)',
    actual: () => decisionToAssessBy('2026-01-05'),
    expected: '2026-02-16',
  },
  {
    rule: 'R2',
    example: 'advice asked for Mon 2 Feb 2026: + 42 days (26 to 28 Feb, 16 into March)',
    actual: () => adviceDueBy('2026-02-02'),
    expected: '2026-03-16',
  },
  {
    rule: 'R3',
    example: 'request 5 Jan 2026: + 112 days = 31 Jan (26), 28 Feb (54), 31 Mar (85), 27 Apr (112)',
    actual: () => noPlanNoticeBy('2026-01-05'),
    expected: '2026-04-27',
  },
  {
    rule: 'R4',
    example: 'draft served Wed 1 Apr 2026: 1 April is day 1, so day 15 is 15 April; final from 16 April',
    actual: () => draftPlanComments('2026-04-01'),
    expected: { commentsUntil: '2026-04-15', finalNotBefore: '2026-04-16' },
  },
  {
    rule: 'R5',
    example: 'request 5 Jan 2026: 27 Apr (112) + 28 = 25 May 2026 — a bank holiday, and not moved',
    actual: () => finalPlanBy('2026-01-05'),
    expected: '2026-05-25',
  },
  {
    rule: 'R5',
    example: 'working timeline for a request on 5 Jan 2026: draft by week 14 = 27 Apr − 14 days',
    actual: () => twentyWeekTimeline('2026-01-05'),
    expected: {
      decisionToAssessBy: '2026-02-16',
      draftBy: '2026-04-13',
      noPlanNoticeBy: '2026-04-27',
      finalPlanBy: '2026-05-25',
    },
  },
  {
    rule: 'R6',
    example: 'plan issued 31 Mar 2025 for a child born 1 Jun 2022 (aged 2): 3 and 6 months end on 30 June, 30 Sept',
    actual: () => nextAnnualReview('2025-03-31', '2022-06-01'),
    expected: { reviewBy: '2026-03-31', underFiveReview: { from: '2025-06-30', by: '2025-09-30' } },
  },
  {
    rule: 'R6',
    example: 'last reviewed 29 Feb 2024, aged 10: no 29 February in 2025, so the last day of February',
    actual: () => nextAnnualReview('2024-02-29', '2014-01-10'),
    expected: { reviewBy: '2025-02-28', underFiveReview: null },
  },
  {
    rule: 'R7',
    example: 'meeting Wed 10 Jun 2026: 14 days before is Wed 27 May',
    actual: () => reviewMeetingNotice('2026-06-10'),
    expected: { invitationsBy: '2026-05-27', adviceCirculatedBy: '2026-05-27' },
  },
  {
    rule: 'R8',
    example: 'meeting 10 Jun 2026: + 14 days',
    actual: () => reviewReportBy('2026-06-10'),
    expected: '2026-06-24',
  },
  {
    rule: 'R9',
    example: 'meeting 10 Jun 2026: + 28 days = 8 July',
    actual: () => reviewDecisionBy('2026-06-10'),
    expected: '2026-07-08',
  },
  {
    rule: 'R10',
    example:
      'meeting 10 Jun; amendments posted 1st class Wed 1 Jul 2026, served Thu 2 Jul: comments to 16 Jul; ' +
      'final by 1 Jul + 56 = 26 Aug; whole process 10 Jun + 84 = 2 Sep',
    actual: () =>
      amendmentClocks({ meetingOn: '2026-06-10', proposalSentOn: '2026-07-01', proposalServedOn: '2026-07-02' }),
    expected: { commentsUntil: '2026-07-16', finalBy: '2026-08-26', wholeProcessBy: '2026-09-02' },
  },
  {
    rule: 'R11',
    example: 'into school or between school phases in September 2027: 15 February 2027',
    actual: () => phaseTransferBy({ kind: 'school_phase', transferYear: 2027 }),
    expected: '2027-02-15',
  },
  {
    rule: 'R11',
    example: 'secondary school to post-16 in September 2027: 31 March 2027',
    actual: () => phaseTransferBy({ kind: 'secondary_to_post16', transferYear: 2027 }),
    expected: '2027-03-31',
  },
  {
    rule: 'R11',
    example: 'post-16 to post-16 on 31 Jul 2028: 5 months before is 29 Feb 2028 (leap year)',
    actual: () => phaseTransferBy({ kind: 'post16_to_post16', transferOn: '2028-07-31' }),
    expected: '2028-02-29',
  },
  {
    rule: 'R12',
    example: 'notice to cease 30 Jan 2026, no mediation: appeal to 30 Mar, plan kept until then, may end 31 Mar',
    actual: () => cessationClocks('2026-01-30'),
    expected: { appealBy: '2026-03-30', maintainPlanUntil: '2026-03-30', earliestCeaseDate: '2026-03-31' },
  },
  {
    rule: 'R13',
    example:
      'decision 30 Jan 2026: adviser by 30 Mar; told "no mediation" Wed 1 Apr: 3 working days are ' +
      'Thu 2, Tue 7, Wed 8 Apr (Good Friday and Easter Monday skipped); LA told on 10 Feb: held by 12 Mar',
    actual: () =>
      mediationClocks(calendar, {
        decisionOn: '2026-01-30',
        adviserToldNoMediationOn: '2026-04-01',
        laToldOfMediationOn: '2026-02-10',
      }),
    expected: { mediationAdviceBy: '2026-03-30', certificateBy: '2026-04-08', mediationHeldBy: '2026-03-12' },
  },
  {
    rule: 'R14',
    example: 'decision 31 Dec 2025: + 2 months = 28 Feb 2026; certificate 20 Jan + 1 month = 20 Feb; the later',
    actual: () => appealBy('2025-12-31', '2026-01-20'),
    expected: '2026-02-28',
  },
  {
    rule: 'R14',
    example: 'decision 31 Dec 2025, certificate 10 Feb 2026: 10 March is later than 28 February',
    actual: () => appealBy('2025-12-31', '2026-02-10'),
    expected: '2026-03-10',
  },
  {
    rule: 'R15',
    example: 'order to assess Mon 7 Sep 2026: + 14, + 70, + 98 days',
    actual: () => tribunalOrderClocks('assess', '2026-09-07'),
    expected: { notifyBy: '2026-09-21', noPlanDecisionBy: '2026-11-16', finalPlanBy: '2026-12-14' },
  },
  {
    rule: 'R15',
    example: 'order to make a plan 7 Sep 2026: draft + 35 = 12 Oct, final + 77 = 23 Nov',
    actual: () => tribunalOrderClocks('make_plan', '2026-09-07'),
    expected: { draftBy: '2026-10-12', finalBy: '2026-11-23' },
  },
  {
    rule: 'R15',
    example: 'order to amend 7 Sep 2026: + 35 days',
    actual: () => tribunalOrderClocks('amend', '2026-09-07'),
    expected: { amendBy: '2026-10-12' },
  },
  {
    rule: 'R15',
    example: 'Section I only, 7 Sep 2026: + 14 days',
    actual: () => tribunalOrderClocks('section_i', '2026-09-07'),
    expected: { by: '2026-09-21' },
  },
  {
    rule: 'R16',
    example: 'LA concedes a Section I appeal on 1 Oct 2026: + 14 days',
    actual: () => concessionClocks('section_i', '2026-10-01'),
    expected: { by: '2026-10-15' },
  },
  {
    rule: 'R16',
    example: 'LA concedes an amendment on 1 Oct 2026: + 35 days = 5 Nov',
    actual: () => concessionClocks('amend', '2026-10-01'),
    expected: { amendBy: '2026-11-05' },
  },
]

describe('worked examples', () => {
  for (const { rule, example, actual, expected } of WORKED_EXAMPLES) {
    it(`${rule}: ${example}`, () => assert.deepEqual(actual(), expected))
  }

  it('cover every rule R1–R16', () => {
    const covered = new Set(WORKED_EXAMPLES.map(e => e.rule))
    for (const rule of Object.keys(RULES)) assert.ok(covered.has(rule as Rule), rule)
    assert.equal(Object.keys(RULES).length, 16)
  })
})

const day = isoDate('2015-01-01', '2030-10-31')
const ORDER_TYPES: OrderType[] = ['assess', 'make_plan', 'amend', 'section_i']

describe('clock properties', () => {
  it('R1, R3, R5: the working timeline is in order and the 20 weeks are 140 days', () => {
    fc.assert(
      fc.property(day, d => {
        const t = twentyWeekTimeline(d)
        assert.ok(d < t.decisionToAssessBy && t.decisionToAssessBy < t.draftBy)
        assert.ok(t.draftBy < t.noPlanNoticeBy && t.noPlanNoticeBy < t.finalPlanBy)
        assert.equal(daysBetween(d, t.finalPlanBy), 140)
      }),
    )
  })

  it('R2: advice is due 6 weeks after it is asked for, never before the decision to assess falls due', () => {
    fc.assert(
      fc.property(day, fc.nat(42), (received, askedAfter) => {
        const asked = addDays(received, askedAfter)
        assert.equal(daysBetween(asked, adviceDueBy(asked)), 42)
        assert.ok(adviceDueBy(asked) >= decisionToAssessBy(received))
      }),
    )
  })

  it('R4, R10: 15 days for comments, counting the day of service', () => {
    fc.assert(
      fc.property(day, fc.nat(10), fc.nat(60), (sent, postDays, afterMeeting) => {
        const served = addDays(sent, postDays)
        assert.equal(daysBetween(served, draftPlanComments(served).commentsUntil), 14)
        const meetingOn = addDays(sent, -afterMeeting)
        const a = amendmentClocks({ meetingOn, proposalSentOn: sent, proposalServedOn: served })
        assert.equal(daysBetween(served, a.commentsUntil), 14)
        assert.equal(daysBetween(sent, a.finalBy), 56)
        assert.equal(daysBetween(meetingOn, a.wholeProcessBy), 84)
      }),
    )
    assert.throws(() =>
      amendmentClocks({ meetingOn: '2026-06-10', proposalSentOn: '2026-07-02', proposalServedOn: '2026-07-01' }),
    )
  })

  it('R6: the next review is 12 months on, 365 or 366 days, and the under-5 window sits inside it', () => {
    fc.assert(
      fc.property(day, isoDate('2005-01-01', '2030-10-31'), (from, dob) => {
        const r = nextAnnualReview(from, dob <= from ? dob : null)
        assert.ok([365, 366].includes(daysBetween(from, r.reviewBy)))
        if (r.underFiveReview) {
          assert.ok(from < r.underFiveReview.from && r.underFiveReview.from < r.underFiveReview.by)
          assert.ok(r.underFiveReview.by < r.reviewBy)
        }
      }),
    )
  })

  it('R7–R9: notice before the meeting, report and decision after it', () => {
    fc.assert(
      fc.property(day, m => {
        assert.equal(daysBetween(reviewMeetingNotice(m).invitationsBy, m), 14)
        assert.equal(daysBetween(m, reviewReportBy(m)), 14)
        assert.equal(daysBetween(m, reviewDecisionBy(m)), 28)
      }),
    )
  })

  it('R11: post-16 transfers are amended at least 5 months before, on the corresponding date', () => {
    fc.assert(
      fc.property(day, transferOn => {
        const by = phaseTransferBy({ kind: 'post16_to_post16', transferOn })
        assert.ok(monthsFrom(by, 5) <= transferOn)
        assert.ok(daysBetween(by, transferOn) >= 150 && daysBetween(by, transferOn) <= 153)
        assert.equal(by, monthsFrom(transferOn, -5))
      }),
    )
    assert.equal(phaseTransferBy({ kind: 'post16_to_post16', transferOn: '2030-02-28' }), '2029-09-28')
    assert.throws(() => phaseTransferBy({ kind: 'school_phase', transferYear: 27 }), RangeError)
  })

  it('R12, R14: the appeal deadline is on or after both candidates and is one of them', () => {
    fc.assert(
      fc.property(day, fc.option(fc.nat(120)), (decision, certificateAfter) => {
        const certificate = certificateAfter === null ? null : addDays(decision, certificateAfter)
        const by = appealBy(decision, certificate)
        const fromDecision = monthsFrom(decision, 2)
        assert.ok(by >= fromDecision)
        if (certificate) {
          assert.ok(by >= monthsFrom(certificate, 1))
          assert.ok(by === fromDecision || by === monthsFrom(certificate, 1))
        } else assert.equal(by, fromDecision)
        const cease = cessationClocks(decision, certificate)
        assert.equal(cease.maintainPlanUntil, by)
        assert.equal(daysBetween(by, cease.earliestCeaseDate), 1)
      }),
    )
  })

  it('R13: the certificate is due on the third working day after, and mediation within 30 days', () => {
    fc.assert(
      fc.property(day, fc.nat(60), (decision, after) => {
        const told = addDays(decision, after)
        const m = mediationClocks(calendar, {
          decisionOn: decision,
          adviserToldNoMediationOn: told,
          laToldOfMediationOn: told,
        })
        assert.ok(m.certificateBy !== null && isWorkingDay(calendar, m.certificateBy))
        assert.equal(workingDaysBetween(calendar, told, m.certificateBy), 3)
        assert.equal(daysBetween(told, m.mediationHeldBy!), 30)
        assert.equal(m.mediationAdviceBy, monthsFrom(decision, 2))
      }),
    )
    assert.deepEqual(mediationClocks(calendar, { decisionOn: '2026-01-30' }), {
      mediationAdviceBy: '2026-03-30',
      certificateBy: null,
      mediationHeldBy: null,
    })
  })

  it('R15, R16: the steps after an order come in order, and a concession runs the same clocks', () => {
    fc.assert(
      fc.property(day, fc.constantFrom(...ORDER_TYPES), (d, type) => {
        assert.deepEqual(concessionClocks(type, d), tribunalOrderClocks(type, d))
        const a = tribunalOrderClocks('assess', d)
        assert.ok(d < a.notifyBy && a.notifyBy < a.noPlanDecisionBy && a.noPlanDecisionBy < a.finalPlanBy)
        const p = tribunalOrderClocks('make_plan', d)
        assert.ok(d < p.draftBy && p.draftBy < p.finalBy)
      }),
    )
    assert.throws(() => tribunalOrderClocks('appeal' as OrderType, '2026-01-01'), RangeError)
  })

  it('refuse dates that are not dates', () => {
    assert.throws(() => decisionToAssessBy('2026-02-30'), RangeError)
    assert.throws(() => finalPlanBy('5 January 2026'), RangeError)
    assert.throws(() => appealBy('2026-01-01', '2026-13-01'), RangeError)
  })
})

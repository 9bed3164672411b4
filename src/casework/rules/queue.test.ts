import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, daysBetween, toIso } from '../../platform/time/dates.ts'
import { finalPlanBy } from './clocks.ts'
import {
  amendmentItem,
  compareItems,
  endOfIsoWeek,
  phaseTransferItem,
  QUEUE_RULES,
  QUEUE_STATUSES,
  queueStatus,
  requestItems,
  reviewItems,
  stepItem,
  transferOf,
  unopenedReviewItem,
  type ItemContext,
  type QueueItem,
  type QueueStatus,
  type RequestDates,
} from './queue.ts'

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)

const ctx: ItemContext = { childId: 'c1', childName: 'Ada Quill', officerId: 'o1' }
const step = (due: string) => ({
  key: `k:${due}`,
  kind: 'request' as const,
  rule: 'R1' as const,
  what: 'x',
  due,
  href: '/',
})

/** The definitions written out independently of queueStatus, to check it against. */
const holds: Record<QueueStatus, (due: string, prepared: boolean, today: string) => boolean> = {
  overdue: (due, _p, today) => due < today,
  due_this_week: (due, _p, today) => due >= today && due <= endOfIsoWeek(today),
  at_risk: (due, prepared, today) => due > endOfIsoWeek(today) && daysBetween(today, due) <= 14 && !prepared,
  later: (due, prepared, today) => due > endOfIsoWeek(today) && (daysBetween(today, due) > 14 || prepared),
}

describe('work queue statuses', () => {
  it('the ISO week runs Monday to Sunday', () => {
    assert.equal(endOfIsoWeek('2026-11-23'), '2026-11-29') // a Monday
    assert.equal(endOfIsoWeek('2026-11-29'), '2026-11-29') // a Sunday
    assert.equal(endOfIsoWeek('2026-12-31'), '2027-01-03') // across the year end
    fc.assert(
      fc.property(isoDate('2000-01-01', '2100-12-31'), today => {
        const end = endOfIsoWeek(today)
        const gap = daysBetween(today, end)
        return gap >= 0 && gap <= 6 && new Date(`${end}T00:00:00Z`).getUTCDay() === 0
      }),
    )
  })

  it('every step not done is in exactly one status, the one its definition says', () => {
    fc.assert(
      fc.property(
        isoDate('2020-01-01', '2030-12-31'),
        fc.integer({ min: -60, max: 60 }),
        fc.boolean(),
        (today, offset, prepared) => {
          const due = addDays(today, offset)
          const matching = QUEUE_STATUSES.filter(s => holds[s](due, prepared, today))
          assert.deepEqual(matching, [queueStatus(due, prepared, today)])
        },
      ),
    )
  })

  it('an item is overdue iff it is due before today and not done; a step done by today is no item', () => {
    fc.assert(
      fc.property(
        isoDate('2020-01-01', '2030-12-31'),
        fc.integer({ min: -60, max: 60 }),
        fc.option(fc.integer({ min: -90, max: 30 })),
        fc.boolean(),
        (today, offset, doneOffset, prepared) => {
          const due = addDays(today, offset)
          const doneOn = doneOffset === null ? null : addDays(today, doneOffset)
          const item = stepItem(ctx, step(due), doneOn, prepared, today)
          const done = doneOn !== null && doneOn <= today
          assert.equal(item === null, done)
          if (item) assert.equal(item.status === 'overdue', due < today)
        },
      ),
    )
  })

  it('moving today forward never turns an overdue item back into not overdue', () => {
    fc.assert(
      fc.property(
        isoDate('2020-01-01', '2030-12-31'),
        fc.integer({ min: -60, max: 60 }),
        fc.integer({ min: 0, max: 400 }),
        fc.boolean(),
        (today, offset, forward, prepared) => {
          const due = addDays(today, offset)
          if (queueStatus(due, prepared, today) !== 'overdue') return
          assert.equal(queueStatus(due, prepared, addDays(today, forward)), 'overdue')
        },
      ),
    )
  })

  it('sorts by due date, then rule (R1 … R16, then complaints)', () => {
    const item = fc.record({
      key: fc.string(),
      due: isoDate('2026-01-01', '2026-03-01'),
      rule: fc.constantFrom(...QUEUE_RULES),
    })
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), raw => {
        const items = raw.map(
          r => ({ ...r, ...ctx, kind: 'request', what: '', href: '/', status: 'later' }) as QueueItem,
        )
        const sorted = [...items].sort(compareItems)
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1]!, sorted[i]!]
          assert.ok(a.due <= b.due)
          if (a.due === b.due) assert.ok(QUEUE_RULES.indexOf(a.rule) <= QUEUE_RULES.indexOf(b.rule))
        }
      }),
    )
  })
})

describe('items from a case', () => {
  const today = '2026-11-23'
  const open: RequestDates = {
    received_on: '2026-07-20',
    decision: 'assess',
    decision_on: '2026-08-20',
    outcome: 'issue_plan',
    outcome_on: '2026-11-10',
    draft_sent_on: null,
    comments_received_on: null,
    final_issued_on: null,
    withdrawn_on: null,
  }

  it('a request queues its running statutory steps, not R4 or the week-14 target', () => {
    const advice = [
      { id: 'a1', advisor: 'health' as const, advisor_name: null, requested_on: '2026-10-20', received_on: null },
    ]
    const items = requestItems(ctx, 'r1', open, advice, [], today)
    assert.deepEqual(
      items.map(i => [i.rule, i.due, i.status]),
      [
        ['R2', '2026-12-01', 'later'], // asked for: the step before is done
        ['R5', finalPlanBy('2026-07-20'), 'at_risk'], // 2026-12-07, and no draft sent
      ],
    )
    const drafted = requestItems(ctx, 'r1', { ...open, draft_sent_on: '2026-11-16' }, advice, [], today)
    assert.equal(drafted.find(i => i.rule === 'R5')!.status, 'later')
    assert.deepEqual(requestItems(ctx, 'r1', { ...open, withdrawn_on: '2026-11-20' }, advice, [], today), [])
  })

  it('an exception never moves a deadline: the R5 item stays due on the 20-week date', () => {
    const items = requestItems(
      ctx,
      'r1',
      open,
      [],
      [{ kind: 'personal_circumstances', from_date: '2026-09-01', to_date: '2026-10-01' }],
      today,
    )
    assert.equal(items.find(i => i.rule === 'R5')!.due, '2026-12-07')
  })

  it('a review queues R6 until held, then R7–R9 with the step before each', () => {
    const review = {
      kind: 'annual' as const,
      due_on: '2026-12-05',
      meeting_on: '2026-12-03',
      invitations_sent_on: null,
      report_received_on: null,
      decision: null,
      decision_on: null,
    }
    assert.deepEqual(
      reviewItems(ctx, 'v1', review, today).map(i => [i.rule, i.due, i.status]),
      [
        ['R6', '2026-12-05', 'later'], // a meeting is booked
        ['R7', '2026-11-19', 'overdue'],
        ['R8', '2026-12-17', 'later'],
        ['R9', '2026-12-31', 'later'],
      ],
    )
    const unbooked = reviewItems(ctx, 'v1', { ...review, meeting_on: null }, today)
    assert.deepEqual(
      unbooked.map(i => [i.rule, i.status]),
      [['R6', 'at_risk']],
    )
    assert.equal(unopenedReviewItem(ctx, 'p1', '2025-11-20', today)!.status, 'overdue')
  })

  it('an amendment queues one R10 item: the binding deadline', () => {
    const amendment = {
      review_id: 'v1',
      proposals_sent_on: '2026-11-02',
      comments_received_on: null,
      final_issued_on: null,
    }
    const item = amendmentItem(ctx, 'a1', amendment, '2026-10-20', today)!
    assert.equal(item.due, '2026-12-28') // 8 weeks from sending, before the 12 weeks from the meeting (2027-01-12)
    assert.equal(item.status, 'later')
    assert.equal(amendmentItem(ctx, 'a1', { ...amendment, final_issued_on: '2026-11-20' }, null, today), null)
  })

  it('a phase transfer queues R11 until the new setting is named', () => {
    const transfer = transferOf('2016-03-14', 'primary', 2027)!
    assert.equal(transfer.deadline, '2027-02-15')
    assert.equal(phaseTransferItem(ctx, 'p1', transfer, null, null, today)!.status, 'later')
    assert.equal(phaseTransferItem(ctx, 'p1', transfer, null, '2027-01-10', '2027-01-11'), null)
    assert.equal(phaseTransferItem(ctx, 'p1', transfer, null, null, '2027-02-05')!.status, 'at_risk')
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { actionProblems, monthBefore, movement, progressOf, ragOn, RAGS, STATUSES, type RagChange } from './progress.ts'

const isoDate = fc
  .date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map(d => d.toISOString().slice(0, 10))
const action = fc.record({ status: fc.constantFrom(...STATUSES), due_date: isoDate })

describe('programme progress', () => {
  it('counts every action once, and only unfinished actions past their due date as overdue', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 200 }), isoDate, (actions, today) => {
        const p = progressOf(actions, today)
        assert.equal(p.notStarted + p.inProgress + p.completed, p.total)
        assert.equal(p.total, actions.length)
        assert.equal(p.overdue, actions.filter(a => a.status !== 'completed' && a.due_date < today).length)
        assert.ok(p.overdue <= p.notStarted + p.inProgress)
      }),
    )
  })

  it('gives seed 004’s mix as 114 / 18 / 0 of 132', () => {
    const actions = [
      ...Array.from({ length: 114 }, () => ({ status: 'completed' as const, due_date: '2021-06-30' })),
      ...Array.from({ length: 18 }, () => ({ status: 'in_progress' as const, due_date: '2022-06-30' })),
    ]
    assert.deepEqual(progressOf(actions, '2021-11-11'), {
      notStarted: 0,
      inProgress: 18,
      completed: 114,
      total: 132,
      overdue: 0,
    })
  })
})

describe('RAG history', () => {
  // A history built as the service builds it: each change from the RAG before it.
  const history = fc
    .tuple(fc.constantFrom(...RAGS), fc.array(fc.tuple(fc.constantFrom(...RAGS), isoDate), { maxLength: 12 }))
    .map(([first, moves]) => {
      const sorted = [...moves].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      let rag = first
      const changes: RagChange[] = sorted.map(([to, on]) => {
        const c = { from_rag: rag, to_rag: to, changed_on: on }
        rag = to
        return c
      })
      return { first, changes, current: rag }
    })

  it('reads the RAG in force on any date from the kept changes', () => {
    fc.assert(
      fc.property(history, isoDate, ({ first, changes, current }, date) => {
        const expected = [...changes].reverse().find(c => c.changed_on <= date)?.to_rag ?? first
        assert.equal(ragOn(current, changes, date), changes.length ? expected : current)
        // After the last change, the RAG is the current one.
        assert.equal(ragOn(current, changes, '9999-12-31'), current)
      }),
    )
  })

  it('calls a move towards on track better and one towards at risk worse', () => {
    assert.equal(movement('monitor', 'on_track'), 'better')
    assert.equal(movement('on_track', 'at_risk'), 'worse')
    assert.equal(movement('monitor', 'monitor'), 'same')
    assert.equal(movement(null, 'monitor'), 'new')
    fc.assert(
      fc.property(fc.constantFrom(...RAGS), fc.constantFrom(...RAGS), (a, b) => {
        const there = movement(a, b)
        const back = movement(b, a)
        assert.ok((there === 'same' && back === 'same') || (there === 'better') === (back === 'worse'))
      }),
    )
  })

  it('goes back one month, to the month’s last day when it is shorter', () => {
    assert.equal(monthBefore('2026-03-31'), '2026-02-28')
    assert.equal(monthBefore('2026-01-15'), '2025-12-15')
    fc.assert(
      fc.property(isoDate, d => {
        const before = monthBefore(d)
        assert.ok(before < d)
        assert.ok(Date.parse(d) - Date.parse(before) <= 31 * 86_400_000)
      }),
    )
  })
})

describe('an action as entered', () => {
  const ok = {
    description: 'Publish the local offer',
    owner: 'Head of SEND',
    dueDate: '2026-06-30',
    status: 'in_progress',
    evidence: '',
    completedOn: '',
  }
  it('accepts a whole action', () => {
    assert.deepEqual(actionProblems(ok, '2026-12-05'), [])
    assert.deepEqual(actionProblems({ ...ok, status: 'completed', completedOn: '2026-12-05' }, '2026-12-05'), [])
  })

  it('names every problem', () => {
    const problems = actionProblems(
      { description: ' ', owner: '', dueDate: '2026-02-30', status: 'done', evidence: '', completedOn: '' },
      '2026-12-05',
    )
    assert.deepEqual(
      problems.map(p => p.field),
      ['description', 'owner', 'dueDate', 'status'],
    )
  })

  it('needs a completion date in the past exactly when the action is completed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STATUSES),
        fc.option(isoDate, { nil: '' }),
        isoDate,
        (status, completedOn, today) => {
          const problems = actionProblems({ ...ok, status, completedOn }, today).map(p => p.field)
          const valid = status === 'completed' ? completedOn !== '' && completedOn <= today : completedOn === ''
          assert.equal(problems.includes('completedOn'), !valid)
        },
      ),
    )
  })
})

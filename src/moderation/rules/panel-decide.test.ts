import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  conflictOf,
  consistency,
  decisionSchema,
  directionOf,
  quorumFor,
  supersedeSchema,
  type Member,
} from './panel.ts'

// Who may decide a case, whether the panel is quorate, what a decision must say, which way it moved
// the level. (The consistency report's own rules are in panel.test.ts.)

const SCHOOLS = ['school-a', 'school-b', 'school-c'] as const
const member = fc.record({
  id: fc.uuid(),
  name: fc.constantFrom('Ann', 'Bo', 'Cy'),
  settingId: fc.option(fc.constantFrom(...SCHOOLS), { nil: null }),
  settingName: fc.constant('A school'),
}) as fc.Arbitrary<Member>

describe('conflictOf', () => {
  it('refuses exactly the members who belong to the case’s school, naming them and the school', () => {
    fc.assert(
      fc.property(member, fc.constantFrom(...SCHOOLS), (m, school) => {
        const conflict = conflictOf(m, school, 'Alder Primary School')
        if (m.settingId === school) {
          assert.ok(conflict)
          assert.ok(conflict.includes(m.name) && conflict.includes('Alder Primary School'))
        } else {
          assert.equal(conflict, null)
        }
      }),
    )
  })
})

describe('quorumFor', () => {
  it('never counts a conflicted member, and is met exactly when the others reach the quorum', () => {
    fc.assert(
      fc.property(
        fc.array(member, { maxLength: 12 }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom(...SCHOOLS),
        (present, needed, school) => {
          const q = quorumFor(present, needed, school)
          const free = present.filter(m => conflictOf(m, school, 'S') === null).length
          assert.equal(q.present, free)
          assert.equal(q.needed, needed)
          assert.equal(q.met, free >= needed)
          assert.equal(q.message === null, q.met)
        },
      ),
    )
  })

  it('adding a conflicted member never makes a panel quorate', () => {
    fc.assert(
      fc.property(fc.array(member, { maxLength: 8 }), fc.integer({ min: 1, max: 8 }), (present, needed) => {
        const before = quorumFor(present, needed, 'school-a')
        const after = quorumFor(
          [...present, { id: 'x', name: 'Head', settingId: 'school-a', settingName: 'A' }],
          needed,
          'school-a',
        )
        assert.equal(after.met, before.met)
        assert.equal(after.present, before.present)
      }),
    )
  })

  it('says how many are present and needed when not quorate', () => {
    const q = quorumFor([{ id: '1', name: 'Ann', settingId: null, settingName: null }], 2, 'school-a')
    assert.equal(q.met, false)
    assert.match(q.message!, /1 member without a conflict is recorded as present and 2 are needed/)
  })
})

describe('directionOf', () => {
  it('a changed level always has a direction, the right way; an unchanged one is agreed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (proposed, decided) => {
        const d = directionOf(proposed, decided)
        if (decided > proposed) assert.equal(d, 'raised')
        else if (decided < proposed) assert.equal(d, 'lowered')
        else assert.equal(d, 'agreed')
      }),
    )
    assert.equal(directionOf(null, 2), null)
    assert.equal(directionOf(2, null), null)
  })

  it('consistency counts add up to the decisions that set a level', () => {
    const decision = fc.record({
      school: fc.constantFrom(...SCHOOLS),
      proposed: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
      decided: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
    })
    fc.assert(
      fc.property(fc.array(decision, { maxLength: 30 }), decisions => {
        const rows = consistency(
          decisions,
          d => d.school,
          d => d.school,
        )
        for (const row of rows) assert.equal(row.agreed + row.raised + row.lowered, row.decided)
        const setting = decisions.filter(d => d.proposed !== null && d.decided !== null).length
        assert.equal(
          rows.reduce((s, r) => s + r.decided, 0),
          setting,
        )
      }),
    )
  })
})

describe('decisionSchema', () => {
  const errors = (input: object) => {
    const result = decisionSchema.safeParse(input)
    return result.success ? [] : result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`)
  }

  it('agrees with only a version and the outcome', () => {
    const parsed = decisionSchema.parse({ version: '3', outcome: 'agree', reason: '', startDate: '' })
    assert.equal(parsed.version, 3)
    assert.equal(parsed.reason, null)
    assert.equal(parsed.startDate, null)
  })

  it('a change of level needs the level and a reason', () => {
    assert.deepEqual(errors({ version: 1, outcome: 'change_level', level: '' }), [
      'level: Choose the level the panel agrees',
      'reason: Enter why the panel changed the level',
    ])
    assert.deepEqual(errors({ version: 1, outcome: 'change_level', level: '2', reason: 'Evidence shows more' }), [])
  })

  it('a return needs what evidence is wanted; a referral needs a reason', () => {
    assert.deepEqual(errors({ version: 1, outcome: 'return' }), [
      'evidenceNeeded: Enter what evidence the school must send',
    ])
    assert.deepEqual(errors({ version: 1, outcome: 'refer_level8', reason: ' ' }), [
      'reason: Enter why the panel refers this pupil for Level 8',
    ])
  })

  it('refuses a missing outcome or version, a bad date and a protection ending before the start', () => {
    assert.deepEqual(errors({ version: 1 }), ['outcome: Choose a decision'])
    assert.ok(errors({ outcome: 'agree' }).some(e => e.startsWith('version:')))
    assert.ok(errors({ version: 1, outcome: 'agree', startDate: '2026-02-30' }).some(e => e.startsWith('startDate:')))
    assert.deepEqual(errors({ version: 1, outcome: 'agree', startDate: '2026-12-01', protectedUntil: '2026-11-30' }), [
      'protectedUntil: The protection must end on or after the date funding starts',
    ])
  })

  it('a superseding decision needs a level and a reason', () => {
    assert.equal(supersedeSchema.safeParse({ version: 1, level: '2', reason: 'Typo in the level' }).success, true)
    assert.equal(supersedeSchema.safeParse({ version: 1, level: '2', reason: '' }).success, false)
    assert.equal(supersedeSchema.safeParse({ version: 1, reason: 'x' }).success, false)
  })
})

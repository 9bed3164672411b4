import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { isValidUpn, upnCheckLetter } from './upn.ts'

const LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ'
const body = fc
  .tuple(fc.stringMatching(/^[0-9]{11}$/), fc.constantFrom(...'0123456789', ...LETTERS))
  .map(([digits, last]) => digits + last)

describe('unique pupil number', () => {
  it('accepts a number with the right check letter', () => {
    // Worked by hand: weights 2..13 over 999900125001 sum to 215; 215 mod 23 = 8 -> J (I is skipped).
    assert.equal(upnCheckLetter('999900125001'), 'J')
    assert.equal(isValidUpn('J999900125001'), true)
  })

  it('accepts every body with its own check letter and rejects every other letter', () => {
    fc.assert(
      fc.property(body, fc.constantFrom(...LETTERS), (b, letter) => {
        assert.equal(isValidUpn(letter + b), letter === upnCheckLetter(b))
      }),
    )
  })

  it('catches any single changed digit', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 9 }), (b, at, delta) => {
        const changed = b.slice(0, at) + String((Number(b[at]) + delta) % 10) + b.slice(at + 1)
        assert.equal(isValidUpn(upnCheckLetter(b) + changed), false)
      }),
    )
  })

  it('rejects malformed input without throwing', () => {
    fc.assert(fc.property(fc.string(), s => assert.equal(typeof isValidUpn(s), 'boolean')))
    assert.equal(isValidUpn('I999900125001'), false)
    assert.equal(isValidUpn('B99990012500'), false)
  })
})

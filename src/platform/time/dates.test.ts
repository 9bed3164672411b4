import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { isIsoDate } from './dates.ts'

// What isIsoDate was before it was made cheap: the text must survive a round trip through a UTC Date.
function byDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return false
  const [y, m, d] = match.slice(1).map(Number) as [number, number, number]
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

const digits = (n: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map(a => a.join(''))

describe('isIsoDate', () => {
  it('agrees with a round trip through a UTC Date, for any YYYY-MM-DD of digits and any text', () => {
    const shaped = fc.tuple(digits(4), digits(2), digits(2)).map(([y, m, d]) => `${y}-${m}-${d}`)
    const nearReal = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)
    fc.assert(
      fc.property(fc.oneof(shaped, nearReal, fc.string()), text => isIsoDate(text) === byDate(text)),
      {
        numRuns: 20_000,
      },
    )
  })

  it('knows the leap years and the length of each month', () => {
    assert.equal(isIsoDate('2024-02-29'), true)
    assert.equal(isIsoDate('2023-02-29'), false)
    assert.equal(isIsoDate('2000-02-29'), true)
    assert.equal(isIsoDate('1900-02-29'), false)
    assert.equal(isIsoDate('2026-04-31'), false)
    assert.equal(isIsoDate('2026-12-31'), true)
    assert.equal(isIsoDate('2026-1-31'), false)
    assert.equal(isIsoDate('0000-01-01'), false)
  })
})

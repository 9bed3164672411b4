import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { prefixRange } from './name-search.ts'

/** Code-point order, as PostgreSQL's text_pattern_ops compares UTF-8 bytes (JavaScript's < compares UTF-16 units). */
function compare(a: string, b: string): number {
  const x = Array.from(a, c => c.codePointAt(0)!)
  const y = Array.from(b, c => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

// Characters near the edges that matter: ASCII, the surrogate gap, the top of the range.
const char = fc.oneof(
  fc.constantFrom('a', 'z', '\u{D7FF}', '\u{E000}', '\u{FFFF}', '\u{10000}', '\u{10FFFF}'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
)
const word = fc.array(char, { minLength: 0, maxLength: 4 }).map(cs => cs.join(''))

describe('prefixRange', () => {
  it('holds exactly the strings that start with the prefix', () => {
    fc.assert(
      fc.property(
        fc.array(char, { minLength: 1, maxLength: 4 }).map(cs => cs.join('')),
        word,
        (prefix, s) => {
          const [from, to] = prefixRange(prefix)
          const inRange = compare(s, from) >= 0 && (to === null || compare(s, to) < 0)
          assert.equal(inRange, s.startsWith(prefix), JSON.stringify({ prefix, s, to }))
          const extended = prefix + s
          const [f, t] = prefixRange(prefix)
          assert.ok(compare(extended, f) >= 0 && (t === null || compare(extended, t) < 0))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('raises the last letter of a plain prefix', () => {
    assert.deepEqual(prefixRange('dav'), ['dav', 'daw'])
  })
})

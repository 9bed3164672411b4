import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { level8PackageSchema, level8Total, packageLineAmount } from './level8.ts'

describe('Level 8 packages', () => {
  it('cost each line as quantity × unit, rounded half up once, and total the rounded lines', () => {
    const parsed = level8PackageSchema.parse({
      rationale: 'Meets the Level 8 criteria: needs two adults for personal care and a specialist curriculum.',
      lines: [
        {
          description: 'Teaching assistant, 32.5 hours a week × 39 weeks',
          kind: 'staff',
          quantity: 1267.5,
          unitPence: 1_433,
        },
        { description: 'Speech and language therapy sessions', kind: 'therapy', quantity: 38, unitPence: 8_250 },
        { description: 'Standing frame', kind: 'equipment', quantity: 1, unitPence: 245_000 },
        { description: 'Travel training, 0.33 days', kind: 'other', quantity: 0.33, unitPence: 10_001 },
      ],
    })
    const lines = parsed.lines
    assert.deepEqual(
      lines.map(l => l.quantityHundredths),
      [126_750, 3_800, 100, 33],
    )
    assert.deepEqual(lines.map(packageLineAmount), [1_816_328, 313_500, 245_000, 3_300]) // 1,816,327.5 → up; 3,300.33 → down
    assert.equal(level8Total(lines), 1_816_328 + 313_500 + 245_000 + 3_300)
  })

  it('refuses quantities with more than two decimal places, an unknown kind, and an empty package', () => {
    const result = level8PackageSchema.safeParse({
      rationale: 'x',
      lines: [
        { description: 'Hours', kind: 'staff', quantity: 1.005, unitPence: 100 },
        { description: 'Pony', kind: 'animal', quantity: 1, unitPence: 1 },
      ],
    })
    assert.equal(result.success, false)
    assert.deepEqual(result.error!.issues.map(i => i.path.join('.')).sort(), ['lines.0.quantity', 'lines.1.kind'])
    assert.equal(level8PackageSchema.safeParse({ rationale: 'x', lines: [] }).success, false)
  })

  it('a package total is the sum of its lines, whatever their order', () => {
    const line = fc.record({
      quantityHundredths: fc.integer({ min: 1, max: 10_000_000 }),
      unitPence: fc.integer({ min: 0, max: 10_000_000 }),
    })
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), lines => {
        const total = level8Total(lines)
        assert.equal(total, level8Total([...lines].reverse()))
        const exact = lines.reduce((s, l) => s + BigInt(l.quantityHundredths) * BigInt(l.unitPence), 0n)
        assert.ok(Math.abs(Number(BigInt(total) * 100n - exact)) <= 50 * lines.length)
      }),
    )
  })
})

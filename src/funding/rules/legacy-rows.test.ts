import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseLegacyFunding } from './legacy-rows.ts'

const HEADER = 'child_id,upn,setting_urn,annual_amount,start_date,end_date,note'

describe('legacy funding rows', () => {
  it('reads a good file, by child id or UPN, with pounds turned into pence', () => {
    const parsed = parseLegacyFunding(
      `${HEADER}\nF0001,,900001,"£12,500.50",2024-09-01,2026-08-31,"A note, with a comma"\n,j999900125001,900002,800,2025-04-01,,\n`,
    )
    assert.ok(parsed.ok)
    assert.deepEqual(parsed.rows, [
      {
        line: 2,
        childId: 'F0001',
        upn: null,
        settingUrn: '900001',
        annualPence: 1250050,
        startDate: '2024-09-01',
        endDate: '2026-08-31',
        note: 'A note, with a comma',
        kind: 'phased',
      },
      {
        line: 3,
        childId: null,
        upn: 'J999900125001',
        settingUrn: '900002',
        annualPence: 80000,
        startDate: '2025-04-01',
        endDate: null,
        note: null,
        kind: 'phased',
      },
    ])
  })

  it('reads the optional kind column: exceptional or phased, blank meaning phased', () => {
    const parsed = parseLegacyFunding(
      `${HEADER},kind\nF1,,900001,6000,2024-09-01,,,Exceptional\nF2,,900001,6000,2024-09-01,,,\nF3,,900001,6000,2024-09-01,,,phased\n`,
    )
    assert.ok(parsed.ok)
    assert.deepEqual(
      parsed.rows.map(r => r.kind),
      ['exceptional', 'phased', 'phased'],
    )
    const bad = parseLegacyFunding(`${HEADER},kind\nF1,,900001,6000,2024-09-01,,,special\n`)
    assert.ok(!bad.ok)
    assert.deepEqual(bad.errors, [
      { line: 2, column: 'kind', message: 'must be exceptional or phased (blank means phased)' },
    ])
  })

  it('accepts a file without the optional columns', () => {
    const parsed = parseLegacyFunding('child_id,setting_urn,annual_amount,start_date\nF1,900001,10,2025-01-01\n')
    assert.ok(parsed.ok)
  })

  it('reports every bad field with its line and column', () => {
    const parsed = parseLegacyFunding(
      [
        HEADER,
        ',,12,lots,2025-02-30,,',
        'F1,,900001,100,2025-09-01,2025-08-01,',
        'F1,,900001,100,2025-09-01,,',
        'F2,,900001',
      ].join('\n'),
    )
    assert.ok(!parsed.ok)
    assert.deepEqual(
      parsed.errors.map(e => [e.line, e.column]),
      [
        [2, 'child_id'],
        [2, 'setting_urn'],
        [2, 'annual_amount'],
        [2, 'start_date'],
        [3, 'end_date'],
        [4, 'start_date'],
        [5, null],
      ],
    )
  })

  it('names missing and unknown columns on the header line', () => {
    const parsed = parseLegacyFunding('child,setting_urn,start_date\nx,900001,2025-01-01\n')
    assert.ok(!parsed.ok)
    assert.ok(parsed.errors.every(e => e.line === 1))
    assert.ok(parsed.errors.some(e => e.column === 'child' && /unknown column/.test(e.message)))
    assert.ok(parsed.errors.some(e => e.column === 'annual_amount' && /missing/.test(e.message)))
  })

  it('refuses an empty file and a header with no rows', () => {
    assert.ok(!parseLegacyFunding('').ok)
    const headerOnly = parseLegacyFunding(`${HEADER}\n`)
    assert.ok(!headerOnly.ok)
    assert.equal(headerOnly.errors[0]!.line, 2)
  })

  it('never throws on arbitrary text, and every error names a line', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map(s => `${HEADER}\n${s}`),
        ),
        text => {
          const parsed = parseLegacyFunding(text)
          if (!parsed.ok) assert.ok(parsed.errors.length > 0 && parsed.errors.every(e => e.line >= 1))
        },
      ),
      { numRuns: 500 },
    )
  })
})

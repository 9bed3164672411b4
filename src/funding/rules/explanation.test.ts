import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { describeLine, explainLine, formatPounds, parsePounds } from './explanation.ts'
import { fixture } from './fixtures/index.ts'
import { fundingLines, tableRate } from './money.ts'
import { scoreAssessment } from './scoring.ts'

describe('the explanation of an amount', () => {
  it('carries the version, choices and points, weights and caps, total, threshold, level, rate and days', () => {
    const spec = fixture('islington')
    const choices = {
      SENS: 'SENS1',
      PHYS: null,
      SLC: 'SLC2',
      SOC: 'SOC2',
      EMO: 'EMO0',
      BEH: 'BEH3',
      LIT: 'LIT4',
      NUM: 'NUM4',
      MEM: 'MEM4',
      ATT: 'ATT3',
      CUR: 'CUR2',
    }
    const score = scoreAssessment(spec, choices)
    const [line] = fundingLines(
      { start: '2021-09-01', end: null },
      { from: '2021-09-01', to: '2021-09-30' },
      tableRate(spec, 'mainstream', score.level),
    )
    const e = explainLine(spec, score, 'mainstream', line!)
    assert.equal(e.version, 'Islington tariff scheme 2021-22')
    // SP 1×4 + CI 4×2 + SEMH 3×4 + C&L min(17, 16)×4
    assert.equal(e.total, 4 + 8 + 12 + 64)
    assert.deepEqual(e.threshold, { min: 80, max: 99 })
    assert.equal(e.levelLabel, 'Tariff 5')
    assert.deepEqual(e.rate, { financialYear: '2021-22', settingType: 'mainstream', level: 5, annualPence: 1_157_000 })
    assert.deepEqual([e.days, e.daysInYear, e.amountPence], [30, 365, 95_096]) // £11,570 × 30 ÷ 365 = £950.96
    assert.equal(
      describeLine(e),
      'Under Islington tariff scheme 2021-22: Sensory & Physical SENS1, no need (1 point × 4 = 4); ' +
        'Communication & Interaction SLC2, SOC2 (4 points × 2 = 8); Social, Emotional & Mental Health EMO0, BEH3 (3 points × 4 = 12); ' +
        'Cognition & Learning LIT4, NUM4, MEM4, ATT3, CUR2 (17 points, capped at 16 × 4 = 64); total 88 falls in Tariff 5 (80–99); ' +
        'the 2021-22 mainstream rate for Tariff 5 is £11,570.00 a year; £11,570.00 × 30 ÷ 365 days (2021-09-01 to 2021-09-30) = £950.96.',
    )
  })

  it('formats pence as pounds without floating point', () => {
    assert.equal(formatPounds(104_485), '£1,044.85')
    assert.equal(formatPounds(835_880), '£8,358.80')
    assert.equal(formatPounds(5), '£0.05')
    assert.equal(formatPounds(-123_456_789), '-£1,234,567.89')
  })
})

describe('parsePounds', () => {
  it('reads pounds and pence exactly, with or without £ and thousands commas', () => {
    assert.equal(parsePounds('12345.67'), 1234567)
    assert.equal(parsePounds('£12,345.6'), 1234560)
    assert.equal(parsePounds(' 1,044.85 '), 104485)
    assert.equal(parsePounds('0'), 0)
  })

  it('refuses what is not money', () => {
    for (const bad of ['', '-5', '1.234', '12,34', 'ten', '1e5', '£']) assert.equal(parsePounds(bad), null, bad)
  })

  it('is the inverse of formatPounds for any whole number of pence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), pence =>
        assert.equal(parsePounds(formatPounds(pence)), pence),
      ),
    )
  })
})

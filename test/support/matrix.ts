import type { MatrixVersionInput } from '../../src/funding/rules/matrix-version.ts'

// A small, consistent matrix for tests: two areas, three levels (the top one bespoke), two years
// of mainstream rates. Not any authority's scheme.
export function testMatrixSpec(overrides: Partial<MatrixVersionInput> = {}): MatrixVersionInput {
  return {
    name: 'Test matrix 2026',
    aggregation: 'sum',
    areas: [
      {
        code: 'CI',
        name: 'Communication and interaction',
        descriptors: [
          { code: 'CI1', text: 'Some difficulty understanding instructions', points: 1 },
          { code: 'CI2', text: 'Needs visual support through the day', points: 3 },
          { code: 'CI3', text: 'Needs an adult to communicate most needs', points: 6 },
        ],
      },
      {
        code: 'CL',
        name: 'Cognition and learning',
        weight: 2,
        descriptors: [
          { code: 'CL1', text: 'Working slightly below age-related expectations', points: 1 },
          { code: 'CL2', text: 'Working well below age-related expectations', points: 4 },
        ],
      },
    ],
    levels: [
      { level: 1, label: 'Level 1', min: 0, max: 4 },
      { level: 2, label: 'Level 2', min: 5, max: 11 },
      { level: 3, label: 'Level 3 (bespoke)', min: 12, max: null, bespoke: true },
    ],
    rates: [
      { financialYear: '2025-26', settingType: 'mainstream', level: 1, annualPence: 150_000 },
      { financialYear: '2025-26', settingType: 'mainstream', level: 2, annualPence: 420_050 },
      { financialYear: '2026-27', settingType: 'mainstream', level: 1, annualPence: 155_000 },
      { financialYear: '2026-27', settingType: 'mainstream', level: 2, annualPence: 432_000 },
    ],
    applies: [{ settingType: 'mainstream', from: '2025-04-01' }],
    notes: 'Illustrative amounts for tests.',
    ...overrides,
  }
}

/** The test matrix as approved for every type of setting in the fixture, with 2026-27 resource-base rates. */
export function approvedTestMatrixSpec(): MatrixVersionInput {
  const base = testMatrixSpec()
  return testMatrixSpec({
    name: 'Approved test matrix',
    rates: [
      ...base.rates,
      { financialYear: '2026-27', settingType: 'resource_base', level: 1, annualPence: 255_000 },
      { financialYear: '2026-27', settingType: 'resource_base', level: 2, annualPence: 532_000 },
    ],
    applies: [
      { settingType: 'mainstream', from: '2025-04-01' },
      { settingType: 'resource_base', from: '2025-04-01' },
      { settingType: 'special', from: '2025-04-01' },
    ],
  })
}

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import profile from './dudley-profile.json' with { type: 'json' }

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const shared = path.resolve(root, '../shared/data')

describe('Dudley profile', () => {
  // The shared data sits beside the project in development and CI; a bare checkout skips this test.
  it(
    'is exactly what scripts/extract-dudley-profile.mjs derives from the DfE files',
    { skip: !fs.existsSync(shared) && `no ${shared}` },
    () => {
      const derived = execFileSync(
        process.execPath,
        [path.join(root, 'scripts/extract-dudley-profile.mjs'), '--stdout'],
        {
          env: { ...process.env, DUDLEY_DATA_DIR: shared },
          encoding: 'utf8',
        },
      )
      assert.deepEqual(JSON.parse(derived), profile)
    },
  )

  it('holds the published January caseloads and adds up', () => {
    assert.deepEqual(profile.caseloadByJanuary, {
      2019: 1926,
      2020: 2340,
      2021: 2730,
      2022: 3035,
      2023: 3366,
      2024: 3628,
      2025: 3805,
    })
    const total = (tables: Record<string, Record<string, number>>) =>
      Object.values(tables).reduce((n, counts) => n + Object.values(counts).reduce((a, b) => a + b, 0), 0)
    for (const table of [profile.needsByAge, profile.needsBySex, profile.placementsByAge, profile.needsByPlacement]) {
      assert.equal(total(table), 3805)
    }
  })
})

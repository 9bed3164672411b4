import type { Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import { parseMatrixVersion } from './rules/consistency.ts'
import { FIXTURES } from './rules/fixtures/index.ts'
import { FundingStore } from './store.ts'

/**
 * Loads the illustrative Dudley-shaped matrix as the demo authority's approved version, unless the
 * authority has a version already. Returns the new version's id, or null when nothing was loaded.
 */
export async function loadFundingDemo(db: Kysely<DB>, laCode: string, now: Date): Promise<string | null> {
  const parsed = parseMatrixVersion(structuredClone(FIXTURES.dudley))
  // The fixture is ours: a problem in it is a bug to fix, not something to load.
  if (!parsed.ok) {
    throw new Error(
      `The demo matrix version is inconsistent: ${parsed.problems.map(p => `${p.path}: ${p.message}`).join('; ')}`,
    )
  }
  return db.transaction().execute(async trx => {
    const store = new FundingStore(trx, laCode)
    if (await store.hasVersions()) return null
    const { id } = await store.insertVersion({
      name: parsed.spec.name,
      spec: parsed.spec,
      status: 'approved',
      createdBy: null,
      now,
    })
    return id
  })
}

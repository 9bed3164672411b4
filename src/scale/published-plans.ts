import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { readPublishedFile } from '../insight/published-import.ts'

// Each authority's EHC plans at its latest January, read from the DfE release as published (the same
// reader benchmarking imports with). The England generator sizes every authority from these figures.

/** The 2025 release: January 2025 is the latest census it holds (../shared/data/SOURCES.md). */
export const DEFAULT_RELEASE = path.join(
  process.env.OPENSEND_SHARED_DATA ??
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data'),
  'education-health-and-care-plans_2025.zip',
)

export type PublishedAuthority = { laCode: string; name: string; plans: number; january: number }

/**
 * The authorities in the release's latest January, with their plans then. Authorities that stopped
 * reporting before it (Cumbria, Northamptonshire, the pre-2019 Dorset councils) are left out: their
 * successors are counted in their place.
 */
export async function publishedAuthorities(file = DEFAULT_RELEASE): Promise<PublishedAuthority[]> {
  const prepared = await readPublishedFile(file, fs.readFileSync(file))
  const latest = new Map<string, PublishedAuthority>()
  let january = 0
  for (const row of prepared.rows) {
    if (row.measure !== 'ehcp_caseload' || row.geographic_level !== 'Local authority' || row.value === null) continue
    january = Math.max(january, row.period_year)
    const seen = latest.get(row.area_code)
    if (!seen || row.period_year > seen.january) {
      latest.set(row.area_code, {
        laCode: row.area_code,
        name: row.area_name,
        plans: row.value,
        january: row.period_year,
      })
    }
  }
  return [...latest.values()].filter(a => a.january === january).sort((a, b) => a.laCode.localeCompare(b.laCode))
}

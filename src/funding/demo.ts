import type { Kysely } from 'kysely'
import { isoDateInLondon } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { parseMatrixVersion } from './rules/consistency.ts'
import { FIXTURES } from './rules/fixtures/index.ts'
import type { FundedSettingType, MatrixVersionSpec } from './rules/matrix-version.ts'
import { financialYearOf } from './rules/money.ts'
import { scoreAssessment, type Choices } from './rules/scoring.ts'
import { FundingStore } from './store.ts'

// The demo's money. Every amount here is illustrative — ours, not any authority's published rates —
// and every choice comes from a seeded generator, so the same demo is loaded on every machine.

const SEED = 332
// Rows per insert: inside PostgreSQL's 65,535 bind parameters for the award table's columns.
const BATCH = 1000
const BAND_NAMES = ['Moderate', 'Significant', 'Complex', 'Profound', 'Exceptional']
/** Illustrative band amounts per place, before the yearly uplift: £9,000 rising £4,000 a band. */
const BAND_BASE_PENCE = 900_000
const BAND_STEP_PENCE = 400_000
const LEGACY_TYPES = new Set(['post_16', 'independent', 'alternative_provision', 'early_years'])

/** mulberry32: tiny and deterministic; for synthetic data only. */
function generator(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const later = (...dates: (string | null | undefined)[]) =>
  dates.filter((d): d is string => Boolean(d)).reduce((a, b) => (b > a ? b : a))

/**
 * Loads the illustrative Dudley-shaped matrix as the demo authority's approved version, unless the
 * authority has a version already, then agreed awards, special schools' provision bands and legacy
 * amounts for the demo's pupils with EHC plans. Returns the new version's id, or null when nothing was loaded.
 */
export async function loadFundingDemo(db: Kysely<DB>, laCode: string, now: Date): Promise<string | null> {
  const parsed = parseMatrixVersion(structuredClone(FIXTURES.dudley))
  // The fixture is ours: a problem in it is a bug to fix, not something to load.
  if (!parsed.ok) {
    throw new Error(
      `The demo matrix version is inconsistent: ${parsed.problems.map(p => `${p.path}: ${p.message}`).join('; ')}`,
    )
  }
  const spec = parsed.spec
  return db.transaction().execute(async trx => {
    const store = new FundingStore(trx, laCode)
    if (await store.hasVersions()) return null
    const { id } = await store.insertVersion({ name: spec.name, spec, status: 'approved', createdBy: null, now })
    await loadDemoAwards(trx, laCode, spec, id, now)
    return id
  })
}

async function loadDemoAwards(trx: Kysely<DB>, laCode: string, spec: MatrixVersionSpec, versionId: string, now: Date) {
  const today = isoDateInLondon(now)
  const random = generator(SEED)
  const pupils = await trx
    .selectFrom('child as c')
    .innerJoin('placement as p', join => join.onRef('p.la_code', '=', 'c.la_code').onRef('p.child_id', '=', 'c.id'))
    .innerJoin('setting as s', 's.id', 'p.setting_id')
    .select([
      'c.id as childId',
      'c.ehcp_start_date as planStart',
      'p.setting_id as settingId',
      'p.start_date as placementStart',
      'p.resourced_provision as resourced',
      's.setting_type as settingType',
    ])
    .where('c.la_code', '=', laCode)
    .where('c.sen_status', '=', 'ehcp')
    .where('p.end_date', 'is', null)
    .where('p.rank', '=', 1)
    .orderBy('c.local_id')
    .execute()
  if (pupils.length === 0) return
  // Agreed by the demo's finance officer, or by nobody when the authority has none (then nothing is agreed).
  const agreer = await trx
    .selectFrom('app_user')
    .select('id')
    .where('role', 'in', ['finance_officer', 'la_admin'])
    .orderBy('role', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!agreer) return

  const years = [...new Set(spec.rates.map(r => r.financialYear))].sort()
  const rateYear = years.includes(financialYearOf(today)) ? financialYearOf(today) : years[years.length - 1]!
  const appliesFrom = new Map(spec.applies.map(a => [a.settingType, a.from]))

  // Each special school gets 3–5 provision bands, priced for every year the version has rates for.
  const specialIds = [...new Set(pupils.filter(p => p.settingType === 'special').map(p => p.settingId))].sort()
  const bands = new Map<string, { code: string; pence: Record<string, number> }[]>()
  const bandRows = specialIds.flatMap(settingId => {
    const count = 3 + Math.floor(random() * 3)
    const list = BAND_NAMES.slice(0, count).map((name, i) => {
      const code = String.fromCharCode(65 + i)
      const pence = Object.fromEntries(
        years.map((fy, y) => [fy, Math.round(((BAND_BASE_PENCE + i * BAND_STEP_PENCE) * (1 + 0.02 * y)) / 100) * 100]),
      )
      return { code, name, pence }
    })
    bands.set(settingId, list)
    return list.flatMap(b =>
      years.map(fy => ({
        la_code: laCode,
        setting_id: settingId,
        code: b.code,
        name: `${b.name} needs (illustrative)`,
        financial_year: fy,
        annual_pence_per_place: b.pence[fy]!,
      })),
    )
  })

  const awards = []
  const legacy = []
  for (const p of pupils) {
    const start = later(p.planStart, p.placementStart)
    if (LEGACY_TYPES.has(p.settingType)) {
      // Illustrative: £4,000 to £24,000 a year, in whole pounds ×10.
      const annual = (400 + Math.floor(random() * 2000)) * 1000
      legacy.push({
        la_code: laCode,
        child_id: p.childId,
        setting_id: p.settingId,
        annual_pence: annual,
        start_date: start,
        note: 'Illustrative legacy amount (demo data)',
      })
      continue
    }
    const funded: FundedSettingType =
      p.settingType === 'special' ? 'special' : p.resourced ? 'resource_base' : 'mainstream'
    // Mostly low and middle descriptors, now and then a high one; "no need" in some areas.
    const choices: Choices = Object.fromEntries(
      spec.areas.map(area => {
        const descriptors = area.descriptors ?? []
        const r = random()
        const index = r < 0.15 ? -1 : Math.min(descriptors.length - 1, Math.floor(random() ** 1.6 * descriptors.length))
        return [area.code, index < 0 ? null : descriptors[index]!.code]
      }),
    )
    const score = scoreAssessment(spec, choices)
    if (score.bespoke) continue
    const band =
      funded === 'special' ? bands.get(p.settingId)![Math.floor(random() * bands.get(p.settingId)!.length)]! : null
    const annual = band
      ? band.pence[rateYear]!
      : spec.rates.find(r => r.financialYear === rateYear && r.settingType === funded && r.level === score.level)
          ?.annualPence
    if (annual === undefined) continue
    awards.push({
      la_code: laCode,
      child_id: p.childId,
      setting_id: p.settingId,
      matrix_version_id: versionId,
      funded_setting_type: funded,
      choices: JSON.stringify(choices),
      total_points: score.total,
      level: score.level,
      status: 'agreed' as const,
      annual_pence: annual,
      band_code: band?.code ?? null,
      start_date: later(start, appliesFrom.get(funded)),
      submitted_at: now,
      submitted_by: agreer.id,
      agreed_at: now,
      agreed_by: agreer.id,
      created_at: now,
      updated_at: now,
    })
  }
  for (let i = 0; i < bandRows.length; i += BATCH) {
    await trx
      .insertInto('special_school_band')
      .values(bandRows.slice(i, i + BATCH))
      .execute()
  }
  for (let i = 0; i < awards.length; i += BATCH) {
    await trx
      .insertInto('award')
      .values(awards.slice(i, i + BATCH))
      .execute()
  }
  for (let i = 0; i < legacy.length; i += BATCH) {
    await trx
      .insertInto('legacy_funding')
      .values(legacy.slice(i, i + BATCH))
      .execute()
  }
}

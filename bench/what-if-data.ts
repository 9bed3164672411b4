// Shared by the what-if benchmarks: 700,000 synthetic current awards against the Dudley-shaped
// illustrative version, generated deterministically, and a draft of that version to run over them.
import fs from 'node:fs'
import { fixture } from '../src/funding/rules/fixtures/index.ts'
import type { FundedSettingType, MatrixVersionSpec } from '../src/funding/rules/matrix-version.ts'
import { scoreAssessment } from '../src/funding/rules/scoring.ts'
import type { AwardColumns, CompiledVersion, CurrentAward } from '../src/funding/rules/what-if.ts'

export const AWARDS = Number(process.env.BENCH_WHAT_IF_AWARDS ?? 700_000)
export const FINANCIAL_YEAR = '2025-26'
export const SCHOOLS = 20_000
export const LOCALITIES = 150

/** mulberry32: small, fast, and the same sequence on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function approvedVersion(): MatrixVersionSpec {
  return fixture('dudley')
}

/** Cognition & Learning worth a point more at every descriptor; Levels 1–3 paid 2% less, 4 and above 5% more. */
export function draftVersion(): MatrixVersionSpec {
  const draft = fixture('dudley')
  draft.name = 'Dudley-shaped draft (illustrative)'
  draft.areas[1]!.descriptors!.forEach(d => (d.points += 1))
  for (const r of draft.rates) r.annualPence = Math.round(r.annualPence * (r.level >= 4 ? 1.05 : 0.98))
  return draft
}

export function syntheticAwards(n = AWARDS, seed = 20_250_401): CurrentAward[] {
  const random = prng(seed)
  const approved = approvedVersion()
  const settingTypes: FundedSettingType[] = ['mainstream', 'mainstream', 'mainstream', 'resource_base', 'special']
  // Every distinct assessment is scored once with the real rules: 7^4 = 2,401 of them.
  const scored = new Map<string, { level: number; bespoke: boolean }>()
  const awards: CurrentAward[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const choices: Record<string, string | null> = {}
    let key = ''
    for (const area of approved.areas) {
      // Skewed towards lower needs, as real caseloads are.
      const position = Math.floor(random() ** 1.6 * 7)
      choices[area.code] = position === 0 ? null : area.descriptors![position - 1]!.code
      key += position
    }
    let score = scored.get(key)
    if (!score) {
      const s = scoreAssessment(approved, choices)
      score = { level: s.level, bespoke: s.bespoke }
      scored.set(key, score)
    }
    const settingType = settingTypes[Math.floor(random() * settingTypes.length)]!
    const school = Math.floor(random() * SCHOOLS)
    const rate = approved.rates.find(
      r => r.financialYear === FINANCIAL_YEAR && r.settingType === settingType && r.level === score.level,
    )
    awards[i] = {
      awardId: `A${i}`,
      childId: `C${i}`,
      settingId: `S${school}`,
      localityCode: `L${school % LOCALITIES}`,
      settingType,
      currentLevel: score.level,
      currentAnnualPence: rate ? rate.annualPence : 2_000_000 + Math.floor(random() * 3_000_000),
      choices,
    }
  }
  return awards
}

/** This process's peak resident set size in MB, from the kernel's high-water mark (Linux only). */
export function peakRssMb(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]
    return kb ? Math.round(Number(kb) / 1024) : null
  } catch {
    return null
  }
}

/**
 * The floor: the same arithmetic as whatIfColumns (points per area, cap, weight in hundredths, whole-point
 * total, threshold table, rate table, gains and losses per school, locality and level) written as one
 * plain loop over typed arrays, with nothing else: no unpriced awards, no per-award output, no objects.
 */
export function floorLoop(v: CompiledVersion, c: AwardColumns): { net: number; gains: Float64Array } {
  const slots = v.slotCodes.length
  const levels = v.levelNumbers.length
  const areaRaw = new Int32Array(v.areaCount)
  const school = new Float64Array(c.schools.length * 2)
  const locality = new Float64Array(c.localities.length * 2)
  const level = new Float64Array(64 * 2)
  const top = v.levelByTotal.length - 1 + v.levelOffset
  let net = 0
  for (let a = 0; a < c.count; a++) {
    areaRaw.fill(0)
    for (let s = 0; s < slots; s++) {
      const d = c.choices[a * slots + s]!
      if (d >= 0) areaRaw[v.slotArea[s]!]! += v.points[v.slotOffset[s]! + d]!
    }
    let total = 0
    for (let i = 0; i < v.areaCount; i++) {
      const raw = areaRaw[i]!
      total += (raw < v.areaCap[i]! ? raw : v.areaCap[i]!) * v.areaWeightHundredths[i]!
    }
    const whole = Math.floor(total / 100)
    const li = v.levelByTotal[(whole > top ? top : whole) - v.levelOffset]!
    const rate = v.rates[c.settingType[a]! * levels + li]!
    const current = c.currentAnnualPence[a]!
    const change = rate < 0 || v.levelBespoke[li] ? 0 : rate - current
    const field = change > 0 ? 0 : 1
    const magnitude = change > 0 ? change : -change
    school[c.school[a]! * 2 + field]! += magnitude
    locality[c.locality[a]! * 2 + field]! += magnitude
    level[c.currentLevel[a]! * 2 + field]! += magnitude
    net += change
  }
  return { net, gains: school }
}

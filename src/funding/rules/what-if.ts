import { SETTING_TYPES, type FundedSettingType, type MatrixVersionSpec } from './matrix-version.ts'
import { answerSlots, weightInHundredths, type Choices } from './scoring.ts'

// What-if: re-score every current award under a draft version and compare the draft's table amount
// with what is paid now, per school, per locality and per level — the evidence for a Schools Forum
// consultation. It must run over every plan in England (700,000) in well under a second, so the draft
// is compiled once into typed arrays and awards are held as columns of small integers; the per-award
// loop is integer arithmetic on typed arrays with no allocation. It gives the same level as
// scoreAssessment (tested).
//
// Awards the draft cannot price keep their current amount and are counted apart, never as gains or
// losses: a choice the draft does not have (or a draft area never answered) → notRescored; a setting
// type with no table rates in the draft (e.g. special schools, funded by provision bands) → notTableFunded;
// a draft level that is bespoke (a costed package, decided by panel) → toBespoke.

export type CurrentAward = {
  awardId: string
  childId: string
  settingId: string
  localityCode: string | null
  settingType: FundedSettingType
  currentLevel: number
  currentAnnualPence: number
  /** As in scoring.ts, keyed by area or domain code; matched to the draft by the same codes. */
  choices: Choices
}

export type CompiledVersion = {
  name: string
  financialYear: string
  aggregation: 'sum' | 'max'
  slotCodes: string[]
  /** Per slot, descriptor code → index into that slot's points. */
  descriptorIndex: Map<string, number>[]
  slotArea: Int32Array
  slotOffset: Int32Array
  points: Int32Array
  areaCount: number
  /** Per area, the cap on raw points, or 2^31 − 1 for none. */
  areaCap: Int32Array
  areaWeightHundredths: Int32Array
  levelNumbers: Int32Array
  levelBespoke: Uint8Array
  /** Whole-point total − levelOffset → level index; totals above the table take the top level. */
  levelByTotal: Int32Array
  levelOffset: number
  /** [settingType × levelCount + level index] → annual pence for the year, or −1 where there is no rate. */
  rates: Float64Array
}

const NO_CAP = 2 ** 31 - 1
export const NO_NEED = -1
export const NOT_SCOREABLE = -2

export function compileVersion(spec: MatrixVersionSpec, financialYear: string): CompiledVersion {
  const slots = answerSlots(spec)
  const descriptorsOf = (slot: { code: string; area: number }) => {
    const area = spec.areas[slot.area]!
    return area.domains ? area.domains.find(d => d.code === slot.code)!.descriptors : (area.descriptors ?? [])
  }
  const slotOffset = new Int32Array(slots.length)
  const allPoints: number[] = []
  const descriptorIndex = slots.map((slot, s) => {
    slotOffset[s] = allPoints.length
    const index = new Map<string, number>()
    descriptorsOf(slot).forEach((d, i) => {
      index.set(d.code, i)
      allPoints.push(d.points)
    })
    return index
  })
  const areaCap = Int32Array.from(spec.areas, a => a.cap ?? NO_CAP)
  const areaWeightHundredths = Int32Array.from(spec.areas, a => weightInHundredths(a.weight))

  // Thresholds become a lookup table over every whole-point total a pupil can reach.
  const slotMax = slots.map(slot => Math.max(0, ...descriptorsOf(slot).map(d => d.points)))
  const areaMax = spec.areas.map((a, i) => {
    const raw = slots.reduce((s, slot, k) => (slot.area === i ? s + slotMax[k]! : s), 0)
    return Math.min(raw, a.cap ?? raw) * areaWeightHundredths[i]!
  })
  const maxTotal = Math.floor(
    (spec.aggregation === 'sum' ? areaMax.reduce((s, m) => s + m, 0) : Math.max(...areaMax)) / 100,
  )
  const levelOffset = Math.min(0, spec.levels[0]!.min)
  const levelByTotal = new Int32Array(maxTotal - levelOffset + 1)
  for (let t = levelOffset, li = 0; t <= maxTotal; t++) {
    while (li + 1 < spec.levels.length && spec.levels[li + 1]!.min <= t) li++
    levelByTotal[t - levelOffset] = li
  }

  const levelIndex = new Map(spec.levels.map((l, i) => [l.level, i]))
  const rates = new Float64Array(SETTING_TYPES.length * spec.levels.length).fill(-1)
  for (const r of spec.rates) {
    if (r.financialYear !== financialYear) continue
    const li = levelIndex.get(r.level)
    if (li !== undefined) rates[SETTING_TYPES.indexOf(r.settingType) * spec.levels.length + li] = r.annualPence
  }
  return {
    name: spec.name,
    financialYear,
    aggregation: spec.aggregation,
    slotCodes: slots.map(s => s.code),
    descriptorIndex,
    slotArea: Int32Array.from(slots, s => s.area),
    slotOffset,
    points: Int32Array.from(allPoints),
    areaCount: spec.areas.length,
    areaCap,
    areaWeightHundredths,
    levelNumbers: Int32Array.from(spec.levels, l => l.level),
    levelBespoke: Uint8Array.from(spec.levels, l => (l.bespoke ? 1 : 0)),
    levelByTotal,
    levelOffset,
    rates,
  }
}

/** Awards as columns: one entry per award, choices as draft descriptor indices (award × slot). */
export type AwardColumns = {
  count: number
  choices: Int16Array
  school: Int32Array
  locality: Int32Array
  settingType: Uint8Array
  currentLevel: Int32Array
  currentAnnualPence: Float64Array
  schools: string[]
  localities: string[]
}

export function encodeAwards(draft: CompiledVersion, awards: readonly CurrentAward[]): AwardColumns {
  const n = awards.length
  const slotCount = draft.slotCodes.length
  const columns: AwardColumns = {
    count: n,
    choices: new Int16Array(n * slotCount),
    school: new Int32Array(n),
    locality: new Int32Array(n),
    settingType: new Uint8Array(n),
    currentLevel: new Int32Array(n),
    currentAnnualPence: new Float64Array(n),
    schools: [],
    localities: [],
  }
  const schoolIndex = new Map<string, number>()
  const localityIndex = new Map<string, number>()
  const indexOf = (map: Map<string, number>, list: string[], key: string) => {
    let i = map.get(key)
    if (i === undefined) {
      i = list.length
      map.set(key, i)
      list.push(key)
    }
    return i
  }
  const settingTypeIndex = new Map(SETTING_TYPES.map((t, i) => [t, i]))
  for (let a = 0; a < n; a++) {
    const award = awards[a]!
    for (let s = 0; s < slotCount; s++) {
      const code = award.choices[draft.slotCodes[s]!]
      columns.choices[a * slotCount + s] =
        code === null
          ? NO_NEED
          : code === undefined
            ? NOT_SCOREABLE
            : (draft.descriptorIndex[s]!.get(code) ?? NOT_SCOREABLE)
    }
    columns.school[a] = indexOf(schoolIndex, columns.schools, award.settingId)
    columns.locality[a] = indexOf(localityIndex, columns.localities, award.localityCode ?? '')
    columns.settingType[a] = settingTypeIndex.get(award.settingType)!
    columns.currentLevel[a] = award.currentLevel
    columns.currentAnnualPence[a] = award.currentAnnualPence
  }
  return columns
}

export type GroupChange = {
  key: string
  awards: number
  gaining: number
  losing: number
  unchanged: number
  /** Awards the draft cannot price (see the top of this file); they keep their current amount. */
  notPriced: number
  gainsPence: number
  lossesPence: number
  netPence: number
  currentPence: number
  draftPence: number
}

export type WhatIfResult = {
  version: string
  financialYear: string
  overall: GroupChange
  notRescored: number
  notTableFunded: number
  toBespoke: number
  bySchool: GroupChange[]
  byLocality: GroupChange[]
  /** By the level each award has now. */
  byLevel: GroupChange[]
  /** How many awards move from each current level to each draft level (priced or not). */
  levelMoves: { from: number; to: number; awards: number }[]
  /** Per award, aligned with the input: the draft level (−1 when not rescored) and draft annual pence. */
  draftLevel: Int32Array
  draftAnnualPence: Float64Array
}

// Group tallies live in one Float64Array per grouping: FIELDS numbers per group.
const FIELDS = 9
const [AWARDS, GAINING, LOSING, UNCHANGED, NOT_PRICED, GAINS, LOSSES, CURRENT, DRAFT] = [0, 1, 2, 3, 4, 5, 6, 7, 8]

export function whatIfColumns(draft: CompiledVersion, awards: AwardColumns): WhatIfResult {
  const n = awards.count
  const slotCount = draft.slotCodes.length
  const levelCount = draft.levelNumbers.length
  const { choices, school, locality, settingType, currentLevel, currentAnnualPence } = awards
  const {
    slotArea,
    slotOffset,
    points,
    areaCap,
    areaWeightHundredths,
    levelByTotal,
    levelOffset,
    levelBespoke,
    rates,
  } = draft
  const areaCount = draft.areaCount
  const sum = draft.aggregation === 'sum'
  const topTotal = levelByTotal.length - 1 + levelOffset

  // Current levels are grouped through a small index of their own.
  const currentLevels = [...new Set(currentLevel)].sort((a, b) => a - b)
  const currentLevelIndex = new Int32Array((currentLevels.at(-1) ?? 0) + 1)
  currentLevels.forEach((l, i) => (currentLevelIndex[l] = i))
  const bySchool = new Float64Array(awards.schools.length * FIELDS)
  const byLocality = new Float64Array(awards.localities.length * FIELDS)
  const byLevel = new Float64Array(currentLevels.length * FIELDS)
  const overall = new Float64Array(FIELDS)
  const moves = new Int32Array(currentLevels.length * levelCount)
  const draftLevel = new Int32Array(n)
  const draftAnnualPence = new Float64Array(n)
  const areaRaw = new Int32Array(areaCount)
  let notRescored = 0
  let notTableFunded = 0
  let toBespoke = 0

  const tally = (table: Float64Array, group: number, outcome: number, current: number, next: number) => {
    const base = group * FIELDS
    table[base + AWARDS]!++
    table[base + outcome]!++
    table[base + CURRENT]! += current
    table[base + DRAFT]! += next
    if (next > current) table[base + GAINS]! += next - current
    else if (next < current) table[base + LOSSES]! += current - next
  }

  for (let a = 0; a < n; a++) {
    const current = currentAnnualPence[a]!
    const levelGroup = currentLevelIndex[currentLevel[a]!]!
    areaRaw.fill(0)
    let scoreable = true
    const base = a * slotCount
    for (let s = 0; s < slotCount; s++) {
      const d = choices[base + s]!
      if (d >= 0) areaRaw[slotArea[s]!]! += points[slotOffset[s]! + d]!
      else if (d === NOT_SCOREABLE) scoreable = false
    }
    let next = current
    let outcome = NOT_PRICED
    if (!scoreable) {
      notRescored++
      draftLevel[a] = -1
    } else {
      let totalHundredths = 0
      for (let i = 0; i < areaCount; i++) {
        const raw = areaRaw[i]!
        const weighted = (raw < areaCap[i]! ? raw : areaCap[i]!) * areaWeightHundredths[i]!
        if (sum) totalHundredths += weighted
        else if (weighted > totalHundredths) totalHundredths = weighted
      }
      const total = Math.floor(totalHundredths / 100)
      const li = levelByTotal[(total > topTotal ? topTotal : total < levelOffset ? levelOffset : total) - levelOffset]!
      draftLevel[a] = draft.levelNumbers[li]!
      moves[levelGroup * levelCount + li]!++
      const rate = rates[settingType[a]! * levelCount + li]!
      if (levelBespoke[li]) toBespoke++
      else if (rate < 0) notTableFunded++
      else {
        next = rate
        outcome = next > current ? GAINING : next < current ? LOSING : UNCHANGED
      }
    }
    draftAnnualPence[a] = next
    tally(overall, 0, outcome, current, next)
    tally(bySchool, school[a]!, outcome, current, next)
    tally(byLocality, locality[a]!, outcome, current, next)
    tally(byLevel, levelGroup, outcome, current, next)
  }

  const levelMoves: WhatIfResult['levelMoves'] = []
  currentLevels.forEach((from, g) => {
    for (let li = 0; li < levelCount; li++) {
      const count = moves[g * levelCount + li]!
      if (count) levelMoves.push({ from, to: draft.levelNumbers[li]!, awards: count })
    }
  })
  return {
    version: draft.name,
    financialYear: draft.financialYear,
    overall: groupsOf(overall, ['all'])[0]!,
    notRescored,
    notTableFunded,
    toBespoke,
    bySchool: groupsOf(bySchool, awards.schools),
    byLocality: groupsOf(byLocality, awards.localities),
    byLevel: groupsOf(byLevel, currentLevels.map(String)),
    levelMoves,
    draftLevel,
    draftAnnualPence,
  }
}

function groupsOf(table: Float64Array, keys: readonly string[]): GroupChange[] {
  return keys.map((key, g) => {
    const at = (field: number) => table[g * FIELDS + field]!
    return {
      key,
      awards: at(AWARDS),
      gaining: at(GAINING),
      losing: at(LOSING),
      unchanged: at(UNCHANGED),
      notPriced: at(NOT_PRICED),
      gainsPence: at(GAINS),
      lossesPence: at(LOSSES),
      netPence: at(DRAFT) - at(CURRENT),
      currentPence: at(CURRENT),
      draftPence: at(DRAFT),
    }
  })
}

/** The whole what-if from award records: compile the draft, encode the awards, run. */
export function whatIf(draft: MatrixVersionSpec, financialYear: string, awards: readonly CurrentAward[]): WhatIfResult {
  const compiled = compileVersion(draft, financialYear)
  return whatIfColumns(compiled, encodeAwards(compiled, awards))
}

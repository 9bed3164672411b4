import type { Problem } from './consistency.ts'
import type { MatrixVersionSpec } from './matrix-version.ts'

/**
 * An assessment: for every area (or, where an area is split, every domain) the code of the chosen
 * descriptor, keyed by that area's or domain's code. `null` is an explicit "no need" (0 points);
 * a missing key means the question was not answered, and such a matrix cannot be submitted.
 */
export type Choices = Readonly<Record<string, string | null | undefined>>

export type Chosen = { code: string; name: string; descriptor: string | null; points: number }

export type AreaScore = {
  code: string
  name: string
  /** Points of the chosen descriptors, summed over the area's domains. */
  points: number
  cap: number | null
  /** min(points, cap): the cap applies to the area's raw points, before weighting. */
  capped: number
  weight: number
  /** capped × weight. */
  weighted: number
  chosen: Chosen[]
}

export type LevelRow = MatrixVersionSpec['levels'][number]

export type Score = {
  areas: AreaScore[]
  /** Sum (or max) of the weighted area points; may have hundredths when a weight does. */
  total: number
  /** The total rounded down to a whole point: what the thresholds are compared with. */
  comparedTotal: number
  level: number
  levelRow: LevelRow
  bespoke: boolean
}

/** One slot per area with descriptors, or per domain: the questions an assessor answers. */
export function answerSlots(spec: MatrixVersionSpec): { code: string; name: string; area: number }[] {
  return spec.areas.flatMap((area, a) =>
    area.domains
      ? area.domains.map(d => ({ code: d.code, name: d.name, area: a }))
      : [{ code: area.code, name: area.name, area: a }],
  )
}

/** Areas and domains not answered: a matrix with any of these cannot be submitted. */
export function missingAreas(spec: MatrixVersionSpec, choices: Choices): string[] {
  return answerSlots(spec)
    .filter(slot => choices[slot.code] === undefined)
    .map(slot => slot.code)
}

/** Everything wrong with an assessment against a version: unanswered slots, unknown codes. */
export function checkChoices(spec: MatrixVersionSpec, choices: Choices): Problem[] {
  const problems: Problem[] = []
  const slots = answerSlots(spec)
  const slotCodes = new Set(slots.map(s => s.code))
  for (const slot of slots) {
    const chosen = choices[slot.code]
    if (chosen === undefined)
      problems.push({ path: slot.code, message: `Choose a descriptor for ${slot.name}, or no need` })
    else if (chosen !== null && !descriptorsOf(spec, slot.code).some(d => d.code === chosen)) {
      problems.push({ path: slot.code, message: `${chosen} is not a descriptor of ${slot.name} in ${spec.name}` })
    }
  }
  for (const key of Object.keys(choices)) {
    if (!slotCodes.has(key)) problems.push({ path: key, message: `${key} is not an area or domain of ${spec.name}` })
  }
  return problems
}

function descriptorsOf(spec: MatrixVersionSpec, slotCode: string) {
  for (const area of spec.areas) {
    if (area.code === slotCode && area.descriptors) return area.descriptors
    const domain = area.domains?.find(d => d.code === slotCode)
    if (domain) return domain.descriptors
  }
  return []
}

/**
 * Scores a complete or partial assessment (an unanswered slot counts as no need; use missingAreas
 * before submission). Caps come before weights: Islington's "C&L domains capped at 16" caps the raw
 * points of the C&L domains, which are then weighted ×4. Arithmetic is in hundredths of a point
 * (weights are multiples of 0.01), so no floating-point error can move a total across a threshold.
 */
export function scoreAssessment(spec: MatrixVersionSpec, choices: Choices): Score {
  const areas = spec.areas.map((area): AreaScore => {
    const slots = area.domains
      ? area.domains.map(d => ({ code: d.code, name: d.name, descriptors: d.descriptors }))
      : [{ code: area.code, name: area.name, descriptors: area.descriptors ?? [] }]
    const chosen = slots.map((slot): Chosen => {
      const code = choices[slot.code] ?? null
      if (code === null) return { code: slot.code, name: slot.name, descriptor: null, points: 0 }
      const descriptor = slot.descriptors.find(d => d.code === code)
      if (!descriptor) throw new RangeError(`${code} is not a descriptor of ${slot.name} in ${spec.name}`)
      return { code: slot.code, name: slot.name, descriptor: code, points: descriptor.points }
    })
    const points = chosen.reduce((s, c) => s + c.points, 0)
    const cap = area.cap ?? null
    const capped = cap === null ? points : Math.min(points, cap)
    const weightedHundredths = capped * weightInHundredths(area.weight)
    return {
      code: area.code,
      name: area.name,
      points,
      cap,
      capped,
      weight: area.weight,
      weighted: weightedHundredths / 100,
      chosen,
    }
  })
  const hundredths = areas.map(a => Math.round(a.weighted * 100))
  const totalHundredths = spec.aggregation === 'sum' ? hundredths.reduce((s, h) => s + h, 0) : Math.max(...hundredths)
  const comparedTotal = Math.floor(totalHundredths / 100)
  const levelRow = levelFor(spec, comparedTotal)
  return {
    areas,
    total: totalHundredths / 100,
    comparedTotal,
    level: levelRow.level,
    levelRow,
    bespoke: levelRow.bespoke,
  }
}

export function weightInHundredths(weight: number): number {
  return Math.round(weight * 100)
}

/** The highest level whose lower bound the (whole-point) total reaches. */
export function levelFor(spec: MatrixVersionSpec, comparedTotal: number): LevelRow {
  let found: LevelRow | undefined
  for (const level of spec.levels) if (level.min <= comparedTotal) found = level
  if (!found) throw new RangeError(`No level of ${spec.name} contains a total of ${comparedTotal}`)
  return found
}

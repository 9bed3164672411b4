import { matrixVersionSpec, type MatrixVersionSpec } from './matrix-version.ts'

// A version is checked as a whole and every problem is named, so an author fixes them all at once
// rather than one per submission.
//
// How totals meet thresholds (the rule every scheme is written against):
// - Weights are multiples of 0.01, so scoring works in whole hundredths of a point and never meets
//   floating-point error.
// - A total is compared with the thresholds after rounding DOWN to a whole point: 12.5 counts as 12.
//   Level bounds are therefore whole numbers and must tile them: each level's min is the previous
//   level's max + 1, so every total falls in exactly one level.
// - The lowest level's min must be at or below the lowest possible total; the top level's max is null.
//
// Rates: for every financial year and setting type that appear in the rates, every scored level
// has exactly one rate and a bespoke level has none. A setting type in `applies` with no rates at all
// (Dudley's special schools, funded by provision bands) is allowed.

export type Problem = { path: string; message: string }

export function checkMatrixVersion(spec: MatrixVersionSpec): Problem[] {
  const problems: Problem[] = []
  const add = (path: string, message: string) => problems.push({ path, message })

  const codesSeen = new Map<string, string>()
  const claimCode = (code: string, path: string) => {
    const earlier = codesSeen.get(code)
    if (earlier) add(`${path}.code`, `The code ${code} is already used at ${earlier}`)
    else codesSeen.set(code, path)
  }

  spec.areas.forEach((area, a) => {
    const at = `areas[${a}]`
    claimCode(area.code, at)
    if (!isHundredths(area.weight)) add(`${at}.weight`, `Weight ${area.weight} must be a multiple of 0.01`)
    const hasDescriptors = area.descriptors !== undefined
    const hasDomains = area.domains !== undefined
    if (hasDescriptors === hasDomains) {
      add(
        `${at}.descriptors`,
        `${area.name} must have either descriptors or domains, not ${hasDomains ? 'both' : 'neither'}`,
      )
    }
    if (hasDomains && area.domains!.length === 0) add(`${at}.domains`, `${area.name} has no domains`)
    const checkDescriptors = (descriptors: { code: string; points: number }[], path: string, name: string) => {
      if (descriptors.length === 0) add(path, `${name} has no descriptors`)
      const descriptorCodes = new Set<string>()
      descriptors.forEach((d, i) => {
        if (descriptorCodes.has(d.code))
          add(`${path}[${i}].code`, `The descriptor code ${d.code} is repeated in ${name}`)
        descriptorCodes.add(d.code)
        if (d.points < 0) add(`${path}[${i}].points`, `Descriptor ${d.code} has negative points (${d.points})`)
      })
      for (let i = 1; i < descriptors.length; i++) {
        if (descriptors[i]!.points <= descriptors[i - 1]!.points) {
          add(
            path,
            `Descriptors in ${name} must be in ascending order of points (${descriptors[i]!.code} is not above ${descriptors[i - 1]!.code})`,
          )
          break
        }
      }
    }
    if (area.descriptors) checkDescriptors(area.descriptors, `${at}.descriptors`, area.name)
    area.domains?.forEach((domain, d) => {
      claimCode(domain.code, `${at}.domains[${d}]`)
      checkDescriptors(domain.descriptors, `${at}.domains[${d}].descriptors`, domain.name)
    })
  })

  checkLevels(spec, add)
  checkRates(spec, add)

  const appliesSeen = new Set<string>()
  spec.applies.forEach((a, i) => {
    if (appliesSeen.has(a.settingType))
      add(`applies[${i}].settingType`, `Setting type ${a.settingType} is listed twice`)
    appliesSeen.add(a.settingType)
  })
  return problems
}

function checkLevels(spec: MatrixVersionSpec, add: (path: string, message: string) => void) {
  const { levels } = spec
  const numbers = new Set<number>()
  levels.forEach((l, i) => {
    const at = `levels[${i}]`
    if (numbers.has(l.level)) add(`${at}.level`, `Level ${l.level} is listed twice`)
    numbers.add(l.level)
    if (i > 0 && l.level <= levels[i - 1]!.level)
      add(`${at}.level`, `Levels must be listed in ascending order (${l.level} follows ${levels[i - 1]!.level})`)
    if (!Number.isInteger(l.min)) add(`${at}.min`, `Level ${l.level}'s lower bound ${l.min} must be a whole number`)
    if (l.max !== null && !Number.isInteger(l.max))
      add(`${at}.max`, `Level ${l.level}'s upper bound ${l.max} must be a whole number`)
    if (l.max !== null && l.max < l.min)
      add(`${at}.max`, `Level ${l.level}'s upper bound ${l.max} is below its lower bound ${l.min}`)
    if (i === levels.length - 1 && l.max !== null)
      add(`${at}.max`, `The top level (${l.level}) must have no upper bound (max null)`)
    if (i < levels.length - 1 && l.max === null)
      add(`${at}.max`, `Only the top level may have no upper bound; level ${l.level} is not the top`)
    if (i > 0) {
      const prev = levels[i - 1]!
      if (prev.max !== null) {
        if (l.min > prev.max + 1)
          add(`${at}.min`, `Gap between level ${prev.level} (up to ${prev.max}) and level ${l.level} (from ${l.min})`)
        else if (l.min < prev.max + 1)
          add(`${at}.min`, `Level ${l.level} (from ${l.min}) overlaps level ${prev.level} (up to ${prev.max})`)
      }
    }
    if (l.bespoke && i !== levels.length - 1)
      add(`${at}.bespoke`, `Only the top level may be bespoke; level ${l.level} is not the top`)
  })
  const bespoke = levels.filter(l => l.bespoke)
  if (bespoke.length > 1) add('levels', `At most one level may be bespoke; ${bespoke.map(l => l.level).join(', ')} are`)
  const lowest = lowestPossibleTotal(spec)
  if (levels[0] && levels[0].min > lowest)
    add('levels[0].min', `The lowest level starts at ${levels[0].min}, but a total can be as low as ${lowest}`)
}

function checkRates(spec: MatrixVersionSpec, add: (path: string, message: string) => void) {
  const levelByNumber = new Map(spec.levels.map(l => [l.level, l]))
  const applies = new Set(spec.applies.map(a => a.settingType))
  const years = [...new Set(spec.rates.map(r => r.financialYear))].sort()
  const settingTypes = [...new Set(spec.rates.map(r => r.settingType))]
  const seen = new Map<string, number>()
  spec.rates.forEach((r, i) => {
    const at = `rates[${i}]`
    const level = levelByNumber.get(r.level)
    if (!level) add(`${at}.level`, `Rate for level ${r.level}, which is not one of the levels`)
    else if (level.bespoke)
      add(`${at}.level`, `Level ${r.level} is bespoke (a costed package) and must have no table amount`)
    if (!applies.has(r.settingType)) add(`${at}.settingType`, `Rate for ${r.settingType}, which is not in applies`)
    if (!isFinancialYear(r.financialYear))
      add(`${at}.financialYear`, `${r.financialYear} is not a financial year such as 2024-25`)
    const key = `${r.financialYear}|${r.settingType}|${r.level}`
    const earlier = seen.get(key)
    if (earlier !== undefined)
      add(at, `Second rate for level ${r.level}, ${r.settingType}, ${r.financialYear} (first at rates[${earlier}])`)
    else seen.set(key, i)
  })
  for (const year of years) {
    for (const settingType of settingTypes) {
      for (const [i, level] of spec.levels.entries()) {
        if (level.bespoke) continue
        if (!seen.has(`${year}|${settingType}|${level.level}`)) {
          add(`levels[${i}]`, `Level ${level.level} has no rate for ${settingType} in ${year}`)
        }
      }
    }
  }
}

/** With every area at its lowest descriptor (or no need, worth 0). */
function lowestPossibleTotal(spec: MatrixVersionSpec): number {
  const lowest = (ds: { points: number }[] | undefined) => Math.min(0, ...(ds ?? []).map(d => d.points))
  const perArea = spec.areas.map(area => {
    const raw = area.domains ? area.domains.reduce((s, d) => s + lowest(d.descriptors), 0) : lowest(area.descriptors)
    return Math.floor(raw * area.weight)
  })
  return spec.aggregation === 'sum' ? perArea.reduce((s, p) => s + p, 0) : Math.max(...perArea)
}

function isHundredths(n: number): boolean {
  return Math.abs(n * 100 - Math.round(n * 100)) < 1e-9
}

function isFinancialYear(fy: string): boolean {
  const start = Number(fy.slice(0, 4))
  return (start + 1) % 100 === Number(fy.slice(5, 7))
}

export type ParsedMatrixVersion = { ok: true; spec: MatrixVersionSpec } | { ok: false; problems: Problem[] }

/** The shape (zod) first; if the shape holds, every consistency rule. */
export function parseMatrixVersion(json: unknown): ParsedMatrixVersion {
  const parsed = matrixVersionSpec.safeParse(json)
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(issue => ({ path: formatPath(issue.path), message: issue.message })),
    }
  }
  const problems = checkMatrixVersion(parsed.data)
  return problems.length ? { ok: false, problems } : { ok: true, spec: parsed.data }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, key) => (typeof key === 'number' ? `${s}[${key}]` : s ? `${s}.${String(key)}` : String(key)),
    '',
  )
}

import { isIsoDate } from '../../platform/time/dates.ts'
import type { NeedCode } from '../rules/needs.ts'
import { upnCheckLetter } from '../rules/upn.ts'
import type { Governance, Phase, Role, SenStatus, SettingType, Sex } from '../tables.ts'
import profile from './dudley-profile.json' with { type: 'json' }
import { NAME_GROUPS, SCHOOL_NAME_ENDINGS, SCHOOL_NAME_STARTS, SENCOS, STAFF } from './names.ts'

// A synthetic local authority shaped on Dudley's published figures (see dudley-profile.json):
// pure functions of the options, so the same options always give the same rows.

export type DemoSpec = {
  laCode: string
  asAt: string
  scale: number
  seed: number
  /** Counts to make instead of Dudley's at `scale` (the England generator sizes each authority from its own figures). */
  ehcp?: number
  senSupport?: number
  /** Localities instead of Dudley's townships. */
  localities?: readonly { code: string; name: string }[]
}

export type DemoLocality = { la_code: string; code: string; name: string }
export type DemoSetting = {
  id: string
  la_code: string
  urn: string
  name: string
  setting_type: SettingType
  phase: Phase
  governance: Governance
  locality_code: string | null
  out_of_area: boolean
  resource_base_places: number | null
}
export type DemoChild = {
  la_code: string
  id: string
  local_id: string
  upn: string | null
  first_name: string
  last_name: string
  date_of_birth: string
  sex: Sex
  sen_status: SenStatus
  ehcp_start_date: string | null
}
export type DemoNeed = { la_code: string; child_id: string; rank: number; need_code: NeedCode }
export type DemoPlacement = {
  la_code: string
  id: string
  child_id: string
  setting_id: string
  start_date: string
  end_date: string | null
  rank: number
  resourced_provision: boolean
}
export type DemoUser = { id: string; username: string; display_name: string; role: Role; setting_id: string | null }
export type DemoAuthority = {
  localities: DemoLocality[]
  settings: DemoSetting[]
  children: DemoChild[]
  needs: DemoNeed[]
  placements: DemoPlacement[]
  users: DemoUser[]
}

/** Pupils on SEN support at scale 1: Dudley has about 10,000 (no LA figure is held in ../shared/data). */
export const SEN_SUPPORT_AT_SCALE_1 = 10_000

// Dudley's five townships. The place names are real; every setting and person in them is made up.
export const LOCALITIES = [
  { code: 'BH', name: 'Brierley Hill' },
  { code: 'DY', name: 'Dudley' },
  { code: 'HO', name: 'Halesowen' },
  { code: 'ND', name: 'North Dudley (Sedgley, Coseley, Gornal)' },
  { code: 'SB', name: 'Stourbridge' },
] as const

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny, fast 32-bit generator; plenty for synthetic data, useless for secrets. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0')

class Random {
  private readonly next: () => number

  constructor(seed: number) {
    this.next = mulberry32(seed)
  }

  /** In [0, 1). */
  float(): number {
    return this.next() / 4294967296
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.float() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1))
      ;[items[i], items[j]] = [items[j]!, items[i]!]
    }
    return items
  }

  /** A draw from fixed weights, with the cumulative table built once. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): () => T {
    const cumulative: number[] = []
    let total = 0
    for (const item of items) cumulative.push((total += weight(item)))
    if (!(total > 0)) throw new RangeError('A weighted draw needs a positive total weight')
    return () => {
      const x = this.float() * total
      let lo = 0
      let hi = cumulative.length - 1
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (cumulative[mid]! > x) hi = mid
        else lo = mid + 1
      }
      return items[lo]!
    }
  }

  sampler<K extends string>(weights: Partial<Record<K, number>>): () => K {
    return this.weighted(Object.keys(weights) as K[], key => weights[key] ?? 0)
  }

  /** A version-4-shaped UUID from this generator, so ids repeat with the seed (randomUUID would not). */
  uuid(): string {
    const a = hex8(this.next())
    const b = hex8(this.next())
    const c = hex8(this.next())
    const d = hex8(this.next())
    const variant = ((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16)
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`
  }
}

// ---------------------------------------------------------------------------------------------
// Dates as day numbers (days since 1970-01-01, UTC), which keeps the arithmetic cheap

const DAY_MS = 86_400_000
const dayOf = (year: number, month: number, date: number) => Date.UTC(year, month - 1, date) / DAY_MS
const toDay = (iso: string) => dayOf(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)))
const toIso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)
/** 0 is Sunday; day 0 was a Thursday. */
const weekday = (day: number) => (day + 4) % 7
const yearOf = (day: number) => new Date(day * DAY_MS).getUTCFullYear()
/** The calendar year in which the academic year holding `day` began. */
const academicYearOf = (day: number) => {
  const year = yearOf(day)
  return day >= dayOf(year, 9, 1) ? year : year - 1
}

/** The first day of the autumn term: the first weekday on or after 3 September. */
function autumnStart(year: number): number {
  let day = dayOf(year, 9, 3)
  while (weekday(day) === 0 || weekday(day) === 6) day++
  return day
}

/** The last day of the summer term: the last weekday on or before 22 July. */
function summerEnd(year: number): number {
  let day = dayOf(year, 7, 22)
  while (weekday(day) === 0 || weekday(day) === 6) day--
  return day
}

/** Weekend days move back to the Friday: offices do not issue plans at weekends. */
const onWeekday = (day: number) => day - (weekday(day) === 6 ? 1 : weekday(day) === 0 ? 2 : 0)

// ---------------------------------------------------------------------------------------------
// The caseload over time

/** The census in January, taken as the 15th. */
const januaryOf = (year: number) => dayOf(year, 1, 15)
const SERIES = Object.entries(profile.caseloadByJanuary)
  .map(([year, plans]) => ({ day: januaryOf(Number(year)), plans }))
  .sort((a, b) => a.day - b.day)

/**
 * Dudley's EHC plans on a date: the published January figures joined by straight lines and
 * continued at the mean yearly rise of the last three years (DfE's January 2026 figure, 4,151,
 * came out after these files; this gives about 4,060 for then).
 */
export function ehcpCaseloadAt(asAt: string): number {
  const day = toDay(asAt)
  const first = SERIES[0]!
  const last = SERIES.at(-1)!
  const back = SERIES[Math.max(0, SERIES.length - 4)]!
  const perDayAfter = (last.plans - back.plans) / (last.day - back.day)
  if (day >= last.day) return last.plans + (day - last.day) * perDayAfter
  if (day <= first.day) {
    const second = SERIES[1]!
    return Math.max(0, first.plans - ((first.day - day) * (second.plans - first.plans)) / (second.day - first.day))
  }
  const i = SERIES.findIndex(point => point.day > day)
  const [a, b] = [SERIES[i - 1]!, SERIES[i]!]
  return a.plans + ((day - a.day) * (b.plans - a.plans)) / (b.day - a.day)
}

/** EHC plans replaced statements from 1 September 2014, so no plan in the demo starts earlier. */
const FIRST_PLAN_DAY = dayOf(2014, 9, 1)

/**
 * Start dates for `count` plans, so that the plans already started at each January follow the
 * caseload curve. The demo holds only current plans (none ceased), so the curve is met by plans
 * that are still open: their durations run longer than real ones, but a trend drawn from the
 * demo shows Dudley's growth.
 */
function planStartDays(rng: Random, count: number, asAt: string): number[] {
  const end = toDay(asAt)
  const start = Math.min(FIRST_PLAN_DAY, end - 365)
  const atEnd = ehcpCaseloadAt(asAt)
  const knots = [{ day: start, share: 0 }]
  for (const point of SERIES) {
    if (point.day > start && point.day < end) knots.push({ day: point.day, share: Math.min(1, point.plans / atEnd) })
  }
  knots.push({ day: end, share: 1 })
  const days: number[] = []
  for (let k = 0; k < count; k++) {
    // Stratified: one draw in each 1/count slice, so the curve is met closely even for small counts.
    const u = (k + rng.float()) / count
    const i = knots.findIndex((knot, j) => j > 0 && knot.share >= u)
    const [a, b] = [knots[i - 1]!, knots[i]!]
    const t = b.share > a.share ? (u - a.share) / (b.share - a.share) : 0
    days.push(Math.min(end, Math.round(a.day + t * (b.day - a.day))))
  }
  return days
}

// ---------------------------------------------------------------------------------------------
// Settings

/** NC years each phase teaches. Special schools are 'all_through' (2 to 19); FE colleges teach to 25. */
const PHASE_YEARS: Record<Phase, readonly [number, number]> = {
  early_years: [-3, -1],
  primary: [-1, 6],
  secondary: [7, 14],
  all_through: [-2, 14],
  post_16: [12, 20],
}

export function phaseFits(phase: Phase, ncYear: number): boolean {
  const [from, to] = PHASE_YEARS[phase]
  return ncYear >= from && ncYear <= to
}

/** The NC year a phase's pupils normally join in. */
const PHASE_ENTRY: Record<Phase, number> = { early_years: -3, primary: 0, secondary: 7, all_through: 0, post_16: 12 }

type SettingPlan = {
  count: number
  setting_type: SettingType
  phase: Phase
  governance: Governance
  suffix: readonly string[]
  roll: readonly [number, number]
  /** DfE establishment numbers start here; settings without one issue no UPNs. */
  establishment?: number
  outOfArea?: boolean
  resourceBases?: { count: number; places: readonly [number, number] }
}

// About 100 settings in Dudley's proportions. Rolls only weight where pupils are placed.
const SETTING_PLANS: readonly SettingPlan[] = [
  {
    count: 40,
    setting_type: 'mainstream',
    phase: 'primary',
    governance: 'la_maintained',
    suffix: ['Primary School', 'Primary School', 'CofE Primary School'],
    roll: [180, 630],
    establishment: 2000,
    resourceBases: { count: 5, places: [10, 16] },
  },
  {
    count: 30,
    setting_type: 'mainstream',
    phase: 'primary',
    governance: 'academy',
    suffix: ['Primary Academy', 'Primary School', 'Academy'],
    roll: [200, 630],
    establishment: 2500,
    resourceBases: { count: 3, places: [10, 16] },
  },
  {
    count: 2,
    setting_type: 'mainstream',
    phase: 'secondary',
    governance: 'la_maintained',
    suffix: ['High School', 'School'],
    roll: [700, 1300],
    establishment: 4000,
  },
  {
    count: 12,
    setting_type: 'mainstream',
    phase: 'secondary',
    governance: 'academy',
    suffix: ['Academy', 'School', 'High School'],
    roll: [800, 1600],
    establishment: 4500,
    resourceBases: { count: 2, places: [12, 20] },
  },
  ...(
    [
      ['primary', 'la_maintained', 7000],
      ['primary', 'academy', 7100],
      ['secondary', 'la_maintained', 7010],
      ['secondary', 'academy', 7110],
      ['all_through', 'la_maintained', 7020],
      ['all_through', 'academy', 7120],
    ] as const
  ).map(([phase, governance, establishment]) => ({
    count: 1,
    setting_type: 'special' as const,
    phase,
    governance,
    suffix: ['School'],
    roll: [120, 260] as const,
    establishment,
  })),
  {
    count: 1,
    setting_type: 'alternative_provision',
    phase: 'secondary',
    governance: 'la_maintained',
    suffix: ['Centre'],
    roll: [40, 80],
    establishment: 1100,
  },
  {
    count: 1,
    setting_type: 'alternative_provision',
    phase: 'all_through',
    governance: 'academy',
    suffix: ['Academy'],
    roll: [30, 60],
    establishment: 1110,
  },
  {
    count: 2,
    setting_type: 'post_16',
    phase: 'post_16',
    governance: 'further_education',
    suffix: ['College'],
    roll: [2500, 4000],
  },
  {
    count: 1,
    setting_type: 'post_16',
    phase: 'post_16',
    governance: 'further_education',
    suffix: ['Sixth Form College'],
    roll: [900, 1400],
  },
  {
    count: 1,
    setting_type: 'early_years',
    phase: 'early_years',
    governance: 'la_maintained',
    suffix: ['Nursery School'],
    roll: [60, 100],
    establishment: 1000,
  },
  {
    count: 4,
    setting_type: 'early_years',
    phase: 'early_years',
    governance: 'private_voluntary',
    suffix: ['Day Nursery', 'Pre-school'],
    roll: [30, 70],
  },
  {
    count: 4,
    setting_type: 'independent',
    phase: 'all_through',
    governance: 'independent',
    suffix: ['House School', 'Hall School'],
    roll: [40, 90],
    outOfArea: true,
  },
  {
    count: 1,
    setting_type: 'post_16',
    phase: 'post_16',
    governance: 'independent',
    suffix: ['Specialist College'],
    roll: [40, 80],
    outOfArea: true,
  },
]

type Setting = DemoSetting & { weight: number; establishment: number | null; resourcedLeft: number }

function buildSettings(
  rng: Random,
  ids: Random,
  laCode: string,
  scale: number,
  localities: readonly { code: string }[],
): Setting[] {
  // Joins that double a letter ('Quill' + 'ley') read badly, so they are left out.
  const stems = rng.shuffle(
    SCHOOL_NAME_STARTS.flatMap(start =>
      SCHOOL_NAME_ENDINGS.filter(end => start.at(-1) !== end[0]).map(end => `${start}${end}`),
    ),
  )
  const settings: Setting[] = []
  let urn = 740_000
  for (const plan of SETTING_PLANS) {
    const withBases = new Set(rng.shuffle([...Array(plan.count).keys()]).slice(0, plan.resourceBases?.count ?? 0))
    for (let i = 0; i < plan.count; i++) {
      const [low, high] = plan.resourceBases?.places ?? [0, 0]
      // Places grow with scale above 1 so that a larger demo can still fill its resource bases.
      const places = withBases.has(i) ? rng.int(low, high) * Math.max(1, Math.ceil(scale)) : null
      urn += rng.int(3, 40)
      settings.push({
        id: ids.uuid(),
        la_code: laCode,
        urn: String(urn),
        name: `${stems[settings.length]!} ${rng.pick(plan.suffix)}`,
        setting_type: plan.setting_type,
        phase: plan.phase,
        governance: plan.governance,
        locality_code: null,
        out_of_area: plan.outOfArea ?? false,
        resource_base_places: places,
        // Some schools draw more pupils with SEN than their size alone suggests.
        weight: rng.int(plan.roll[0], plan.roll[1]) * (0.6 + rng.float()),
        establishment: plan.establishment === undefined ? null : plan.establishment + i * 3 + rng.int(0, 2),
        resourcedLeft: places ?? 0,
      })
    }
  }
  const inArea = rng.shuffle(settings.filter(s => !s.out_of_area))
  inArea.forEach((setting, i) => (setting.locality_code = localities[i % localities.length]!.code))
  return settings
}

// ---------------------------------------------------------------------------------------------
// Children

type Kind = keyof typeof profile.needsByPlacement
type AgeLabel = keyof typeof profile.needsByAge
type ProfileNeed = keyof typeof profile.needsBySex.M

const KIND_MATCHES: Record<Exclude<Kind, 'elsewhere'>, (s: Setting) => boolean> = {
  mainstream: s => s.setting_type === 'mainstream',
  resourced_provision: s => s.setting_type === 'mainstream' && s.resourcedLeft > 0,
  special: s => s.setting_type === 'special',
  independent: s => s.setting_type === 'independent',
  alternative_provision: s => s.setting_type === 'alternative_provision',
  further_education: s => s.setting_type === 'post_16' && s.governance === 'further_education',
  specialist_post_16: s => s.setting_type === 'post_16' && s.governance === 'independent',
  early_years: s => s.setting_type === 'early_years',
}

// Where a child goes when no setting of the drawn kind teaches their year.
const FALLBACK: Record<Exclude<Kind, 'elsewhere'>, readonly Exclude<Kind, 'elsewhere'>[]> = {
  mainstream: ['early_years', 'further_education', 'special'],
  resourced_provision: ['mainstream'],
  special: ['independent', 'mainstream'],
  independent: ['special', 'mainstream'],
  alternative_provision: ['mainstream'],
  further_education: ['specialist_post_16', 'mainstream'],
  specialist_post_16: ['further_education'],
  early_years: ['mainstream'],
}

// SEN support: no Dudley breakdown is held, so these follow the national pattern (SLCN leads in
// primary; SEMH, MLD and SpLD in secondary). NSA is used only here: an EHC plan always names a need.
const SEN_SUPPORT_NEEDS: Record<'primary' | 'secondary', Partial<Record<NeedCode, number>>> = {
  primary: {
    SLCN: 34,
    SEMH: 15,
    MLD: 12,
    SPLD: 8,
    ASD: 8,
    NSA: 9,
    OTH: 4,
    PD: 2.5,
    HI: 1.5,
    VI: 1,
    SLD: 0.5,
    MSI: 0.3,
    PMLD: 0.1,
    DS: 0.3,
  },
  secondary: {
    SLCN: 12,
    SEMH: 26,
    MLD: 17,
    SPLD: 19,
    ASD: 10,
    NSA: 6,
    OTH: 4,
    PD: 2,
    HI: 1.5,
    VI: 1,
    SLD: 0.3,
    MSI: 0.2,
    PMLD: 0.1,
    DS: 0.2,
  },
}

// SEN support by NC year, from -2 (a two-year-old in early years) to 11. A shape, not Dudley data:
// few before school, rising through primary to a peak in Years 5 and 6, easing through secondary.
// It leans younger than the national count, which stays high into Years 7 and 8. None after Year 11:
// colleges do not report SEN support in the school census.
const SEN_SUPPORT_BY_YEAR = [1, 3, 5, 7, 8, 8.5, 9, 9.5, 9.5, 9, 8.5, 8, 7.5, 6.5] as const
const SEN_SUPPORT_FIRST_YEAR = -2

type Draft = {
  status: 'ehcp' | 'sen_support'
  nc: number
  dob: number
  sex: Sex
  needs: NeedCode[]
  kind: Kind
  /** The plan's start, for a child with an EHC plan. */
  start?: number
}

type PlacementDraft = { setting: Setting; start: number; end: number | null; resourced: boolean }

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)

class Authority {
  private readonly S: number
  private readonly asAtDay: number
  private readonly cache = new Map<string, (() => Setting) | null>()

  constructor(
    private readonly rng: Random,
    private readonly settings: Setting[],
    asAt: string,
  ) {
    this.asAtDay = toDay(asAt)
    this.S = academicYearOf(this.asAtDay)
  }

  /** A birth date for a child in `nc` now: born September to August, nc + 5 years before this academic year. */
  birthDay(nc: number): number {
    const from = dayOf(this.S - nc - 5, 9, 1)
    const to = Math.min(dayOf(this.S - nc - 4, 8, 31), this.asAtDay)
    return this.rng.int(from, to)
  }

  /** The calendar year whose autumn began the child's `year` (child now in `nc`). */
  private autumnYear(nc: number, year: number): number {
    return this.S - (nc - year)
  }

  private ncOn(nc: number, day: number): number {
    return nc - (this.S - academicYearOf(day))
  }

  private settingsFor(kind: Exclude<Kind, 'elsewhere'>, nc: number): Setting[] {
    return this.settings.filter(s => KIND_MATCHES[kind](s) && phaseFits(s.phase, nc))
  }

  private pickOfKind(kind: Exclude<Kind, 'elsewhere'>, nc: number): Setting | null {
    // Resource-base places run out, so that kind's choice is made afresh each time.
    if (kind === 'resourced_provision') {
      const open = this.settingsFor(kind, nc)
      return open.length ? this.rng.weighted(open, s => s.weight)() : null
    }
    const key = `${kind}:${nc}`
    let draw = this.cache.get(key)
    if (draw === undefined) {
      const found = this.settingsFor(kind, nc)
      draw = found.length ? this.rng.weighted(found, s => s.weight) : null
      this.cache.set(key, draw)
    }
    return draw?.() ?? null
  }

  /** A setting teaching year `nc`, of the wanted kind or its nearest fallback. */
  pick(kind: Exclude<Kind, 'elsewhere'>, nc: number, not?: Setting): { setting: Setting; kind: Kind } | null {
    for (const k of [kind, ...FALLBACK[kind]]) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const setting = this.pickOfKind(k, nc)
        if (!setting) break
        if (setting !== not) return { setting, kind: k }
      }
    }
    return null
  }

  private previousKind(kind: Kind, status: Draft['status']): Exclude<Kind, 'elsewhere'> {
    if (status === 'sen_support') return 'mainstream'
    const wasSpecial = {
      special: 0.5,
      independent: 0.5,
      further_education: 0.3,
      specialist_post_16: 0.5,
      elsewhere: 0.25,
    }
    const p = wasSpecial[kind as keyof typeof wasSpecial] ?? 0
    return this.rng.chance(p) ? 'special' : 'mainstream'
  }

  /** Placements in date order: the current one (or the last, for a child now out of school) and up to two before it. */
  placements(d: Draft): PlacementDraft[] {
    const { rng } = this
    if (d.nc < 0) {
      if (d.kind === 'elsewhere') return []
      const found = this.pick(d.kind, d.nc)
      if (!found) return []
      // A nursery class starts with the school year; an early-years setting takes children from age one or two.
      const start =
        found.setting.phase === 'primary'
          ? Math.min(autumnStart(this.S), this.asAtDay)
          : rng.int(Math.min(d.dob + (d.nc === -1 ? 730 : 365), this.asAtDay), this.asAtDay)
      return [{ setting: found.setting, start, end: null, resourced: false }]
    }

    let current: { setting: Setting; kind: Kind } | null = null
    let ncNow = d.nc
    let bound = this.asAtDay
    let end: number | null = null
    if (d.kind !== 'elsewhere') current = this.pick(d.kind, d.nc)
    if (!current) {
      // Out of school now (home education, NEET, not recorded): left their last setting in the past eighteen months.
      end = rng.int(this.asAtDay - 540, this.asAtDay - 10)
      ncNow = this.ncOn(d.nc, end)
      if (ncNow < 0) return []
      const lastKind = ncNow >= 12 && rng.chance(0.5) ? 'further_education' : this.previousKind('elsewhere', d.status)
      current = this.pick(lastKind, ncNow)
      if (!current) return []
      bound = end
    }

    const placements: PlacementDraft[] = []
    const { setting, kind } = current
    const entry = Math.max(0, Math.min(PHASE_ENTRY[setting.phase], ncNow))
    const moveChance = setting.phase === 'all_through' || kind === 'alternative_provision' ? 0.6 : 0.15
    let start = autumnStart(this.autumnYear(d.nc, entry))
    if (ncNow > entry && rng.chance(moveChance)) {
      const year = rng.int(entry + 1, ncNow)
      const from = autumnStart(this.autumnYear(d.nc, year))
      const to = Math.min(bound - 1, summerEnd(this.autumnYear(d.nc, year) + 1))
      if (from <= to) start = rng.int(from, to)
    }
    start = Math.min(start, bound)
    placements.push({ setting, start, end, resourced: kind === 'resourced_provision' && end === null })
    if (kind === 'resourced_provision' && end === null) setting.resourcedLeft--

    let next = placements[0]!
    let previous = this.previousKind(kind, d.status)
    for (let k = 0; k < 2; k++) {
      // A move at the start of a school year follows a summer away; a move in term follows the day before.
      const startedInSeptember = next.start === autumnStart(yearOf(next.start))
      const prevEnd = startedInSeptember ? summerEnd(yearOf(next.start)) : next.start - 1
      const nc = this.ncOn(d.nc, prevEnd)
      if (nc < 0) break
      const found = this.pick(previous, nc, next.setting)
      if (!found) break
      const prevStart = autumnStart(this.autumnYear(d.nc, nc <= 6 ? 0 : nc <= 11 ? 7 : 12))
      if (prevStart > prevEnd) break
      next = { setting: found.setting, start: prevStart, end: prevEnd, resourced: false }
      placements.unshift(next)
      previous = this.previousKind(found.kind, d.status)
    }
    return placements
  }
}

function ehcpDrafts(rng: Random, a: Authority, count: number): Draft[] {
  const byAge = profile.needsByAge
  const drawAge = rng.sampler(
    Object.fromEntries(Object.entries(byAge).map(([age, needs]) => [age, sum(needs)])) as Record<AgeLabel, number>,
  )
  const drawNeed = Object.fromEntries(Object.entries(byAge).map(([age, needs]) => [age, rng.sampler(needs)])) as Record<
    AgeLabel,
    () => ProfileNeed
  >
  const allNeeds: Record<string, number> = {}
  for (const needs of Object.values(byAge))
    for (const [code, n] of Object.entries(needs)) allNeeds[code] = (allNeeds[code] ?? 0) + n
  const drawSecond = rng.sampler(allNeeds)
  // A plan's setting depends on age and need: P(kind | age) × P(need | kind), both from the Dudley tables.
  const kindTotals = Object.fromEntries(
    Object.entries(profile.needsByPlacement).map(([kind, needs]) => [kind, sum(needs)]),
  )
  const drawKind = new Map<string, () => Kind>()
  const kindFor = (age: AgeLabel, need: ProfileNeed): Kind => {
    const key = `${age}:${need}`
    if (!drawKind.has(key)) {
      const weights: Record<string, number> = {}
      for (const [kind, n] of Object.entries(profile.placementsByAge[age])) {
        const needShare = profile.needsByPlacement[kind as Kind][need] / (kindTotals[kind] || 1)
        weights[kind] = n * needShare
      }
      drawKind.set(key, rng.sampler(sum(weights) > 0 ? weights : profile.placementsByAge[age]) as () => Kind)
    }
    return drawKind.get(key)!()
  }

  const drafts: Draft[] = []
  for (let i = 0; i < count; i++) {
    const age = drawAge()
    const need = drawNeed[age]()
    const nc = (age === 'under 3' ? 2 : Number(age)) - 4
    const male = profile.needsBySex.M[need]
    const female = profile.needsBySex.F[need]
    const needs: NeedCode[] = [need]
    // About a third of plans also record a secondary need.
    if (rng.chance(0.35)) {
      const second = drawSecond() as NeedCode
      if (second !== need) needs.push(second)
    }
    drafts.push({
      status: 'ehcp',
      nc,
      dob: a.birthDay(nc),
      sex: rng.chance(male / (male + female || 1)) ? 'M' : 'F',
      needs,
      kind: kindFor(age, need),
    })
  }
  return drafts
}

function senSupportDrafts(rng: Random, a: Authority, count: number): Draft[] {
  const drawYear = rng.weighted([...SEN_SUPPORT_BY_YEAR.keys()], i => SEN_SUPPORT_BY_YEAR[i]!)
  const drawNeed = {
    primary: rng.sampler(SEN_SUPPORT_NEEDS.primary),
    secondary: rng.sampler(SEN_SUPPORT_NEEDS.secondary),
  }
  const drafts: Draft[] = []
  for (let i = 0; i < count; i++) {
    const nc = SEN_SUPPORT_FIRST_YEAR + drawYear()
    const phase = nc <= 6 ? 'primary' : 'secondary'
    const need = drawNeed[phase]()
    const needs: NeedCode[] = [need]
    if (need !== 'NSA' && rng.chance(0.12)) {
      const second = drawNeed[phase]()
      if (second !== need && second !== 'NSA') needs.push(second)
    }
    const kind: Kind =
      nc <= -2 || (nc === -1 && rng.chance(0.4))
        ? 'early_years'
        : nc >= 7 && rng.chance(0.01)
          ? 'alternative_provision'
          : 'mainstream'
    drafts.push({ status: 'sen_support', nc, dob: a.birthDay(nc), sex: rng.chance(0.64) ? 'M' : 'F', needs, kind })
  }
  return drafts
}

/**
 * Gives each plan a start date so that the plans started by each January follow Dudley's curve,
 * while no plan starts before the child is old enough. Children with the latest earliest-possible
 * date choose first, at random among the dates still free that they can take; because each later
 * child can take any date an earlier one could, every child is served while dates remain.
 */
function assignPlanStarts(rng: Random, children: Draft[], asAt: string): void {
  const end = toDay(asAt)
  const free = planStartDays(rng, children.length, asAt).sort((a, b) => a - b)
  const earliest = (c: Draft) => Math.min(end, c.dob + (c.nc <= -2 ? 365 : 730))
  const order = children
    .map((child, i) => ({ child, i, from: earliest(child) }))
    .sort((x, y) => y.from - x.from || x.i - y.i)
  for (const { child, from } of order) {
    let lo = 0
    let hi = free.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (free[mid]! < from) lo = mid + 1
      else hi = mid
    }
    const day = lo < free.length ? free.splice(rng.int(lo, free.length - 1), 1)[0]! : rng.int(from, end)
    child.start = Math.max(from, onWeekday(day))
  }
}

function nameDrawer(rng: Random): (sex: Sex) => { first_name: string; last_name: string } {
  const drawGroup = rng.weighted(NAME_GROUPS, group => group.weight)
  return sex => {
    const group = drawGroup()
    // A few children carry a surname from another background, as in any borough.
    const surnames = rng.chance(0.05) ? drawGroup().surnames : group.surnames
    return { first_name: rng.pick(sex === 'F' ? group.female : group.male), last_name: rng.pick(surnames) }
  }
}

// ---------------------------------------------------------------------------------------------

export function generateDemo(spec: DemoSpec): DemoAuthority {
  const { laCode, asAt, scale, seed } = spec
  if (!/^\d{3}$/.test(laCode)) throw new RangeError('laCode is a three-digit DfE code')
  if (!isIsoDate(asAt)) throw new RangeError('asAt is an ISO date')
  if (!(scale > 0)) throw new RangeError('scale must be positive')
  const rng = new Random(seed)
  // Ids come from a stream of their own: they depend only on how many rows come before, not on the draws.
  const ids = new Random(seed ^ 0x5bd1e995)

  const localities = (spec.localities ?? LOCALITIES).map(l => ({ la_code: laCode, code: l.code, name: l.name }))
  const settings = buildSettings(rng, ids, laCode, scale, localities)
  const authority = new Authority(rng, settings, asAt)

  const drafts = rng.shuffle([
    ...ehcpDrafts(rng, authority, spec.ehcp ?? Math.round(scale * ehcpCaseloadAt(asAt))),
    ...senSupportDrafts(rng, authority, spec.senSupport ?? Math.round(scale * SEN_SUPPORT_AT_SCALE_1)),
  ])
  const plans = drafts.filter(d => d.status === 'ehcp')
  assignPlanStarts(rng, plans, asAt)

  const children: DemoChild[] = []
  const needs: DemoNeed[] = []
  const placements: DemoPlacement[] = []
  const serials = new Map<string, number>()
  const fullName = nameDrawer(rng)
  let localId = 10_000
  for (const d of drafts) {
    const id = ids.uuid()
    localId += rng.int(1, 3)
    const history = authority.placements(d)
    // A UPN is issued by the first maintained school or academy in the authority the child joins.
    const first = history.find(p => p.setting.establishment !== null)
    let upn: string | null = null
    if (first) {
      const year = String(yearOf(first.start) % 100).padStart(2, '0')
      const key = `${first.setting.establishment}${year}`
      const serial = (serials.get(key) ?? 0) + 1
      if (serial > 999) throw new RangeError('Too many children for one school and year: lower the scale')
      serials.set(key, serial)
      const body = `${laCode}${key}${String(serial).padStart(3, '0')}`
      upn = `${upnCheckLetter(body)}${body}`
    }
    children.push({
      la_code: laCode,
      id,
      local_id: `C${String(localId).padStart(7, '0')}`,
      upn,
      ...fullName(d.sex),
      date_of_birth: toIso(d.dob),
      sex: d.sex,
      sen_status: d.status,
      ehcp_start_date: d.start === undefined ? null : toIso(d.start),
    })
    d.needs.forEach((need_code, i) => needs.push({ la_code: laCode, child_id: id, rank: i + 1, need_code }))
    for (const p of history) {
      placements.push({
        la_code: laCode,
        id: ids.uuid(),
        child_id: id,
        setting_id: p.setting.id,
        start_date: toIso(p.start),
        end_date: p.end === null ? null : toIso(p.end),
        rank: 1,
        resourced_provision: p.resourced,
      })
    }
  }

  return {
    localities,
    settings: settings.map(({ weight: _w, establishment: _e, resourcedLeft: _r, ...setting }) => setting),
    children,
    needs,
    placements,
    users: demoUsers(ids, settings, placements),
  }
}

/** One user per LA role, and a SENCo at the primary and at the secondary with the most pupils on the SEN register. */
function demoUsers(ids: Random, settings: Setting[], placements: DemoPlacement[]): DemoUser[] {
  const pupils = new Map<string, number>()
  for (const p of placements) if (p.end_date === null) pupils.set(p.setting_id, (pupils.get(p.setting_id) ?? 0) + 1)
  const busiest = (phase: Phase) =>
    settings
      .filter(s => s.setting_type === 'mainstream' && s.phase === phase && (pupils.get(s.id) ?? 0) > 0)
      .sort((a, b) => (pupils.get(b.id) ?? 0) - (pupils.get(a.id) ?? 0) || a.urn.localeCompare(b.urn))[0]
  const schools = [busiest('primary'), busiest('secondary')].filter((s): s is Setting => Boolean(s))
  const staff = (
    Object.entries(STAFF) as [Exclude<Role, 'school_user'>, { username: string; display_name: string }][]
  ).map(([role, person]) => ({ id: ids.uuid(), ...person, role, setting_id: null }))
  const sencos = schools.map((school, i) => ({
    id: ids.uuid(),
    username: `senco.${school.name.split(' ')[0]!.toLowerCase()}`,
    display_name: SENCOS[i]!,
    role: 'school_user' as const,
    setting_id: school.id,
  }))
  return [...staff, ...sencos]
}

import { sql, type Kysely } from 'kysely'
import { parseMatrixVersion } from '../funding/rules/consistency.ts'
import { FIXTURES } from '../funding/rules/fixtures/index.ts'
import type { FundedSettingType, MatrixVersionSpec } from '../funding/rules/matrix-version.ts'
import { financialYearOf } from '../funding/rules/money.ts'
import { scoreAssessment, type Choices } from '../funding/rules/scoring.ts'
import { AccountService } from '../people/accounts.ts'
import { ehcpCaseloadAt, generateDemo, mulberry32, type DemoAuthority } from '../people/demo/generate.ts'
import { addDays, isIsoDate, parts } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import { DEFAULT_RELEASE, publishedAuthorities, type PublishedAuthority } from './published-plans.ts'

// England at scale: every authority in the DfE's latest January figures, each a synthetic authority
// made by the demo generator and sized from its own published plan count, with the records that
// follow from its plans — the request that led to each recent plan, the latest annual review, an
// agreed top-up under an approved matrix version — and requests that led nowhere. Everything comes
// from seeded generators, so the same options always make the same rows. Loaded with multi-row
// INSERT … SELECT FROM unnest(arrays), one transaction per authority; secondary indexes are dropped
// first and built once at the end (docs/scale.md).

export type EnglandOptions = {
  scale: number
  seed: number
  asAt: string
  /** Only these authorities (DfE three-digit codes); all of them when absent. */
  only?: readonly string[]
  release?: string
  log?: (line: string) => void
}

export type EnglandReport = {
  authorities: number
  skipped: number
  plans: number
  senSupport: number
  rows: Record<string, number>
  generateMs: number
  loadMs: number
  indexMs: number
  totalMs: number
}

/**
 * Pupils on SEN support for each EHC plan. No authority's SEN support figure is held in ../shared/data;
 * England has roughly twice as many pupils on SEN support as EHC plans (the 1.3 million against
 * about 700,000), so each authority gets twice its plans.
 */
export const SEN_SUPPORT_PER_PLAN = 2

/** Where a resumed run finds its options and the indexes it set aside. */
const MARKER = 'scale.england'
const INDEXES = 'scale.england.set-aside'

/** The tables the generator writes, in the order their rows can go in. */
export const ENGLAND_TABLES = [
  'locality',
  'setting',
  'child',
  'child_need',
  'placement',
  'matrix_version',
  'special_school_band',
  'award',
  'ehc_request',
  'ehc_plan',
  'ehc_plan_need',
  'annual_review',
] as const

// Localities have no published names; these stand for any authority's areas.
const LOCALITIES = [
  { code: 'N', name: 'North' },
  { code: 'E', name: 'East' },
  { code: 'S', name: 'South' },
  { code: 'W', name: 'West' },
  { code: 'C', name: 'Central' },
]

// Rows per statement: large enough that the round trips do not matter, small enough to keep the
// parameter text of one statement to a few megabytes.
const CHUNK = 20_000

/** EHC plans issued from this year come with the request that led to them (as in the demo). */
const FIRST_REQUEST_DAY = '2019-01-01'

export class EnglandRefused extends Error {}

/** How many plans and pupils on SEN support an authority gets at a scale. */
export function sizeOf(plans: number, scale: number): { ehcp: number; senSupport: number } {
  const ehcp = Math.max(1, Math.round(plans * scale))
  return { ehcp, senSupport: ehcp * SEN_SUPPORT_PER_PLAN }
}

/** Each authority's own seed, so one authority's rows never depend on which others are loaded. */
const authoritySeed = (seed: number, laCode: string) => (Math.imul(seed >>> 0, 1_000_003) + Number(laCode)) >>> 0

// ---------------------------------------------------------------------------------------------
// Seeded draws for the records the demo generator does not make

class Draws {
  private readonly next: () => number

  constructor(seed: number) {
    this.next = mulberry32(seed)
  }

  float(): number {
    return this.next() / 4294967296
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1))
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!
  }

  /** A version-4-shaped UUID that repeats with the seed. */
  uuid(): string {
    const hex = () => this.next().toString(16).padStart(8, '0')
    const [a, b, c, d] = [hex(), hex(), hex(), hex()]
    const variant = ((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16)
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`
  }
}

const later = (...dates: (string | null | undefined)[]) =>
  dates.filter((d): d is string => Boolean(d)).reduce((a, b) => (b > a ? b : a))

/** The same day `years` on (29 February falls on 1 March). */
function yearsOn(iso: string, years: number): string {
  const { year, month, day } = parts(iso)
  return new Date(Date.UTC(year + years, month - 1, day)).toISOString().slice(0, 10)
}

// Requests by source, roughly as the demo has them (parents and schools make most).
const SOURCES = [
  ...Array<string>(52).fill('parent'),
  ...Array<string>(30).fill('school'),
  ...Array<string>(5).fill('early_years'),
  ...Array<string>(5).fill('health'),
  ...Array<string>(3).fill('social_care'),
  ...Array<string>(2).fill('young_person'),
  ...Array<string>(3).fill('other'),
]
const RECEIVED_VIA = ['email', 'email', 'email', 'online', 'online', 'hand', 'first_class_post'] as const

type Row = Record<string, unknown>
export type AuthorityRows = Record<(typeof ENGLAND_TABLES)[number], Row[]>

/** The matrix every synthetic authority funds by: the demo's illustrative Dudley-shaped version. */
function demoMatrix(): MatrixVersionSpec {
  const parsed = parseMatrixVersion(structuredClone(FIXTURES.dudley))
  if (!parsed.ok) throw new Error('The demo matrix version is inconsistent')
  return parsed.spec
}

/** Every row for one authority; a pure function of its arguments. */
export function authorityRows(
  authority: PublishedAuthority,
  options: { scale: number; seed: number; asAt: string },
  spec: MatrixVersionSpec,
  agreerId: string,
): AuthorityRows {
  const { laCode } = authority
  const { asAt } = options
  const seed = authoritySeed(options.seed, laCode)
  const size = sizeOf(authority.plans, options.scale)
  const demo: DemoAuthority = generateDemo({
    laCode,
    asAt,
    seed,
    // The demo's size relative to Dudley, which also sizes its resource bases.
    scale: size.ehcp / ehcpCaseloadAt(asAt),
    ehcp: size.ehcp,
    senSupport: size.senSupport,
    localities: LOCALITIES,
  })
  const draw = new Draws(seed ^ 0x2545f491)

  const settings = new Map(demo.settings.map(s => [s.id, s]))
  const current = new Map<string, (typeof demo.placements)[number]>()
  for (const p of demo.placements) if (p.end_date === null && p.rank === 1) current.set(p.child_id, p)
  const needsOf = new Map<string, string[]>()
  for (const n of demo.needs) {
    const list = needsOf.get(n.child_id) ?? []
    list[n.rank - 1] = n.need_code
    needsOf.set(n.child_id, list)
  }

  const at = `${asAt}T12:00:00Z`
  const versionId = draw.uuid()
  const matrix_version: Row[] = [
    {
      la_code: laCode,
      id: versionId,
      name: spec.name,
      status: 'approved',
      spec: JSON.stringify(spec),
      approved_at: at,
    },
  ]

  // Funding: agreed top-ups for pupils with plans in mainstream schools, resource bases and special schools.
  const years = [...new Set(spec.rates.map(r => r.financialYear))].sort()
  const rateYear = years.includes(financialYearOf(asAt)) ? financialYearOf(asAt) : years.at(-1)!
  const rates = new Map(spec.rates.map(r => [`${r.financialYear}:${r.settingType}:${r.level}`, r.annualPence]))
  const appliesFrom = new Map(spec.applies.map(a => [a.settingType, a.from]))
  const bands = new Map<string, { code: string; pence: number }[]>()
  const special_school_band: Row[] = []
  // 3–5 illustrative bands a special school, £9,000 rising £4,000 a band and 2% a year (as the demo's).
  const bandPence = (band: number, year: number) =>
    Math.round(((900_000 + band * 400_000) * (1 + 0.02 * year)) / 100) * 100
  const bandsOf = (settingId: string) => {
    let list = bands.get(settingId)
    if (!list) {
      const names = ['Moderate', 'Significant', 'Complex', 'Profound', 'Exceptional'].slice(0, draw.int(3, 5))
      list = names.map((name, i) => {
        const code = String.fromCharCode(65 + i)
        years.forEach((fy, y) =>
          special_school_band.push({
            la_code: laCode,
            id: draw.uuid(),
            setting_id: settingId,
            code,
            name: `${name} needs (illustrative)`,
            financial_year: fy,
            annual_pence_per_place: bandPence(i, y),
          }),
        )
        return { code, pence: bandPence(i, years.indexOf(rateYear)) }
      })
      bands.set(settingId, list)
    }
    return list
  }

  const award: Row[] = []
  const ehc_plan: Row[] = []
  const ehc_plan_need: Row[] = []
  const ehc_request: Row[] = []
  const annual_review: Row[] = []
  const request = (childId: string, receivedOn: string): Row => ({
    la_code: laCode,
    id: draw.uuid(),
    child_id: childId,
    source: draw.pick(SOURCES),
    received_via: draw.pick(RECEIVED_VIA),
    arrived_on: receivedOn,
    received_on: receivedOn,
    decision: null,
    decision_on: null,
    outcome: null,
    outcome_on: null,
    draft_sent_on: null,
    comments_received_on: null,
    final_issued_on: null,
    plan_id: null,
  })

  for (const child of demo.children) {
    if (child.sen_status !== 'ehcp') {
      // Requests that led nowhere: refused in the last three years, or still open today.
      const r = draw.float()
      if (r < 0.05) {
        const row = request(child.id, addDays(asAt, -draw.int(45, 1095)))
        ehc_request.push({
          ...row,
          decision: 'not_assess',
          decision_on: addDays(row.received_on as string, draw.int(28, 42)),
        })
      } else if (r < 0.058) {
        const row = request(child.id, addDays(asAt, -draw.int(0, 120)))
        const decided = addDays(row.received_on as string, draw.int(28, 42))
        ehc_request.push(
          decided <= asAt && draw.float() < 0.7 ? { ...row, decision: 'assess', decision_on: decided } : row,
        )
      }
      continue
    }
    const issued = child.ehcp_start_date!
    const placement = current.get(child.id)
    const setting = placement ? settings.get(placement.setting_id)! : null
    const planId = draw.uuid()
    let requestId: string | null = null
    if (issued >= FIRST_REQUEST_DAY) {
      // About half within 20 weeks (140 days), the rest up to 40.
      const days = draw.float() < 0.5 ? draw.int(84, 140) : draw.int(141, 280)
      const received = addDays(issued, -days)
      const draft = addDays(issued, -draw.int(14, 28))
      const row = request(child.id, received)
      requestId = row.id as string
      ehc_request.push({
        ...row,
        decision: 'assess',
        decision_on: addDays(received, draw.int(28, 42)),
        outcome: 'issue_plan',
        outcome_on: addDays(draft, -draw.int(0, 3)),
        draft_sent_on: draft,
        comments_received_on: addDays(draft, draw.int(5, 14)),
        final_issued_on: issued,
        plan_id: planId,
      })
    }
    ehc_plan.push({
      la_code: laCode,
      id: planId,
      child_id: child.id,
      request_id: requestId,
      issued_on: issued,
      named_setting_id: setting?.id ?? null,
      named_setting_type: setting ? null : 'No setting named: not currently placed',
    })
    needsOf
      .get(child.id)!
      .forEach((need_code, i) => ehc_plan_need.push({ la_code: laCode, plan_id: planId, rank: i + 1, need_code }))

    // The latest annual review: decided, or (now and then) still outstanding.
    const yearsIn = parts(asAt).year - parts(issued).year
    const reviews = yearsOn(issued, yearsIn) <= asAt ? yearsIn : yearsIn - 1
    if (reviews >= 1) {
      const due = yearsOn(issued, reviews)
      const meeting = addDays(due, -draw.int(0, 28))
      const report = addDays(meeting, draw.int(0, 7))
      const decided = addDays(report, draw.int(3, 14))
      const open = draw.float() < 0.04 || decided > asAt
      annual_review.push({
        la_code: laCode,
        id: draw.uuid(),
        plan_id: planId,
        due_on: due,
        meeting_on: meeting <= asAt ? meeting : null,
        invitations_sent_on: addDays(meeting, -14),
        report_received_on: open || report > asAt ? null : report,
        decision: open ? null : draw.float() < 0.85 ? 'keep' : 'amend',
        decision_on: open ? null : decided,
      })
    }

    if (!placement || !setting || (setting.setting_type !== 'mainstream' && setting.setting_type !== 'special'))
      continue
    const funded: FundedSettingType =
      setting.setting_type === 'special' ? 'special' : placement.resourced_provision ? 'resource_base' : 'mainstream'
    // Mostly low and middle descriptors, now and then a high one; "no need" in some areas (as the demo's).
    const choices: Choices = Object.fromEntries(
      spec.areas.map(area => {
        const descriptors = area.descriptors ?? []
        const index =
          draw.float() < 0.15
            ? -1
            : Math.min(descriptors.length - 1, Math.floor(draw.float() ** 1.6 * descriptors.length))
        return [area.code, index < 0 ? null : descriptors[index]!.code]
      }),
    )
    const score = scoreAssessment(spec, choices)
    if (score.bespoke) continue
    const band = funded === 'special' ? draw.pick(bandsOf(setting.id)) : null
    const annual = band ? band.pence : rates.get(`${rateYear}:${funded}:${score.level}`)
    if (annual === undefined) continue
    award.push({
      la_code: laCode,
      id: draw.uuid(),
      child_id: child.id,
      setting_id: setting.id,
      matrix_version_id: versionId,
      funded_setting_type: funded,
      choices: JSON.stringify(choices),
      total_points: score.total,
      level: score.level,
      status: 'agreed',
      annual_pence: annual,
      band_code: band?.code ?? null,
      start_date: later(issued, placement.start_date, appliesFrom.get(funded)),
      submitted_at: at,
      submitted_by: agreerId,
      agreed_at: at,
      agreed_by: agreerId,
    })
  }

  return {
    locality: demo.localities,
    setting: demo.settings,
    child: demo.children,
    child_need: demo.needs,
    placement: demo.placements,
    matrix_version,
    special_school_band,
    award,
    ehc_request,
    ehc_plan,
    ehc_plan_need,
    annual_review,
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

/** Each table's columns and their PostgreSQL types, for INSERT … SELECT FROM unnest. */
const COLUMNS: Record<(typeof ENGLAND_TABLES)[number], Record<string, string>> = {
  locality: { la_code: 'text', code: 'text', name: 'text' },
  setting: {
    id: 'uuid',
    la_code: 'text',
    urn: 'text',
    name: 'text',
    setting_type: 'text',
    phase: 'text',
    governance: 'text',
    locality_code: 'text',
    out_of_area: 'boolean',
    resource_base_places: 'int',
  },
  child: {
    la_code: 'text',
    id: 'uuid',
    local_id: 'text',
    upn: 'text',
    first_name: 'text',
    last_name: 'text',
    date_of_birth: 'date',
    sex: 'text',
    sen_status: 'text',
    ehcp_start_date: 'date',
  },
  child_need: { la_code: 'text', child_id: 'uuid', rank: 'smallint', need_code: 'text' },
  placement: {
    la_code: 'text',
    id: 'uuid',
    child_id: 'uuid',
    setting_id: 'uuid',
    start_date: 'date',
    end_date: 'date',
    rank: 'smallint',
    resourced_provision: 'boolean',
  },
  matrix_version: {
    la_code: 'text',
    id: 'uuid',
    name: 'text',
    status: 'text',
    spec: 'jsonb',
    approved_at: 'timestamptz',
  },
  special_school_band: {
    la_code: 'text',
    id: 'uuid',
    setting_id: 'uuid',
    code: 'text',
    name: 'text',
    financial_year: 'text',
    annual_pence_per_place: 'bigint',
  },
  award: {
    la_code: 'text',
    id: 'uuid',
    child_id: 'uuid',
    setting_id: 'uuid',
    matrix_version_id: 'uuid',
    funded_setting_type: 'text',
    choices: 'jsonb',
    total_points: 'numeric',
    level: 'int',
    status: 'text',
    annual_pence: 'bigint',
    band_code: 'text',
    start_date: 'date',
    submitted_at: 'timestamptz',
    submitted_by: 'uuid',
    agreed_at: 'timestamptz',
    agreed_by: 'uuid',
  },
  ehc_request: {
    la_code: 'text',
    id: 'uuid',
    child_id: 'uuid',
    source: 'text',
    received_via: 'text',
    arrived_on: 'date',
    received_on: 'date',
    decision: 'text',
    decision_on: 'date',
    outcome: 'text',
    outcome_on: 'date',
    draft_sent_on: 'date',
    comments_received_on: 'date',
    final_issued_on: 'date',
    plan_id: 'uuid',
  },
  ehc_plan: {
    la_code: 'text',
    id: 'uuid',
    child_id: 'uuid',
    request_id: 'uuid',
    issued_on: 'date',
    named_setting_id: 'uuid',
    named_setting_type: 'text',
  },
  ehc_plan_need: { la_code: 'text', plan_id: 'uuid', rank: 'int', need_code: 'text' },
  annual_review: {
    la_code: 'text',
    id: 'uuid',
    plan_id: 'uuid',
    due_on: 'date',
    meeting_on: 'date',
    invitations_sent_on: 'date',
    report_received_on: 'date',
    decision: 'text',
    decision_on: 'date',
  },
}

/** `insert into table (…) select * from unnest($1::type[], …)` for these rows. */
function insertSql(table: (typeof ENGLAND_TABLES)[number], rows: readonly Row[]) {
  const columns = Object.entries(COLUMNS[table])
  const arrays = columns.map(([name, type]) => sql`${rows.map(r => r[name] ?? null)}::${sql.raw(type)}[]`)
  return sql`insert into ${sql.table(table)} (${sql.join(columns.map(([name]) => sql.ref(name)))})
    select * from unnest(${sql.join(arrays)})`
}

async function insertAll(db: Kysely<DB>, table: (typeof ENGLAND_TABLES)[number], rows: readonly Row[]) {
  for (let i = 0; i < rows.length; i += CHUNK) await insertSql(table, rows.slice(i, i + CHUNK)).execute(db)
}

/** One authority's rows, all or none. */
async function loadAuthority(db: Kysely<DB>, rows: AuthorityRows): Promise<void> {
  await db.transaction().execute(async trx => {
    for (const table of ['locality', 'setting', 'child', 'child_need', 'placement', 'matrix_version'] as const)
      await insertAll(trx, table, rows[table])
    await insertAll(trx, 'special_school_band', rows.special_school_band)
    await insertAll(trx, 'award', rows.award)
    // A plan names the request that led to it and the request names its plan: each pair goes in one
    // statement, so the load also works with the foreign keys in place (checked when a statement ends).
    const requestOf = new Map<string, Row>()
    const others: Row[] = []
    for (const r of rows.ehc_request) {
      if (r.plan_id) requestOf.set(r.plan_id as string, r)
      else others.push(r)
    }
    for (let i = 0; i < rows.ehc_plan.length; i += CHUNK) {
      const plans = rows.ehc_plan.slice(i, i + CHUNK)
      const requests = plans.flatMap(p => (p.request_id ? [requestOf.get(p.id as string)!] : []))
      await sql`with requests as (${insertSql('ehc_request', requests)}) ${insertSql('ehc_plan', plans)}`.execute(trx)
    }
    await insertAll(trx, 'ehc_request', others)
    await insertAll(trx, 'ehc_plan_need', rows.ehc_plan_need)
    await insertAll(trx, 'annual_review', rows.annual_review)
  })
}

// ---------------------------------------------------------------------------------------------
// Indexes and foreign keys: set aside while loading, built and checked once at the end. Row by row,
// a foreign key check is a query per row, planned while its table was still small (a sequential
// scan), and a secondary index is a write per row; at the end each is one pass over the table.

type SetAside = { kind: 'index' | 'foreign key'; table: string; name: string; definition: string }

async function setAsideNow(db: Kysely<DB>): Promise<SetAside[]> {
  // Indexes that back a primary key or unique constraint stay: the constraints need them.
  const { rows } = await sql<SetAside>`
    select 'index' as kind, i.tablename as table, i.indexname as name, i.indexdef as definition
    from pg_indexes i
    join pg_class c on c.relname = i.indexname and c.relnamespace = 'public'::regnamespace
    where i.schemaname = 'public' and i.tablename in (${sql.join([...ENGLAND_TABLES])})
      and not exists (select 1 from pg_constraint k where k.conindid = c.oid)
    union all
    select 'foreign key', t.relname, k.conname, pg_get_constraintdef(k.oid)
    from pg_constraint k join pg_class t on t.oid = k.conrelid
    where k.contype = 'f' and t.relnamespace = 'public'::regnamespace
      and t.relname in (${sql.join([...ENGLAND_TABLES])})
    order by 1, 2, 3`.execute(db)
  return rows
}

async function meta<T>(db: Kysely<DB>, key: string): Promise<T | null> {
  const { rows } = await sql<{ value: T }>`select value from app_meta where key = ${key}`.execute(db)
  return rows[0]?.value ?? null
}

async function setMeta(db: Kysely<DB>, key: string, value: unknown): Promise<void> {
  await sql`insert into app_meta (key, value) values (${key}, ${JSON.stringify(value)}::jsonb)
    on conflict (key) do update set value = excluded.value, updated_at = now()`.execute(db)
}

const same = (a: SetAside, b: SetAside) => a.kind === b.kind && a.table === b.table && a.name === b.name

async function setAside(db: Kysely<DB>): Promise<void> {
  const found = await setAsideNow(db)
  const kept = (await meta<SetAside[]>(db, INDEXES)) ?? []
  // Written down before anything is dropped, so an interrupted run can still put them all back.
  await setMeta(db, INDEXES, [...kept, ...found.filter(f => !kept.some(k => same(k, f)))])
  for (const item of found) {
    if (item.kind === 'index') await sql`drop index ${sql.id(item.name)}`.execute(db)
    else await sql`alter table ${sql.table(item.table)} drop constraint ${sql.id(item.name)}`.execute(db)
  }
}

async function putBack(db: Kysely<DB>, log: (line: string) => void): Promise<void> {
  const kept = (await meta<SetAside[]>(db, INDEXES)) ?? []
  const present = await setAsideNow(db)
  for (const item of kept) {
    if (present.some(p => same(p, item))) continue
    const started = Date.now()
    if (item.kind === 'index') await sql.raw(item.definition).execute(db)
    else {
      await sql`alter table ${sql.table(item.table)} add constraint ${sql.id(item.name)} ${sql.raw(item.definition)}`.execute(
        db,
      )
    }
    log(`${item.kind} ${item.name}: ${Date.now() - started} ms`)
  }
  await sql`delete from app_meta where key = ${INDEXES}`.execute(db)
}

// ---------------------------------------------------------------------------------------------

type Marker = { seed: number; scale: number; asAt: string }

/**
 * Generates and loads England into a migrated PostgreSQL database. Refuses a database holding other
 * data, or one generated with other options; an interrupted run, run again with the same options,
 * carries on from the first authority not yet loaded.
 */
export async function generateEngland(db: Kysely<DB>, options: EnglandOptions): Promise<EnglandReport> {
  const started = Date.now()
  const log = options.log ?? (() => {})
  if (!(options.scale > 0 && options.scale <= 10)) throw new EnglandRefused('--scale must be above 0 and at most 10')
  if (!Number.isSafeInteger(options.seed)) throw new EnglandRefused('--seed must be a whole number')
  if (!isIsoDate(options.asAt)) throw new EnglandRefused('--as-at must be a date as YYYY-MM-DD')
  let authorities = await publishedAuthorities(options.release ?? DEFAULT_RELEASE)
  if (options.only?.length) {
    const unknown = options.only.filter(code => !authorities.some(a => a.laCode === code))
    if (unknown.length) throw new EnglandRefused(`No published figures for LA ${unknown.join(', ')}`)
    authorities = authorities.filter(a => options.only!.includes(a.laCode))
  }

  const wanted: Marker = { seed: options.seed, scale: options.scale, asAt: options.asAt }
  const marker = await meta<Marker>(db, MARKER)
  if (marker) {
    if (marker.seed !== wanted.seed || marker.scale !== wanted.scale || marker.asAt !== wanted.asAt) {
      throw new EnglandRefused(
        `This database was generated with --seed ${marker.seed} --scale ${marker.scale} --as-at ${marker.asAt}: run again with those to finish it, or use an empty database`,
      )
    }
  } else {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from setting`.execute(db)
    if (rows[0]!.n > 0) {
      throw new EnglandRefused(
        `This database already holds ${rows[0]!.n} settings that this generator did not make: generate England into an empty database (createdb opensend_england)`,
      )
    }
    await setMeta(db, MARKER, wanted)
  }
  const { rows: loadedRows } = await sql<{ la_code: string }>`select distinct la_code from locality`.execute(db)
  const loaded = new Set(loadedRows.map(r => r.la_code))

  const spec = demoMatrix()
  const agreer = await new AccountService(db, authorities[0]?.laCode ?? '000').systemActor()
  await setAside(db)

  const rows: Record<string, number> = Object.fromEntries(ENGLAND_TABLES.map(t => [t, 0]))
  let generateMs = 0
  let loadMs = 0
  let plans = 0
  let senSupport = 0
  let skipped = 0
  for (const authority of authorities) {
    if (loaded.has(authority.laCode)) {
      skipped++
      continue
    }
    let t = Date.now()
    const made = authorityRows(authority, options, spec, agreer.userId)
    const made_ms = Date.now() - t
    generateMs += made_ms
    t = Date.now()
    await loadAuthority(db, made)
    const load_ms = Date.now() - t
    loadMs += load_ms
    for (const table of ENGLAND_TABLES) rows[table]! += made[table].length
    const ehcp = made.ehc_plan.length
    plans += ehcp
    senSupport += made.child.length - ehcp
    log(
      `${authority.laCode} ${authority.name}: ${ehcp} plans, ${made.child.length - ehcp} on SEN support (${made_ms} + ${load_ms} ms)`,
    )
  }

  const t = Date.now()
  log('building indexes and checking foreign keys')
  await putBack(db, log)
  await sql`analyze`.execute(db)
  const indexMs = Date.now() - t
  return {
    authorities: authorities.length - skipped,
    skipped,
    plans,
    senSupport,
    rows,
    generateMs,
    loadMs,
    indexMs,
    totalMs: Date.now() - started,
  }
}

import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../schema.ts'
import {
  AGE_BANDS,
  ageBandCounts,
  NO_LOCALITY,
  NO_NEED,
  type AgeBand,
  type CaseloadDimension,
  type CaseloadFilter,
  type CaseloadSettingType,
} from './rules/caseload.ts'

// The one definition of the EHCP caseload, in SQL: the plans in force on a date (issued on or before
// it, not ceased on or before it), each with the child's NC year and age on that date, the plan's
// primary need (ehc_plan_need rank 1), and the named setting's type and locality. Every count is a
// GROUP BY in the database; src/insight/rules/caseload.ts states the same definition as pure functions
// and the tests hold the two together. The SEN2 return reconciles against caseloadRecords().

export type { CaseloadDimension, CaseloadFilter } from './rules/caseload.ts'

/** One plan in the caseload: ids and the breakdown keys, no names. */
export type CaseloadRow = {
  planId: string
  childId: string
  ncYear: number
  age: number
  ageBand: AgeBand
  need: string
  locality: string
  settingType: CaseloadSettingType
}

/** The NC year on the date an SQL date expression gives (the same arithmetic as people/rules/nc-year.ts). */
export const ncYearSql = (on: RawBuilder<unknown>) =>
  sql<number>`(extract(year from (${on} - interval '8 months'))::int - extract(year from c.date_of_birth)::int - case when extract(month from c.date_of_birth) >= 9 then 1 else 0 end - 4)`

const ageSql = (on: RawBuilder<unknown>) => sql<number>`extract(year from age(${on}, c.date_of_birth))::int`

const ageBandSql = (on: RawBuilder<unknown>) =>
  sql<string>`case ${sql.join(
    AGE_BANDS.map(
      b => sql`when ${ncYearSql(on)} between ${sql.lit(b.from)} and ${sql.lit(b.to)} then ${sql.lit(b.code)}`,
    ),
    sql` `,
  )} end`

const NEED = sql<string>`coalesce(n.need_code, ${sql.lit(NO_NEED)})`
const LOCALITY = sql<string>`coalesce(s.locality_code, ${sql.lit(NO_LOCALITY)})`
const SETTING_TYPE = sql<string>`coalesce(s.setting_type, 'none')`

/** The SQL for a breakdown's key on the date `on` names. */
export function dimensionSql(by: CaseloadDimension, on: RawBuilder<unknown>): RawBuilder<unknown> {
  switch (by) {
    case 'ncYear':
      return ncYearSql(on)
    case 'ageBand':
      return ageBandSql(on)
    case 'need':
      return NEED
    case 'locality':
      return LOCALITY
    case 'settingType':
      return SETTING_TYPE
  }
}

const CHILD_JOIN = sql`join child c on c.la_code = p.la_code and c.id = p.child_id`
const SETTING_AND_NEED_JOINS = sql`left join setting s on s.id = p.named_setting_id
  left join ehc_plan_need n on n.la_code = p.la_code and n.plan_id = p.id and n.rank = 1`

/**
 * What a caseload query joins to the plan (alias p): its named setting (s) and rank-1 need (n), and its
 * child (c) when the child's date of birth is needed — an age group in the filter, or `withChild`. Every
 * plan has its child (a foreign key), so leaving the join out never changes a count.
 */
export function planJoins(filter: CaseloadFilter, withChild = false): RawBuilder<unknown> {
  return filter.ageBand || withChild ? sql`${CHILD_JOIN} ${SETTING_AND_NEED_JOINS}` : SETTING_AND_NEED_JOINS
}

/** The filter's conditions, with NC years (age bands) taken on the date `on` names. */
export function filterSql(filter: CaseloadFilter, on: RawBuilder<unknown>): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = []
  if (filter.locality) parts.push(sql`${LOCALITY} = ${filter.locality}`)
  if (filter.need) parts.push(sql`${NEED} = ${filter.need}`)
  if (filter.settingType) parts.push(sql`${SETTING_TYPE} = ${filter.settingType}`)
  if (filter.ageBand) {
    const band = AGE_BANDS.find(b => b.code === filter.ageBand)!
    parts.push(sql`${ncYearSql(on)} between ${band.from} and ${band.to}`)
  }
  return parts.length ? sql`and ${sql.join(parts, sql` and `)}` : sql``
}

const inForceSql = (on: RawBuilder<unknown>) =>
  sql`p.issued_on <= ${on} and (p.ceased_on is null or p.ceased_on > ${on})`

export class CaseloadStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  /** How many plans are in force on the date (that match the filter). */
  async count(on: string, filter: CaseloadFilter = {}): Promise<number> {
    const d = sql`${on}::date`
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ehc_plan p ${planJoins(filter)}
      where p.la_code = ${this.laCode} and ${inForceSql(d)} ${filterSql(filter, d)}`.execute(this.db)
    return rows[0]!.n
  }

  /** The caseload on the date counted by one breakdown, largest group first. */
  async countBy(on: string, by: CaseloadDimension, filter: CaseloadFilter = {}): Promise<{ key: string; n: number }[]> {
    // Counted by NC year in the database, then folded into the bands by the rule.
    if (by === 'ageBand') return ageBandCounts(await this.countBy(on, 'ncYear', filter))
    const d = sql`${on}::date`
    const { rows } = await sql<{
      key: string | number
      n: number
    }>`select ${dimensionSql(by, d)} as key, count(*)::int as n
      from ehc_plan p ${planJoins(filter, by === 'ncYear')}
      where p.la_code = ${this.laCode} and ${inForceSql(d)} ${filterSql(filter, d)}
      group by 1 order by 2 desc, 1`.execute(this.db)
    return rows.map(r => ({ key: String(r.key), n: r.n }))
  }

  /** The caseload on each of the dates, in one pass over the plans (a filtered count per date). */
  async series(dates: readonly string[], filter: CaseloadFilter = {}): Promise<Map<string, number>> {
    if (dates.length === 0) return new Map()
    const counts = dates.map((x, i) => {
      const d = sql`${x}::date`
      return sql`count(*) filter (where ${inForceSql(d)} ${filterSql(filter, d)})::int as ${sql.ref(`n${i}`)}`
    })
    const last = dates.reduce((a, b) => (a > b ? a : b))
    const { rows } = await sql<Record<string, number>>`select ${sql.join(counts)}
      from ehc_plan p ${planJoins(filter)}
      where p.la_code = ${this.laCode} and p.issued_on <= ${last}::date`.execute(this.db)
    return new Map(dates.map((x, i) => [x, rows[0]![`n${i}`] ?? 0]))
  }

  /** Plans issued and plans ceased in each calendar year of the range, up to `until` (NC years on the day of each). */
  async issuedAndCeasedByYear(fromYear: number, toYear: number, filter: CaseloadFilter = {}, until?: string) {
    const from = `${fromYear}-01-01`
    const last = `${toYear}-12-31`
    const to = until && until < last ? until : last
    const [issued, ceased] = await Promise.all(
      (['issued_on', 'ceased_on'] as const).map(async column => {
        const on = sql`p.${sql.ref(column)}`
        const { rows } = await sql<{
          year: number
          n: number
        }>`select extract(year from ${on})::int as year, count(*)::int as n
          from ehc_plan p ${planJoins(filter)}
          where p.la_code = ${this.laCode} and ${on} between ${from}::date and ${to}::date ${filterSql(filter, on)}
          group by 1`.execute(this.db)
        return new Map(rows.map(r => [r.year, r.n]))
      }),
    )
    return { issued: issued!, ceased: ceased! }
  }

  /** Every plan in the caseload on the date, with its breakdown keys (for reconciling person-level returns). */
  async records(on: string, filter: CaseloadFilter = {}): Promise<CaseloadRow[]> {
    const d = sql`${on}::date`
    const { rows } = await sql<CaseloadRow>`select p.id as "planId", p.child_id as "childId",
        ${ncYearSql(d)} as "ncYear", ${ageSql(d)} as age, ${ageBandSql(d)} as "ageBand",
        ${NEED} as need, ${LOCALITY} as locality, ${SETTING_TYPE} as "settingType"
      from ehc_plan p ${planJoins(filter, true)}
      where p.la_code = ${this.laCode} and ${inForceSql(d)} ${filterSql(filter, d)}
      order by p.id`.execute(this.db)
    return rows
  }
}

/** The caseload on a date, plan by plan: the function the SEN2 reconciliation test calls. */
export function caseloadRecords(
  db: Kysely<DB>,
  laCode: string,
  on: string,
  filter: CaseloadFilter = {},
): Promise<CaseloadRow[]> {
  return new CaseloadStore(db, laCode).records(on, filter)
}

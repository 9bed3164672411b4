import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'

// The only code that reads or writes cluster budgets' tables.

export class ClusterStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  /** The latest year's formula. */
  formula() {
    return this.db
      .selectFrom('cluster_formula')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .orderBy('financial_year', 'desc')
      .limit(1)
      .executeTakeFirst()
  }

  clusters() {
    return this.db
      .selectFrom('school_cluster as c')
      .innerJoin('setting as s', 's.id', 'c.host_setting_id')
      .select([
        'c.code',
        'c.name',
        'c.host_setting_id',
        's.name as host_name',
        'c.pupils',
        'c.ehcps',
        'c.sen_support',
        'c.deprivation',
        'c.counted_on',
        'c.version',
      ])
      .where('c.la_code', '=', this.laCode)
      .orderBy('c.code')
      .execute()
  }

  /**
   * Children with an EHC plan and on SEN support whose main placement in force on the date is at one
   * of each cluster's member schools: the factors the formula counts from the authority's own records.
   */
  async countedMeasures(on: string): Promise<Map<string, { ehcps: number; senSupport: number }>> {
    const { rows } = await sql<{ cluster_code: string; ehcps: number; sen_support: number }>`
      select m.cluster_code,
        count(distinct c.id) filter (where c.sen_status = 'ehcp')::int as ehcps,
        count(distinct c.id) filter (where c.sen_status = 'sen_support')::int as sen_support
      from cluster_member m
      join placement p on p.la_code = m.la_code and p.setting_id = m.setting_id and p.rank = 1
        and p.start_date <= ${on}::date and (p.end_date is null or p.end_date >= ${on}::date)
      join child c on c.la_code = p.la_code and c.id = p.child_id
      where m.la_code = ${this.laCode}
      group by m.cluster_code`.execute(this.db)
    return new Map(rows.map(r => [r.cluster_code, { ehcps: r.ehcps, senSupport: r.sen_support }]))
  }

  /** Sets every cluster's counted measures (a cluster with no such pupils counts 0). */
  async setCountedMeasures(counts: Map<string, { ehcps: number; senSupport: number }>, on: string) {
    for (const c of await this.clusters()) {
      const n = counts.get(c.code) ?? { ehcps: 0, senSupport: 0 }
      await this.db
        .updateTable('school_cluster')
        .set({ ehcps: n.ehcps, sen_support: n.senSupport, counted_on: on, version: sql`version + 1` })
        .where('la_code', '=', this.laCode)
        .where('code', '=', c.code)
        .execute()
    }
  }

  /** Sets a cluster's entered measures if its version is still `version`: the new version, or undefined when stale. */
  async updateEnteredMeasures(code: string, version: number, values: { pupils: number; deprivation: number }) {
    const row = await this.db
      .updateTable('school_cluster')
      .set({ ...values, version: sql`version + 1` })
      .where('la_code', '=', this.laCode)
      .where('code', '=', code)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version
  }

  members(code: string) {
    return this.db
      .selectFrom('cluster_member as m')
      .innerJoin('setting as s', 's.id', 'm.setting_id')
      .select(['s.id', 's.name'])
      .where('m.la_code', '=', this.laCode)
      .where('m.cluster_code', '=', code)
      .orderBy('s.name')
      .execute()
  }

  entries(year: number, code?: string) {
    let q = this.db
      .selectFrom('cluster_entry')
      .select(['id', 'cluster_code', 'kind', 'description', 'amount_pence', 'entry_date'])
      .where('la_code', '=', this.laCode)
      .where('financial_year', '=', year)
    if (code) q = q.where('cluster_code', '=', code)
    return q.orderBy('entry_date').orderBy('recorded_at').execute()
  }

  async addEntry(values: {
    cluster_code: string
    financial_year: number
    kind: 'allocation' | 'spend'
    description: string
    amount_pence: number
    entry_date: string
    recorded_by: string
  }): Promise<string> {
    const row = await this.db
      .insertInto('cluster_entry')
      .values({ ...values, la_code: this.laCode })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  /** Sets the formula if its version is still `version`: the new version, or undefined when stale. */
  async updateFormula(
    year: number,
    version: number,
    values: {
      pot_pence: number
      weight_pupils: number
      weight_ehcps: number
      weight_sen_support: number
      weight_deprivation: number
    },
  ): Promise<number | undefined> {
    const row = await this.db
      .updateTable('cluster_formula')
      .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('financial_year', '=', year)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version
  }
}

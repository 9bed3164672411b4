import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../schema.ts'
import { anonymousDateOfBirth, RECORD_CLASSES, type DisposalAction, type RecordClass } from './rules/retention.ts'

// Everything held about one child, found from the database's own catalog rather than a list kept by
// hand, so a table added later is found too. The rule (docs/decisions/0015-retention-and-disposal.md):
// a table holds child data when it is `child`, has a column named child_id, or has a foreign key to a
// table that holds child data; the rows held about a child are those reached from the child's row
// along those links. Audit rows about the child are those whose record_id is the id of one of them.

type ForeignKey = { table: string; columns: string[]; parent: string; parentColumns: string[] }
export type ChildData = Record<string, Record<string, unknown>[]>

export type Catalog = {
  /** Every table holding child data, in the order it is reached from child. */
  tables: string[]
  keys: ForeignKey[]
  primaryKeys: Record<string, string[]>
  /** Tables with a child_id column no foreign key leads to (found by the column alone). */
  byColumn: string[]
}

export async function readCatalog(db: Kysely<DB>): Promise<Catalog> {
  const { rows: keys } = await sql<ForeignKey>`
    select c.conrelid::regclass::text as table, c.confrelid::regclass::text as parent,
      array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
            join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns,
      array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
            join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as "parentColumns"
    from pg_constraint c
    where c.contype = 'f' and c.connamespace = 'public'::regnamespace
    order by 1, 2, c.conname`.execute(db)
  const { rows: pks } = await sql<{ table: string; columns: string[] }>`
    select c.conrelid::regclass::text as table,
      array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
            join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns
    from pg_constraint c
    where c.contype = 'p' and c.connamespace = 'public'::regnamespace`.execute(db)
  const { rows: withColumn } = await sql<{ table: string }>`
    select distinct c.table_name as table from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and c.column_name = 'child_id' and t.table_type = 'BASE TABLE'
    order by 1`.execute(db)

  const tables = ['child']
  for (let i = 0; i < tables.length; i++) {
    for (const key of keys) if (key.parent === tables[i] && !tables.includes(key.table)) tables.push(key.table)
  }
  const byColumn = withColumn.map(r => r.table).filter(t => !tables.includes(t))
  // A table found only by its column may still be a parent of others.
  tables.push(...byColumn)
  for (let i = 0; i < tables.length; i++) {
    for (const key of keys) if (key.parent === tables[i] && !tables.includes(key.table)) tables.push(key.table)
  }
  return {
    tables,
    keys: keys.filter(k => tables.includes(k.parent)),
    primaryKeys: Object.fromEntries(pks.map(p => [p.table, p.columns])),
    byColumn,
  }
}

const tuple = (values: unknown[]): RawBuilder<unknown> => sql`(${sql.join(values.map(v => sql`${v}`))})`
const columnTuple = (columns: string[]): RawBuilder<unknown> => sql`(${sql.join(columns.map(c => sql.ref(c)))})`

export class RetentionStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  /** Every row held about the child, table by table (every child-data table is present, maybe empty). */
  async childData(catalog: Catalog, childId: string): Promise<ChildData> {
    const data: ChildData = Object.fromEntries(catalog.tables.map(t => [t, []]))
    const seen: Record<string, Set<string>> = Object.fromEntries(catalog.tables.map(t => [t, new Set<string>()]))
    const add = (table: string, rows: Record<string, unknown>[]) => {
      let added = 0
      const pk = catalog.primaryKeys[table]
      for (const row of rows) {
        const id = JSON.stringify(pk ? pk.map(c => row[c]) : row)
        if (seen[table]!.has(id)) continue
        seen[table]!.add(id)
        data[table]!.push(row)
        added++
      }
      return added
    }
    const select = async (table: string, where: RawBuilder<unknown>) =>
      (await sql<Record<string, unknown>>`select * from ${sql.table(table)} where ${where}`.execute(this.db)).rows

    add('child', await select('child', sql`la_code = ${this.laCode} and id = ${childId}`))
    for (const table of catalog.byColumn) {
      add(table, await select(table, sql`child_id = ${childId}`))
    }
    // Follow the links until nothing new is found (a table can be reached by several paths).
    for (let changed = true; changed;) {
      changed = false
      for (const key of catalog.keys) {
        const parents = data[key.parent]!
        if (!parents.length) continue
        const values = parents
          .map(p => key.parentColumns.map(c => p[c]))
          .filter(v => v.every(x => x !== null && x !== undefined))
        if (!values.length) continue
        const rows = await select(
          key.table,
          sql`${columnTuple(key.columns)} in (${sql.join(values.map(v => tuple(v)))})`,
        )
        if (add(key.table, rows)) changed = true
      }
    }
    return data
  }

  /** Audit rows about the child or any of its records. */
  async auditAbout(data: ChildData): Promise<Record<string, unknown>[]> {
    const ids = new Set<string>()
    for (const rows of Object.values(data)) for (const row of rows) if (typeof row.id === 'string') ids.add(row.id)
    if (!ids.size) return []
    return this.db
      .selectFrom('audit_event')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('record_id', 'in', [...ids])
      .orderBy('id')
      .execute()
  }

  async findChild(reference: string) {
    return this.db
      .selectFrom('child')
      .select(['id', 'local_id', 'upn', 'first_name', 'last_name', 'date_of_birth'])
      .where('la_code', '=', this.laCode)
      .where(eb => eb.or([eb('local_id', '=', reference), eb('upn', '=', reference.toUpperCase())]))
      .executeTakeFirst()
  }

  /** The authority's rules, copied from the defaults the first time they are read. */
  async rules() {
    await sql`insert into retention_rule (la_code, record_class, years_from_birth)
      select ${this.laCode}, record_class, years_from_birth from retention_rule_default
      on conflict do nothing`.execute(this.db)
    return this.db
      .selectFrom('retention_rule')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .orderBy('record_class')
      .execute()
  }

  async updateRule(recordClass: RecordClass, years: number, version: number, userId: string) {
    return this.db
      .updateTable('retention_rule')
      .set({ years_from_birth: years, version: sql`version + 1`, updated_at: sql`now()`, updated_by: userId })
      .where('la_code', '=', this.laCode)
      .where('record_class', '=', recordClass)
      .where('version', '=', version)
      .executeTakeFirst()
  }

  /** Children born on or before the date, with the classes already disposed of and any active hold. */
  async candidates(bornOnOrBefore: string) {
    return this.db
      .selectFrom('child as c')
      .select(['c.id', 'c.local_id', 'c.first_name', 'c.last_name', 'c.date_of_birth'])
      .select(eb => [
        eb
          .selectFrom('retention_disposal as d')
          .select(sql<string[]>`coalesce(array_agg(d.record_class::text), '{}')`.as('classes'))
          .whereRef('d.la_code', '=', 'c.la_code')
          .whereRef('d.child_id', '=', 'c.id')
          .as('disposed'),
        eb
          .selectFrom('legal_hold as h')
          .select('h.id')
          .whereRef('h.la_code', '=', 'c.la_code')
          .whereRef('h.child_id', '=', 'c.id')
          .where('h.lifted_at', 'is', null)
          .as('hold_id'),
      ])
      .where('c.la_code', '=', this.laCode)
      .where('c.date_of_birth', '<=', bornOnOrBefore)
      .orderBy('c.date_of_birth')
      .orderBy('c.local_id')
      .execute()
  }

  /** Placing a hold and disposing both lock the child's row first, so one of them waits for the other. */
  async lockChild(childId: string) {
    await this.db
      .selectFrom('child')
      .select('id')
      .where('la_code', '=', this.laCode)
      .where('id', '=', childId)
      .forUpdate()
      .execute()
  }

  async activeHold(childId: string) {
    return this.db
      .selectFrom('legal_hold')
      .select('id')
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .where('lifted_at', 'is', null)
      .executeTakeFirst()
  }

  /** Deletes or anonymises the rows of one class, in one statement so the order of the links does not matter. */
  async dispose(
    catalog: Catalog,
    data: ChildData,
    childId: string,
    recordClass: RecordClass,
    at: Date,
  ): Promise<{ action: DisposalAction; rows: Record<string, number> }> {
    const definition = RECORD_CLASSES[recordClass]
    const rows: Record<string, number> = {}
    const byKey = (table: string) => {
      const pk = catalog.primaryKeys[table]!
      return sql`${columnTuple(pk)} in (${sql.join(data[table]!.map(r => tuple(pk.map(c => r[c]))))})`
    }
    const present = definition.tables.filter(t => data[t]?.length)
    if (definition.action === 'delete') {
      if (present.length) {
        const steps = present.map(
          (t, i) =>
            sql`${sql.raw(`d${i}`)} as (delete from ${sql.table(t)} where la_code = ${this.laCode} and ${byKey(t)})`,
        )
        await sql`with ${sql.join(steps)} select 1`.execute(this.db)
      }
    } else {
      for (const [table, columns] of Object.entries(definition.anonymise ?? {})) {
        if (!data[table]?.length) continue
        const sets = Object.entries(columns).map(([c, v]) =>
          v === null
            ? sql`${sql.ref(c)} = null`
            : sql`${sql.ref(c)} = case when ${sql.ref(c)} is null then ${sql.ref(c)} else ${v} end`,
        )
        if (table === 'child') {
          sets.push(sql`local_id = 'D' || left(replace(id::text, '-', ''), 19)`)
          const dob = String(data.child![0]!.date_of_birth)
          sets.push(sql`date_of_birth = ${anonymousDateOfBirth(dob)}`)
        }
        await sql`update ${sql.table(table)} set ${sql.join(sets)} where la_code = ${this.laCode} and ${byKey(table)}`.execute(
          this.db,
        )
      }
    }
    for (const t of definition.tables) rows[t] = data[t]?.length ?? 0
    await this.db
      .insertInto('retention_disposal')
      .values({
        la_code: this.laCode,
        child_id: childId,
        record_class: recordClass,
        action: definition.action,
        disposed_at: at,
      })
      .execute()
    return { action: definition.action, rows }
  }

  async holds() {
    return this.db
      .selectFrom('legal_hold as h')
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'h.la_code').onRef('c.id', '=', 'h.child_id'))
      .select(['h.id', 'h.reason', 'h.placed_at', 'h.version', 'c.local_id', 'c.first_name', 'c.last_name'])
      .where('h.la_code', '=', this.laCode)
      .where('h.lifted_at', 'is', null)
      .orderBy('h.placed_at')
      .execute()
  }

  async placeHold(childId: string, reason: string, userId: string, at: Date) {
    return this.db
      .insertInto('legal_hold')
      .values({ la_code: this.laCode, child_id: childId, reason, placed_by: userId, placed_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
  }

  async hold(id: string) {
    return this.db
      .selectFrom('legal_hold')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  async liftHold(id: string, version: number, reason: string, userId: string, at: Date) {
    return this.db
      .updateTable('legal_hold')
      .set({ lifted_at: at, lifted_by: userId, lift_reason: reason, version: sql`version + 1` })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .where('lifted_at', 'is', null)
      .executeTakeFirst()
  }
}

import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { Measure, Rag, Status } from './rules/progress.ts'

// The only code that reads or writes the improvement programme's tables.

const uuidOrNull = (id: string) => (/^[0-9a-f-]{36}$/i.test(id) ? id : null)
const byId = (id: string) => sql<string>`${uuidOrNull(id)}::uuid`
/** Refs like 2.10 sort after 2.9: by each dotted run of digits as a number (any ref the import allows). */
const refOrder = (column: 'a.ref' | 'i.ref') =>
  sql`array_remove(string_to_array(regexp_replace(${sql.ref(column)}, '[^0-9.]', '', 'g'), '.'), '')::numeric[]`

export type ActionValues = {
  description: string
  owner: string
  due_date: string
  status: Status
  evidence: string
  completed_on: string | null
}

export class ProgrammeStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  areas() {
    return this.db
      .selectFrom('programme_area')
      .select(['id', 'position', 'title', 'weakness'])
      .where('la_code', '=', this.laCode)
      .orderBy('position')
      .execute()
  }

  area(id: string) {
    return this.db
      .selectFrom('programme_area')
      .select(['id', 'position', 'title', 'weakness'])
      .where('la_code', '=', this.laCode)
      .where('id', '=', byId(id))
      .executeTakeFirst()
  }

  actions(areaId?: string) {
    let q = this.db
      .selectFrom('programme_action as a')
      .innerJoin('programme_area as r', 'r.id', 'a.area_id')
      .select([
        'a.id',
        'a.area_id',
        'r.position as area_position',
        'r.title as area_title',
        'a.ref',
        'a.description',
        'a.owner',
        'a.due_date',
        'a.status',
        'a.evidence',
        'a.completed_on',
        'a.measure',
        'a.version',
      ])
      .where('a.la_code', '=', this.laCode)
    if (areaId) q = q.where('a.area_id', '=', byId(areaId))
    return q.orderBy('r.position').orderBy(refOrder('a.ref')).orderBy('a.ref').execute()
  }

  action(id: string) {
    return this.db
      .selectFrom('programme_action')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('id', '=', byId(id))
      .executeTakeFirst()
  }

  /** Saves an action if its version is still `version`: the new version, or undefined when stale. */
  async updateAction(id: string, version: number, values: ActionValues) {
    const row = await this.db
      .updateTable('programme_action')
      .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version
  }

  async insertAction(values: ActionValues & { area_id: string; ref: string }) {
    await this.db
      .insertInto('programme_action')
      .values({ ...values, la_code: this.laCode })
      .execute()
  }

  async updateActionByRef(ref: string, values: ActionValues & { area_id: string }) {
    await this.db
      .updateTable('programme_action')
      .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('ref', '=', ref)
      .execute()
  }

  workstreams() {
    return this.db
      .selectFrom('programme_workstream')
      .select(['id', 'number', 'name'])
      .where('la_code', '=', this.laCode)
      .orderBy('number')
      .execute()
  }

  groups() {
    return this.db
      .selectFrom('programme_group')
      .select(['workstream_id', 'name', 'frequency'])
      .where('la_code', '=', this.laCode)
      .orderBy('workstream_id')
      .orderBy('position')
      .execute()
  }

  items() {
    return this.db
      .selectFrom('programme_item as i')
      .innerJoin('programme_workstream as w', 'w.id', 'i.workstream_id')
      .select([
        'i.id',
        'i.workstream_id',
        'w.number as workstream_number',
        'w.name as workstream_name',
        'i.ref',
        'i.title',
        'i.purpose',
        'i.next_steps',
        'i.impact',
        'i.rag',
        'i.measure',
        'i.version',
      ])
      .where('i.la_code', '=', this.laCode)
      .orderBy('w.number')
      .orderBy(refOrder('i.ref'))
      .orderBy('i.ref')
      .execute()
  }

  item(id: string) {
    return this.db
      .selectFrom('programme_item')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('id', '=', byId(id))
      .executeTakeFirst()
  }

  ragChanges(itemId?: string) {
    let q = this.db
      .selectFrom('programme_rag_change')
      .select(['item_id', 'from_rag', 'to_rag', 'changed_on', 'changed_by_name', 'reason', 'recorded_at'])
      .where('la_code', '=', this.laCode)
    if (itemId) q = q.where('item_id', '=', byId(itemId))
    return q.orderBy('changed_on').orderBy('recorded_at').execute()
  }

  /** Sets an item's RAG and next steps if its version is still `version`: the new version, or undefined when stale. */
  async updateItem(id: string, version: number, values: { rag: Rag; next_steps: string }) {
    const row = await this.db
      .updateTable('programme_item')
      .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version
  }

  async addRagChange(values: {
    item_id: string
    from_rag: Rag | null
    to_rag: Rag
    changed_on: string
    changed_by: string | null
    changed_by_name: string
    reason: string
  }) {
    await this.db
      .insertInto('programme_rag_change')
      .values({ ...values, la_code: this.laCode })
      .execute()
  }

  async insertItem(values: {
    workstream_id: string
    ref: string
    title: string
    purpose: string
    next_steps: string
    impact: string
    rag: Rag
  }): Promise<string> {
    const row = await this.db
      .insertInto('programme_item')
      .values({ ...values, la_code: this.laCode })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  async updateItemByRef(
    ref: string,
    values: { workstream_id: string; title: string; purpose: string; next_steps: string; impact: string; rag: Rag },
  ) {
    await this.db
      .updateTable('programme_item')
      .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('ref', '=', ref)
      .execute()
  }

  measures() {
    return this.db
      .selectFrom('programme_measure')
      .select(['key', 'baseline', 'baseline_on', 'target', 'version'])
      .where('la_code', '=', this.laCode)
      .orderBy('key')
      .execute()
  }

  async measureKeys(): Promise<Set<Measure>> {
    return new Set((await this.measures()).map(m => m.key))
  }
}

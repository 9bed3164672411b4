import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { ChildRow, PlacementRow, RowError, SettingRow } from './rules/import-rows.ts'
import type { DB } from '../schema.ts'

// The import's reads and writes of the people tables, kept apart from store.ts because they are
// bulk upserts with their own shape. Every statement is scoped to one local authority. Lists of
// keys travel as one array parameter each; inserts go in batches well under PostgreSQL's
// 65,535 bind parameters (at most 9 columns × BATCH).

export const BATCH = 1000

export type Counts = { inserted: number; updated: number; unchanged: number }
export type ImportOutcome = { counts: Counts; errors: RowError[] }
type Lined<T> = T & { line: number }
/** Called after each batch is written, inside the transaction (progress logging). */
export type OnBatch = (written: number) => void

const SETTING_COLUMNS = [
  'name',
  'setting_type',
  'phase',
  'governance',
  'locality_code',
  'out_of_area',
  'resource_base_places',
] as const
const CHILD_COLUMNS = [
  'upn',
  'first_name',
  'last_name',
  'date_of_birth',
  'sex',
  'sen_status',
  'ehcp_start_date',
] as const
const PLACEMENT_COLUMNS = ['end_date', 'rank', 'resourced_provision'] as const

/** `set col = excluded.col` for each column. Typed `never` so Kysely accepts it for any column. */
function fromExcluded<C extends string>(columns: readonly C[]) {
  return Object.fromEntries(columns.map(c => [c, sql<never>`excluded.${sql.id(c)}`])) as Record<C, RawBuilder<never>>
}

/** True when the incoming row differs from the stored one, so an unchanged row is not rewritten. */
function differs(table: string, columns: readonly string[]) {
  const stored = sql.join(columns.map(c => sql.ref(`${table}.${c}`)))
  const incoming = sql.join(columns.map(c => sql`excluded.${sql.id(c)}`))
  return sql<boolean>`(${stored}) is distinct from (${incoming})`
}

// xmax is 0 on a row this statement inserted and set on one it updated: PostgreSQL's way of
// telling the two apart in an upsert's RETURNING.
const wasInserted = sql<boolean>`(xmax = 0)`.as('inserted')

function tally(counts: Counts, batchSize: number, written: { inserted: boolean }[]) {
  const inserted = written.filter(w => w.inserted).length
  counts.inserted += inserted
  counts.updated += written.length - inserted
  counts.unchanged += batchSize - written.length
}

function batches<T>(rows: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH))
  return out
}

export class ImportStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): ImportStore {
    return new ImportStore(db, this.laCode)
  }

  async importSettings(rows: Lined<SettingRow>[], onBatch: OnBatch = () => {}): Promise<ImportOutcome> {
    const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 }
    const codes = [...new Set(rows.flatMap(r => (r.locality_code ? [r.locality_code] : [])))]
    const known = new Set(
      (
        await this.db
          .selectFrom('locality')
          .select('code')
          .where('la_code', '=', this.laCode)
          .where('code', '=', sql<string>`any(${codes}::text[])`)
          .execute()
      ).map(r => r.code),
    )
    const errors: RowError[] = rows
      .filter(r => r.locality_code !== null && !known.has(r.locality_code))
      .map(r => ({ line: r.line, column: 'locality_code', message: 'is not one of this authority’s locality codes' }))
    if (errors.length) return { counts, errors }

    for (const batch of batches(rows)) {
      const written = await this.db
        .insertInto('setting')
        .values(batch.map(({ line: _, ...row }) => ({ la_code: this.laCode, ...row })))
        .onConflict(oc =>
          oc
            .columns(['la_code', 'urn'])
            .doUpdateSet({
              ...fromExcluded(SETTING_COLUMNS),
              version: sql`setting.version + 1`,
              updated_at: sql`now()`,
            })
            .where(differs('setting', SETTING_COLUMNS)),
        )
        .returning(wasInserted)
        .execute()
      tally(counts, batch.length, written)
      onBatch(batch.length)
    }
    return { counts, errors }
  }

  async importChildren(rows: Lined<ChildRow>[], onBatch: OnBatch = () => {}): Promise<ImportOutcome> {
    const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 }
    // A UPN already held by another child is refused rather than moved: two children cannot share
    // one, and moving it silently would hide a data error in one of the two records.
    const upns = rows.flatMap(r => (r.upn ? [r.upn] : []))
    const holders = new Map(
      (
        await this.db
          .selectFrom('child')
          .select(['local_id', 'upn'])
          .where('la_code', '=', this.laCode)
          .where('upn', '=', sql<string>`any(${upns}::text[])`)
          .execute()
      ).map(r => [r.upn!, r.local_id]),
    )
    const errors: RowError[] = []
    for (const row of rows) {
      const holder = row.upn ? holders.get(row.upn) : undefined
      if (holder !== undefined && holder !== row.local_id) {
        errors.push({
          line: row.line,
          column: 'upn',
          message: `is already recorded for another child (local_id ${holder})`,
        })
      }
    }
    if (errors.length) return { counts, errors }

    for (const batch of batches(rows)) {
      const written = await this.db
        .insertInto('child')
        .values(
          batch.map(r => ({
            la_code: this.laCode,
            local_id: r.local_id,
            upn: r.upn,
            first_name: r.first_name,
            last_name: r.last_name,
            date_of_birth: r.date_of_birth,
            sex: r.sex,
            sen_status: r.sen_status,
            ehcp_start_date: r.ehcp_start_date,
          })),
        )
        .onConflict(oc =>
          oc
            .columns(['la_code', 'local_id'])
            .doUpdateSet({ ...fromExcluded(CHILD_COLUMNS), version: sql`child.version + 1`, updated_at: sql`now()` })
            .where(differs('child', CHILD_COLUMNS)),
        )
        .returning(['id', wasInserted])
        .execute()
      const ids = new Map(
        (
          await this.db
            .selectFrom('child')
            .select(['id', 'local_id'])
            .where('la_code', '=', this.laCode)
            .where('local_id', '=', sql<string>`any(${batch.map(r => r.local_id)}::text[])`)
            .execute()
        ).map(r => [r.local_id, r.id]),
      )
      const needChanged = await this.writeNeeds(batch.map(r => ({ ...r, id: ids.get(r.local_id)! })))
      // A change of need alone is still a change to the child's record: it moves the version too.
      const rewritten = new Set(written.map(w => w.id))
      const needOnly = [...needChanged].filter(id => !rewritten.has(id))
      if (needOnly.length) {
        await this.db
          .updateTable('child')
          .set({ version: sql`version + 1`, updated_at: sql`now()` })
          .where('la_code', '=', this.laCode)
          .where('id', '=', sql<string>`any(${needOnly}::uuid[])`)
          .execute()
      }
      tally(counts, batch.length, [...written, ...needOnly.map(() => ({ inserted: false }))])
      onBatch(batch.length)
    }
    return { counts, errors }
  }

  /** Makes each child's ranked needs match the file; returns the ids of children whose needs changed. */
  private async writeNeeds(children: (ChildRow & { id: string })[]): Promise<Set<string>> {
    const wanted = children.flatMap(c => [
      ...(c.primary_need ? [{ la_code: this.laCode, child_id: c.id, rank: 1, need_code: c.primary_need }] : []),
      ...(c.secondary_need ? [{ la_code: this.laCode, child_id: c.id, rank: 2, need_code: c.secondary_need }] : []),
    ])
    const changed = new Set<string>()
    if (wanted.length) {
      const upserted = await this.db
        .insertInto('child_need')
        .values(wanted)
        .onConflict(oc =>
          oc
            .columns(['la_code', 'child_id', 'rank'])
            .doUpdateSet(fromExcluded(['need_code']))
            .where(differs('child_need', ['need_code'])),
        )
        .returning('child_id')
        .execute()
      for (const row of upserted) changed.add(row.child_id)
    }
    const noPrimary = children.filter(c => !c.primary_need).map(c => c.id)
    const noSecondary = children.filter(c => c.primary_need && !c.secondary_need).map(c => c.id)
    if (noPrimary.length || noSecondary.length) {
      const removed = await this.db
        .deleteFrom('child_need')
        .where('la_code', '=', this.laCode)
        .where(eb =>
          eb.or([
            eb('child_id', '=', sql<string>`any(${noPrimary}::uuid[])`),
            eb.and([eb('rank', '=', 2), eb('child_id', '=', sql<string>`any(${noSecondary}::uuid[])`)]),
          ]),
        )
        .returning('child_id')
        .execute()
      for (const row of removed) changed.add(row.child_id)
    }
    return changed
  }

  async importPlacements(rows: Lined<PlacementRow>[], onBatch: OnBatch = () => {}): Promise<ImportOutcome> {
    const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 }
    const localIds = [...new Set(rows.flatMap(r => (r.local_id ? [r.local_id] : [])))]
    const upns = [...new Set(rows.flatMap(r => (r.upn ? [r.upn] : [])))]
    const children = await this.db
      .selectFrom('child')
      .select(['id', 'local_id', 'upn'])
      .where('la_code', '=', this.laCode)
      .where(eb =>
        eb.or([
          eb('local_id', '=', sql<string>`any(${localIds}::text[])`),
          eb('upn', '=', sql<string>`any(${upns}::text[])`),
        ]),
      )
      .execute()
    const byLocalId = new Map(children.map(c => [c.local_id, c.id]))
    const byUpn = new Map(children.flatMap(c => (c.upn ? [[c.upn, c.id] as const] : [])))
    const urns = [...new Set(rows.map(r => r.urn))]
    const settings = new Map(
      (
        await this.db
          .selectFrom('setting')
          .select(['id', 'urn'])
          .where('la_code', '=', this.laCode)
          .where('urn', '=', sql<string>`any(${urns}::text[])`)
          .execute()
      ).map(s => [s.urn, s.id]),
    )

    const errors: RowError[] = []
    const resolved: (Lined<PlacementRow> & { childId: string; settingId: string })[] = []
    for (const row of rows) {
      const before = errors.length
      const viaId = row.local_id === null ? null : byLocalId.get(row.local_id)
      const viaUpn = row.upn === null ? null : byUpn.get(row.upn)
      if (viaId === undefined)
        errors.push({ line: row.line, column: 'local_id', message: 'no child has this local_id' })
      if (viaUpn === undefined) errors.push({ line: row.line, column: 'upn', message: 'no child has this UPN' })
      if (viaId && viaUpn && viaId !== viaUpn) {
        errors.push({ line: row.line, column: 'upn', message: 'belongs to a different child from the local_id' })
      }
      const settingId = settings.get(row.urn)
      if (!settingId)
        errors.push({ line: row.line, column: 'urn', message: 'no setting of this authority has this URN' })
      if (errors.length === before) resolved.push({ ...row, childId: (viaId ?? viaUpn)!, settingId: settingId! })
    }
    if (errors.length) return { counts, errors }

    for (const batch of batches(resolved)) {
      const written = await this.db
        .insertInto('placement')
        .values(
          batch.map(r => ({
            la_code: this.laCode,
            child_id: r.childId,
            setting_id: r.settingId,
            start_date: r.start_date,
            end_date: r.end_date,
            rank: r.rank,
            resourced_provision: r.resourced_provision,
          })),
        )
        .onConflict(oc =>
          oc
            .columns(['la_code', 'child_id', 'setting_id', 'start_date'])
            .doUpdateSet(fromExcluded(PLACEMENT_COLUMNS))
            .where(differs('placement', PLACEMENT_COLUMNS)),
        )
        .returning(wasInserted)
        .execute()
      tally(counts, batch.length, written)
      onBatch(batch.length)
    }
    return { counts, errors: await this.overlapping(resolved) }
  }

  /**
   * After writing: each imported placement that overlaps another of the same child and rank,
   * whether that one came from the file or was already recorded. The caller rolls back if any.
   */
  private async overlapping(
    rows: (Lined<PlacementRow> & { childId: string; settingId: string })[],
  ): Promise<RowError[]> {
    const found = await sql<{ line: number; urn: string; start_date: string }>`
      select distinct on (f.line) f.line, s.urn, b.start_date
      from unnest(${rows.map(r => r.childId)}::uuid[], ${rows.map(r => r.settingId)}::uuid[],
                  ${rows.map(r => r.start_date)}::date[], ${rows.map(r => r.line)}::int[])
        as f(child_id, setting_id, start_date, line)
      join placement a on a.la_code = ${this.laCode} and a.child_id = f.child_id
        and a.setting_id = f.setting_id and a.start_date = f.start_date
      join placement b on b.la_code = a.la_code and b.child_id = a.child_id and b.rank = a.rank and b.id <> a.id
        and b.start_date <= coalesce(a.end_date, 'infinity'::date) and a.start_date <= coalesce(b.end_date, 'infinity'::date)
      join setting s on s.id = b.setting_id
      order by f.line, b.start_date`.execute(this.db)
    return found.rows.map(r => ({
      line: r.line,
      column: 'start_date',
      message: `overlaps this child’s placement at URN ${r.urn} starting ${r.start_date} (same rank)`,
    }))
  }
}

import { sql, type Kysely } from 'kysely'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { analyze } from '../platform/db/index.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import { log } from '../platform/log.ts'
import type { DB } from '../schema.ts'
import { parseLegacyFunding, type LegacyRow, type RowError } from './rules/legacy-rows.ts'

// Legacy funding amounts from a CSV file (docs/import-formats.md): pupils at a setting type not yet
// on the matrix keep their imported amount until its end date; the funding run pays these rows.

const IMPORTERS: readonly Role[] = ['la_admin', 'finance_officer']
const ACTION = 'import.legacy_funding'

export type LegacyCounts = { inserted: number; updated: number; unchanged: number }
export type LegacyImportResult = LegacyCounts & { rows: number }

export function describeLegacyError(e: RowError): string {
  return `line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}`
}

/** The whole file was refused: nothing was written. Carries every bad row. */
export class LegacyImportRejected extends ValidationError {
  constructor(readonly rowErrors: RowError[]) {
    super(rowErrors.map(e => ({ field: `line-${e.line}`, message: describeLegacyError(e) })))
    this.name = 'LegacyImportRejected'
  }
}

/** The queries behind the import, on whichever connection (or transaction) it is given. */
class LegacyStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('legacy_funding')
      .select(eb => eb.fn.countAll<string>().as('n'))
      .where('la_code', '=', this.laCode)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  async childrenByLocalId(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map()
    const rows = await this.db
      .selectFrom('child')
      .select(['id', 'local_id'])
      .where('la_code', '=', this.laCode)
      .where('local_id', 'in', ids)
      .execute()
    return new Map(rows.map(r => [r.local_id, r.id]))
  }

  async childrenByUpn(upns: string[]): Promise<Map<string, string>> {
    if (!upns.length) return new Map()
    const rows = await this.db
      .selectFrom('child')
      .select(['id', 'upn'])
      .where('la_code', '=', this.laCode)
      .where('upn', 'in', upns)
      .execute()
    return new Map(rows.map(r => [r.upn!, r.id]))
  }

  async settingsByUrn(urns: string[]): Promise<Map<string, string>> {
    if (!urns.length) return new Map()
    const rows = await this.db
      .selectFrom('setting')
      .select(['id', 'urn'])
      .where('la_code', '=', this.laCode)
      .where('urn', 'in', urns)
      .execute()
    return new Map(rows.map(r => [r.urn, r.id]))
  }

  async existing(childIds: string[]) {
    if (!childIds.length) return []
    return this.db
      .selectFrom('legacy_funding')
      .select(['id', 'child_id', 'setting_id', 'start_date', 'annual_pence', 'end_date', 'note', 'kind', 'award_id'])
      .where('la_code', '=', this.laCode)
      .where('child_id', 'in', childIds)
      .orderBy('created_at')
      .execute()
  }

  async insert(rows: { childId: string; settingId: string; row: LegacyRow }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto('legacy_funding')
        .values(
          rows.slice(i, i + 500).map(({ childId, settingId, row }) => ({
            la_code: this.laCode,
            child_id: childId,
            setting_id: settingId,
            annual_pence: row.annualPence,
            start_date: row.startDate,
            end_date: row.endDate,
            note: row.note,
            kind: row.kind,
          })),
        )
        .execute()
    }
  }

  /** A row linked to its matrix award keeps the end date and kind that issuing the panel's decision set. */
  async update(id: string, row: LegacyRow, linked: boolean): Promise<void> {
    await this.db
      .updateTable('legacy_funding')
      .set({
        annual_pence: row.annualPence,
        note: row.note,
        ...(linked ? {} : { end_date: row.endDate, kind: row.kind }),
        version: sql<number>`version + 1`,
        updated_at: sql<string>`now()`,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .execute()
  }
}

const dateText = (d: unknown): string | null =>
  d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10)

export class LegacyImportService {
  private readonly store: LegacyStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {
    this.store = new LegacyStore(db, laCode)
  }

  mayImport(actor: Actor): boolean {
    return IMPORTERS.includes(actor.role)
  }

  /** Refuses, and records the attempt, unless the actor may import. The upload route calls it before reading the file. */
  async authorise(actor: Actor): Promise<void> {
    if (this.mayImport(actor)) return
    await audit(this.db, this.laCode, actor, { action: ACTION, recordType: 'import', outcome: 'denied' })
    throw new ForbiddenError()
  }

  async count(actor: Actor): Promise<number> {
    if (!this.mayImport(actor)) throw new ForbiddenError()
    return this.store.count()
  }

  /**
   * Imports the file all-or-nothing, keyed on (child, setting, start date): a new key is added, a
   * changed amount, end date, note or kind is updated, and a second import of the same file changes nothing.
   */
  async import(actor: Actor, csvText: string): Promise<LegacyImportResult> {
    await this.authorise(actor)
    const parsed = parseLegacyFunding(csvText)
    if (!parsed.ok) return this.reject(actor, parsed.errors)
    const rows = parsed.rows
    try {
      const counts = await this.db.transaction().execute(async trx => {
        const store = new LegacyStore(trx, this.laCode)
        const unique = <T>(xs: (T | null)[]) => [...new Set(xs.filter((x): x is T => x !== null))]
        const byLocalId = await store.childrenByLocalId(unique(rows.map(r => r.childId)))
        const byUpn = await store.childrenByUpn(unique(rows.map(r => (r.childId === null ? r.upn : null))))
        const byUrn = await store.settingsByUrn(unique(rows.map(r => r.settingUrn)))
        const errors: RowError[] = []
        const resolved: { childId: string; settingId: string; row: LegacyRow }[] = []
        for (const row of rows) {
          const childId = row.childId !== null ? byLocalId.get(row.childId) : byUpn.get(row.upn!)
          const settingId = byUrn.get(row.settingUrn)
          if (!childId) {
            errors.push(
              row.childId !== null
                ? { line: row.line, column: 'child_id', message: 'no child has this child id' }
                : { line: row.line, column: 'upn', message: 'no child has this UPN' },
            )
          }
          if (!settingId) errors.push({ line: row.line, column: 'setting_urn', message: 'no setting has this URN' })
          if (childId && settingId) resolved.push({ childId, settingId, row })
        }
        const seen = new Map<string, number>()
        for (const r of resolved) {
          // A child named by child_id on one line and by UPN on another is still the same child.
          const key = `${r.childId}|${r.settingId}|${r.row.startDate}`
          const earlier = seen.get(key)
          if (earlier !== undefined) {
            errors.push({
              line: r.row.line,
              column: 'start_date',
              message: `this child, setting and start date is also on line ${earlier}`,
            })
          } else seen.set(key, r.row.line)
        }
        // Thrown inside the callback so the transaction rolls back.
        if (errors.length) throw new LegacyImportRejected(errors.sort((a, b) => a.line - b.line))

        const current = new Map<string, Awaited<ReturnType<LegacyStore['existing']>>[number]>()
        for (const e of await store.existing(unique(resolved.map(r => r.childId)))) {
          const key = `${e.child_id}|${e.setting_id}|${dateText(e.start_date)}`
          if (!current.has(key)) current.set(key, e)
        }
        const counts: LegacyCounts = { inserted: 0, updated: 0, unchanged: 0 }
        const inserts: typeof resolved = []
        for (const r of resolved) {
          const was = current.get(`${r.childId}|${r.settingId}|${r.row.startDate}`)
          if (!was) {
            inserts.push(r)
            counts.inserted++
          } else if (
            Number(was.annual_pence) !== r.row.annualPence ||
            (was.note ?? null) !== r.row.note ||
            (was.award_id === null && (dateText(was.end_date) !== r.row.endDate || was.kind !== r.row.kind))
          ) {
            await store.update(was.id, r.row, was.award_id !== null)
            counts.updated++
          } else counts.unchanged++
        }
        await store.insert(inserts)
        await audit(trx, this.laCode, actor, {
          action: ACTION,
          recordType: 'import',
          details: { rows: rows.length, ...counts },
        })
        return counts
      })
      await analyze(this.db, ['legacy_funding'])
      log.info('legacy funding import finished', { rows: rows.length, ...counts })
      return { rows: rows.length, ...counts }
    } catch (error) {
      if (error instanceof LegacyImportRejected) return this.reject(actor, error.rowErrors)
      throw error
    }
  }

  // Recorded outside any transaction, so the refusal is kept although the import was rolled back.
  private async reject(actor: Actor, errors: RowError[]): Promise<never> {
    const lines = new Set(errors.map(e => e.line)).size
    await audit(this.db, this.laCode, actor, {
      action: ACTION,
      recordType: 'import',
      outcome: 'failed',
      details: { errors: errors.length, lines },
    })
    throw new LegacyImportRejected(errors)
  }
}

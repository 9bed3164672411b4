import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { analyze } from '../platform/db/index.ts'
import { ConflictError, ForbiddenError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import { log } from '../platform/log.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { ImportStore, type Counts, type ImportOutcome } from './import-store.ts'
import {
  IMPORT_KINDS,
  parseChildren,
  parsePlacements,
  parseSettings,
  type ImportKind,
  type RowError,
} from './rules/import-rows.ts'

// The tables each kind of import writes, whose planner statistics are refreshed after it.
const IMPORT_TABLES: Record<ImportKind, (keyof DB)[]> = {
  settings: ['setting'],
  children: ['child', 'child_need'],
  placements: ['placement'],
}

// Deny by default: only these roles may import.
const IMPORTERS: readonly Role[] = ['la_admin']

export const importKindSchema = z.enum(IMPORT_KINDS, { error: 'Select what the file contains' })

export type ImportResult = Counts & { kind: ImportKind; rows: number }

export function describeRowError(e: RowError): string {
  return `line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}`
}

/** The whole file was refused: nothing was written. Carries every bad row. */
export class ImportRejected extends ValidationError {
  constructor(readonly rowErrors: RowError[]) {
    super(rowErrors.map(e => ({ field: `line-${e.line}`, message: describeRowError(e) })))
    this.name = 'ImportRejected'
  }
}

// Unique violation, serialization failure, deadlock.
const CONCURRENT_CHANGE = new Set(['23505', '40001', '40P01'])

function isConcurrentChange(error: unknown): error is { code: string; constraint?: string } {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && CONCURRENT_CHANGE.has(code)
}

export class ImportService {
  private readonly store: ImportStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new ImportStore(db, laCode)
  }

  mayImport(actor: Actor): boolean {
    return IMPORTERS.includes(actor.role)
  }

  /** Refuses, and records the attempt, unless the actor may import. Upload routes call it before reading the file. */
  async authorise(actor: Actor): Promise<void> {
    if (this.mayImport(actor)) return
    await audit(this.db, this.laCode, actor, { action: 'import', recordType: 'import', outcome: 'denied' })
    throw new ForbiddenError()
  }

  /**
   * Imports one CSV file all-or-nothing: every row is checked first, then everything is written in
   * one transaction, keyed on natural keys so a second import of the same file changes nothing.
   */
  async import(actor: Actor, kind: unknown, csvText: string): Promise<ImportResult> {
    await this.authorise(actor)
    const which = parseOrThrow(importKindSchema, kind)
    const action = `import.${which}`
    const started = Date.now()
    const parsed = this.parse(which, csvText)
    if (!parsed.ok) return this.reject(actor, action, parsed.errors)

    const rows = parsed.rows.length
    const onBatch = (written: number) => log.debug('import batch written', { kind: which, written })
    try {
      const counts = await this.db.transaction().execute(async trx => {
        const store = this.store.withDb(trx)
        const outcome: ImportOutcome =
          parsed.kind === 'settings'
            ? await store.importSettings(parsed.rows, onBatch)
            : parsed.kind === 'children'
              ? await store.importChildren(parsed.rows, onBatch)
              : await store.importPlacements(parsed.rows, onBatch)
        // Thrown inside the callback so the transaction rolls back everything already written.
        if (outcome.errors.length) throw new ImportRejected(outcome.errors)
        await audit(trx, this.laCode, actor, { action, recordType: 'import', details: { rows, ...outcome.counts } })
        return outcome.counts
      })
      await analyze(this.db, IMPORT_TABLES[which])
      log.info('import finished', { kind: which, rows, ...counts, ms: Date.now() - started })
      return { kind: which, rows, ...counts }
    } catch (error) {
      if (error instanceof ImportRejected) return this.reject(actor, action, error.rowErrors)
      if (isConcurrentChange(error)) {
        // Checked rows can still collide with another import committed meanwhile (PostgreSQL only).
        log.warn('import collided with a concurrent change', {
          kind: which,
          code: error.code,
          constraint: error.constraint,
        })
        throw new ConflictError(
          'Someone else changed the same records while this file was being imported. Import it again.',
        )
      }
      throw error
    }
  }

  // Each result is tagged with its kind, so the transaction above picks the matching store call with the row types intact.
  private parse(kind: ImportKind, text: string) {
    const today = this.clock.today()
    switch (kind) {
      case 'settings': {
        const result = parseSettings(text)
        return result.ok ? { ...result, kind } : result
      }
      case 'children': {
        const result = parseChildren(text, today)
        return result.ok ? { ...result, kind } : result
      }
      case 'placements': {
        const result = parsePlacements(text)
        return result.ok ? { ...result, kind } : result
      }
    }
  }

  // Recorded outside any transaction, so the refusal is kept although the import was rolled back.
  private async reject(actor: Actor, action: string, errors: RowError[]): Promise<never> {
    const lines = new Set(errors.map(e => e.line)).size
    await audit(this.db, this.laCode, actor, {
      action,
      recordType: 'import',
      outcome: 'failed',
      details: { errors: errors.length, lines },
    })
    log.info('import refused', { action, errors: errors.length, lines })
    throw new ImportRejected(errors)
  }
}

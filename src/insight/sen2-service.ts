import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import { isIsoDate, parts } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import { RULES, validateSen2, type Sen2Report } from './rules/sen2-validate.ts'
import {
  buildSen2,
  censusDate,
  countSen2,
  MODULE_NAMES,
  MODULES,
  moduleTable,
  toXml,
  type ModuleTable,
  type Sen2Counts,
  type Sen2Module,
  type Sen2Return,
} from './rules/sen2.ts'
import { Sen2Store } from './sen2-store.ts'

// The SEN2 return (shared/domain/sen2.md): built on request from the casework records as at a
// reference date, never stored. It is person-level special-category data, so only the LA admin and
// SEND managers may make it, and every page and file made is audited (the date and counts, no names).

export const SEN2_ROLES = ['la_admin', 'send_manager'] as const satisfies readonly Role[]

export function mayMakeSen2(actor: Actor): boolean {
  return (SEN2_ROLES as readonly Role[]).includes(actor.role)
}

export const sen2QuerySchema = z.object({
  date: z.preprocess(
    v => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string({ error: 'Enter the reference date as a real date, for example 2026-01-15' })
      .trim()
      .refine(isIsoDate, 'Enter the reference date as a real date, for example 2026-01-15')
      .refine(d => d >= '2015-01-01', 'Enter a reference date from 2015 onwards')
      .optional(),
  ),
})

export type Sen2Result = {
  referenceDate: string
  year: number
  census: string
  ret: Sen2Return
  counts: Sen2Counts
  report: Sen2Report
}

export class Sen2Service {
  private readonly store: Sen2Store

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new Sen2Store(db, laCode)
  }

  /** The latest census date on or before today: the return an authority is preparing or has just sent. */
  defaultDate(): string {
    const today = this.clock.today()
    const thisYear = censusDate(parts(today).year)
    return thisYear <= today ? thisYear : censusDate(parts(today).year - 1)
  }

  referenceDate(input: unknown): string {
    const q = parseOrThrow(sen2QuerySchema, input)
    const date = q.date ?? this.defaultDate()
    if (date > this.clock.today())
      throw new ValidationError([{ field: 'date', message: 'The reference date must be today or in the past' }])
    return date
  }

  private async build(referenceDate: string, serialNo = 1): Promise<Sen2Result> {
    const input = await this.store.load(referenceDate)
    const ret = buildSen2(input, {
      referenceDate,
      laCode: this.laCode,
      generatedAt: this.clock.now().toISOString().slice(0, 19),
      serialNo,
    })
    const year = parts(referenceDate).year
    return {
      referenceDate,
      year,
      census: censusDate(year),
      ret,
      counts: countSen2(ret),
      report: validateSen2(ret, input, this.clock.today()),
    }
  }

  private details(result: Sen2Result, extra: Record<string, unknown> = {}) {
    const { counts, report } = result
    return {
      referenceDate: result.referenceDate,
      ...extra,
      persons: counts.persons,
      requests: counts.requests,
      plansInForce: counts.plansInForce,
      errors: report.errors,
      queries: report.queries,
    }
  }

  /** The page: the return's summary and its validation report. */
  async generate(actor: Actor, input: unknown): Promise<Sen2Result> {
    if (!mayMakeSen2(actor)) throw new ForbiddenError()
    const result = await this.build(this.referenceDate(input))
    await audit(this.db, this.laCode, actor, {
      action: 'sen2.generate',
      recordType: 'sen2_return',
      recordId: result.referenceDate,
      details: this.details(result),
    })
    return result
  }

  private async download(actor: Actor, input: unknown, file: string, serial = false) {
    if (!mayMakeSen2(actor)) throw new ForbiddenError()
    const referenceDate = this.referenceDate(input)
    const serialNo = serial ? (await this.store.filesMade(referenceDate)) + 1 : 1
    const result = await this.build(referenceDate, serialNo)
    return {
      result,
      audit: (rows: number) =>
        audit(this.db, this.laCode, actor, {
          action: 'sen2.download',
          recordType: 'sen2_return',
          recordId: `${referenceDate}/${file}`,
          details: this.details(result, { file, rows, ...(serial ? { serialNo } : {}) }),
        }),
    }
  }

  /** The XML file to upload to COLLECT; each one made gets the next SerialNo for its date. */
  async xml(actor: Actor, input: unknown): Promise<{ referenceDate: string; xml: string }> {
    const { result, audit } = await this.download(actor, input, 'xml', true)
    await audit(result.counts.persons)
    return { referenceDate: result.referenceDate, xml: toXml(result.ret) }
  }

  /** One module as a CSV table, keyed by the child's local id. */
  async module(actor: Actor, module: string, input: unknown): Promise<{ referenceDate: string; table: ModuleTable }> {
    if (!(MODULES as readonly string[]).includes(module)) throw new NotFoundError()
    const { result, audit } = await this.download(actor, input, `module-${module}`)
    const table = moduleTable(result.ret, module as Sen2Module)
    await audit(table.rows.length)
    return { referenceDate: result.referenceDate, table }
  }

  /** The validation report as a table: local ids only, never names. */
  async validation(actor: Actor, input: unknown): Promise<{ referenceDate: string; table: ModuleTable }> {
    const { result, audit } = await this.download(actor, input, 'validation')
    const rows = result.report.issues.map(i => [i.severity, i.rule, i.localId, i.element, i.message])
    await audit(rows.length)
    return {
      referenceDate: result.referenceDate,
      table: { header: ['Severity', 'Rule', 'LocalId', 'Element', 'Message'], rows },
    }
  }
}

export { MODULE_NAMES, MODULES, RULES }

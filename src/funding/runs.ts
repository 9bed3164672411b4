import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { financialYearOf } from './rules/money.ts'
import { matrixStartByType, monthsOf, periodDates, runFunding, TERMS, type RunPeriod } from './rules/run.ts'
import { RunStore } from './run-store.ts'

// Funding runs are computed on request from the agreed awards: nothing is stored, so a run always
// agrees with the awards behind it. Deny by default; case officers and panel members have no need
// for the money, and a school user sees only their own school's statement.
const ALLOWED = {
  'funding_run.read': ['la_admin', 'finance_officer', 'send_manager'],
  'funding_statement.read': ['la_admin', 'finance_officer', 'send_manager', 'school_user'],
} as const satisfies Record<string, readonly Role[]>

export function mayRun(actor: Actor): boolean {
  return (ALLOWED['funding_run.read'] as readonly Role[]).includes(actor.role)
}

const idSchema = z.uuid()

export const runQuerySchema = z
  .object({
    year: z
      .string()
      .regex(/^\d{4}-\d{2}$/, 'Enter a financial year such as 2025-26')
      .refine(y => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), 'Enter a financial year such as 2025-26')
      .optional(),
    month: z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}$/, 'Choose a month')]).optional(),
    term: z.union([z.literal(''), z.enum(TERMS, { error: 'Choose a term' })]).optional(),
  })
  .refine(q => !(q.month && q.term), { message: 'Choose a month or a term, not both', path: ['month'] })

export type RunQuery = { year: string; month: string; term: string }

export class FundingRunService {
  private readonly store: RunStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new RunStore(db, laCode)
  }

  mayRun = mayRun

  /** The period a query names; the current financial year when it names none. */
  period(input: unknown): { period: RunPeriod; query: RunQuery } {
    const q = parseOrThrow(runQuerySchema, input)
    const year = q.year ?? financialYearOf(this.clock.today())
    const query = { year, month: q.month ?? '', term: q.term ?? '' }
    if (query.month) {
      if (!monthsOf(year).includes(query.month)) {
        throw new ValidationError([{ field: 'month', message: `Choose a month within ${year}` }])
      }
      return { period: { kind: 'month', financialYear: year, month: query.month }, query }
    }
    if (q.term) return { period: { kind: 'term', financialYear: year, term: q.term }, query }
    return { period: { kind: 'year', financialYear: year }, query }
  }

  /** The authority's run: every school's lines and the summaries. */
  async run(actor: Actor, input: unknown) {
    if (!mayRun(actor)) throw new ForbiddenError()
    const { period, query } = this.period(input)
    const { from, to } = periodDates(period)
    const [awards, legacy, specs] = await Promise.all([
      this.store.awards(from, to),
      this.store.legacy(from, to),
      this.store.approvedSpecs(),
    ])
    const run = runFunding(period, awards, legacy, matrixStartByType(specs))
    return { run, query, years: this.years() }
  }

  /** One school's statement: its pupils' lines. Reading pupil names is audited; another school's is a 404. */
  async statement(actor: Actor, settingId: string, input: unknown) {
    if (!(ALLOWED['funding_statement.read'] as readonly Role[]).includes(actor.role)) throw new ForbiddenError()
    if (!idSchema.safeParse(settingId).success) throw new NotFoundError()
    if (actor.role === 'school_user' && actor.settingId !== settingId) {
      await audit(this.db, this.laCode, actor, {
        action: 'funding_statement.read',
        recordType: 'setting',
        recordId: settingId,
        outcome: 'denied',
      })
      throw new NotFoundError()
    }
    const { period, query } = this.period(input)
    const setting = await this.store.setting(settingId)
    if (!setting) throw new NotFoundError()
    const { from, to } = periodDates(period)
    const [awards, legacy, specs] = await Promise.all([
      this.store.awards(from, to, settingId),
      this.store.legacy(from, to, settingId),
      this.store.approvedSpecs(),
    ])
    const run = runFunding(period, awards, legacy, matrixStartByType(specs))
    await audit(this.db, this.laCode, actor, {
      action: 'funding_statement.read',
      recordType: 'setting',
      recordId: settingId,
      details: { period: query, pupils: run.pupils, lines: run.lines.length },
    })
    return { setting, run, query, years: this.years() }
  }

  /** The financial years offered: three back and one ahead of today's. */
  years(): string[] {
    const start = Number(financialYearOf(this.clock.today()).slice(0, 4))
    return [start + 1, start, start - 1, start - 2, start - 3].map(
      y => `${y}-${String((y + 1) % 100).padStart(2, '0')}`,
    )
  }
}

import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, NotFoundError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { DB } from '../schema.ts'
import { BandStore } from './band-store.ts'
import { parsePounds } from './rules/explanation.ts'
import { financialYear } from './rules/matrix-version.ts'

const READERS: readonly Role[] = ['la_admin', 'finance_officer', 'send_manager']
const MANAGERS: readonly Role[] = ['la_admin', 'finance_officer']

export const bandSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,20}$/, 'Enter a band code of up to 20 letters, digits, - or _'),
  name: z.string().trim().min(1, 'Enter the band’s name').max(200, 'Enter a name of at most 200 characters'),
  financialYear: financialYear.refine(
    fy => Number(fy.slice(5, 7)) === (Number(fy.slice(0, 4)) + 1) % 100,
    'Enter a financial year such as 2026-27',
  ),
  annual: z.string().transform((text, ctx) => {
    const pence = parsePounds(text)
    if (pence === null)
      ctx.addIssue({ code: 'custom', message: 'Enter the annual amount per place in pounds, such as 18,500.00' })
    return pence ?? 0
  }),
})

// Provision-led funding (seed 000): each special school is paid per place by its own bands, not by pupils' scores.
export class BandService {
  private readonly store: BandStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {
    this.store = new BandStore(db, laCode)
  }

  mayManage(actor: Actor): boolean {
    return MANAGERS.includes(actor.role)
  }

  async specialSchools(actor: Actor) {
    if (!READERS.includes(actor.role)) throw new ForbiddenError()
    return this.store.specialSchools()
  }

  async bandsOf(actor: Actor, settingId: string) {
    if (!READERS.includes(actor.role)) throw new ForbiddenError()
    const school = z.uuid().safeParse(settingId).success ? await this.store.specialSchool(settingId) : undefined
    if (!school) throw new NotFoundError()
    return { school, bands: await this.store.bands(settingId) }
  }

  async save(actor: Actor, settingId: string, input: unknown) {
    if (!this.mayManage(actor)) throw new ForbiddenError()
    const band = parseOrThrow(bandSchema, input)
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      if (!(await store.specialSchool(settingId))) throw new NotFoundError()
      const saved = await store.save({
        settingId,
        code: band.code,
        name: band.name,
        financialYear: band.financialYear,
        annualPence: band.annual,
      })
      if (saved) {
        await audit(trx, this.laCode, actor, {
          action: `special_school_band.${saved.change}`,
          recordType: 'special_school_band',
          recordId: saved.id,
          details: { settingId, financialYear: band.financialYear },
        })
      }
      return saved
    })
  }
}

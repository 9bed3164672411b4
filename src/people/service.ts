import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, NotFoundError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import { ageOn } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import { NEED_LABELS, type NeedCode } from './rules/needs.ts'
import { ncYear, ncYearLabel } from './rules/nc-year.ts'
import { PeopleStore } from './store.ts'

export const PAGE_SIZE = 25

// Deny by default: a role not listed may not do the thing.
const ALLOWED = {
  'child.search': ['la_admin', 'send_manager', 'case_officer', 'school_user'],
  'child.read': ['la_admin', 'send_manager', 'case_officer', 'school_user'],
  'setting.read': ['la_admin', 'send_manager', 'case_officer', 'panel_member', 'finance_officer', 'school_user'],
} as const satisfies Record<string, readonly Role[]>
export type PeoplePermission = keyof typeof ALLOWED

export function may(actor: Actor, permission: PeoplePermission): boolean {
  return (ALLOWED[permission] as readonly Role[]).includes(actor.role)
}

function authorise(actor: Actor, permission: PeoplePermission): void {
  if (!may(actor, permission)) throw new ForbiddenError()
}

const pageSchema = z.coerce.number().int().min(1).max(100_000).catch(1)

export const childSearchSchema = z.object({
  q: z.string().trim().max(100, 'Search for at most 100 characters').optional(),
  settingId: z.union([z.uuid('Choose a school or setting from the list'), z.literal('')]).optional(),
  senStatus: z.enum(['ehcp', 'sen_support', '']).optional(),
  page: pageSchema.optional(),
})
export type ChildSearch = z.infer<typeof childSearchSchema>

export const settingListSchema = z.object({
  q: z.string().trim().max(100).optional(),
  locality: z.string().max(20).optional(),
  type: z
    .enum(['early_years', 'mainstream', 'special', 'alternative_provision', 'post_16', 'independent', ''])
    .optional(),
  page: pageSchema.optional(),
})

const idSchema = z.uuid()

export class PeopleService {
  private readonly store: PeopleStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new PeopleStore(db, laCode)
  }

  /** Checks a search before it is kept for the results page: the same permission and rules as running it. */
  checkChildSearch(actor: Actor, input: unknown): ChildSearch {
    authorise(actor, 'child.search')
    return parseOrThrow(childSearchSchema, input)
  }

  async searchChildren(actor: Actor, input: unknown) {
    authorise(actor, 'child.search')
    const search = parseOrThrow(childSearchSchema, input)
    const on = this.clock.today()
    const page = search.page ?? 1
    const result = await this.store.searchChildren(
      {
        q: search.q,
        settingId: search.settingId || undefined,
        senStatus: search.senStatus || undefined,
        onlyAtSetting: actor.role === 'school_user' ? actor.settingId! : undefined,
        on,
      },
      { page, pageSize: PAGE_SIZE },
    )
    return {
      ...result,
      page,
      pageSize: PAGE_SIZE,
      rows: result.rows.map(row => ({ ...row, nc_year: ncYear(row.date_of_birth, on) })),
    }
  }

  /** A child's whole record. Every read is audited; a read outside the actor's scope is audited as denied. */
  async getChild(actor: Actor, childId: string) {
    authorise(actor, 'child.read')
    const on = this.clock.today()
    if (!idSchema.safeParse(childId).success) throw new NotFoundError()
    const record = await this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      const child = await store.findChild(childId)
      const inScope =
        child && (actor.role !== 'school_user' || (await store.currentSettingOf(child.id, on)) === actor.settingId)
      if (!child || !inScope) return null
      const [needs, placements] = await Promise.all([store.childNeeds(child.id), store.childPlacements(child.id)])
      await audit(trx, this.laCode, actor, { action: 'child.read', recordType: 'child', recordId: child.id })
      return { child, needs, placements }
    })
    if (!record) {
      // Outside the read's transaction: the denial is recorded however that ended.
      await this.recordDenied(actor, 'child.read', 'child', childId)
      throw new NotFoundError()
    }
    const { child, needs, placements } = record
    const year = ncYear(child.date_of_birth, on)
    return {
      child,
      age: ageOn(child.date_of_birth, on),
      ncYear: year,
      ncYearLabel: ncYearLabel(year),
      needs: needs.map(n => ({ ...n, label: NEED_LABELS[n.need_code as NeedCode] ?? n.need_code })),
      placements: placements.map(p => ({ ...p, current: p.start_date <= on && (!p.end_date || p.end_date >= on) })),
    }
  }

  async listSettings(actor: Actor, input: unknown) {
    authorise(actor, 'setting.read')
    const filter = parseOrThrow(settingListSchema, input)
    const page = filter.page ?? 1
    const result = await this.store.listSettings(
      {
        q: filter.q,
        localityCode: filter.locality || undefined,
        settingType: filter.type || undefined,
        only: actor.role === 'school_user' ? actor.settingId! : undefined,
      },
      { page, pageSize: PAGE_SIZE },
    )
    return { ...result, page, pageSize: PAGE_SIZE, localities: await this.store.localities() }
  }

  /** Every setting the actor may pick from (a school user: their own), for filters and forms. */
  async settingChoices(actor: Actor) {
    authorise(actor, 'setting.read')
    return this.store.settingChoices(actor.role === 'school_user' ? actor.settingId! : undefined)
  }

  /** A setting's record with its current pupils. School users see only their own setting. */
  async getSetting(actor: Actor, settingId: string, input: unknown = {}) {
    authorise(actor, 'setting.read')
    if (!idSchema.safeParse(settingId).success) throw new NotFoundError()
    if (actor.role === 'school_user' && actor.settingId !== settingId) {
      await this.recordDenied(actor, 'setting.read', 'setting', settingId)
      throw new NotFoundError()
    }
    const setting = await this.store.findSetting(settingId)
    if (!setting) throw new NotFoundError()
    const on = this.clock.today()
    const counts = await this.store.settingPupilCounts(settingId, on)
    // Only roles that may see children get the pupil list.
    const pupils = may(actor, 'child.search')
      ? await this.searchChildren(actor, { ...(input as object), settingId })
      : null
    if (pupils) {
      await audit(this.db, this.laCode, actor, {
        action: 'setting.pupils.read',
        recordType: 'setting',
        recordId: settingId,
        details: { page: pupils.page, children: pupils.rows.length },
      })
    }
    return { setting, counts, pupils }
  }

  private async recordDenied(actor: Actor, action: string, recordType: string, recordId: string) {
    await audit(this.db, this.laCode, actor, { action, recordType, recordId, outcome: 'denied' })
  }
}

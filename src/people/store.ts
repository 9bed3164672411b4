import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely'
import type { DB } from '../schema.ts'
import { prefixRange } from './rules/name-search.ts'

// The only code that reads or writes the people tables. Every query is scoped to one local authority.

export type ChildFilter = {
  /** Name words (each must start a first or last name), a UPN, or the authority's child id. */
  q?: string | undefined
  settingId?: string | undefined
  senStatus?: 'ehcp' | 'sen_support' | undefined
  /** Only children placed at this setting on `on` (a school user's scope). */
  onlyAtSetting?: string | undefined
  on: string
}

export type Page = { page: number; pageSize: number }

export type ChildRow = {
  id: string
  local_id: string
  upn: string | null
  first_name: string
  last_name: string
  date_of_birth: string
  sen_status: 'ehcp' | 'sen_support' | 'none'
  primary_need: string | null
  setting_id: string | null
  setting_name: string | null
}

const UPN_LIKE = /^[A-Z][0-9]{11}[0-9A-Z]$/

export class PeopleStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): PeopleStore {
    return new PeopleStore(db, this.laCode)
  }

  private currentPlacement(on: string) {
    return this.db
      .selectFrom('placement')
      .select(['placement.child_id', 'placement.setting_id'])
      .where('placement.la_code', '=', this.laCode)
      .where('placement.rank', '=', 1)
      .where('placement.start_date', '<=', on)
      .where(eb => eb.or([eb('placement.end_date', 'is', null), eb('placement.end_date', '>=', on)]))
  }

  /** The conditions on the child's own columns: the authority, the SEN status and the search words. */
  private childConditions(filter: ChildFilter) {
    return (eb: ExpressionBuilder<DB, 'child'>) => {
      const parts: Expression<SqlBool>[] = [eb('child.la_code', '=', this.laCode)]
      if (filter.senStatus) parts.push(eb('child.sen_status', '=', filter.senStatus))
      const q = filter.q?.trim()
      if (q) {
        const upper = q.toUpperCase()
        if (UPN_LIKE.test(upper)) {
          parts.push(eb('child.upn', '=', upper))
        } else {
          const words = q.toLowerCase().split(/\s+/).slice(0, 4)
          parts.push(
            eb.or([
              eb('child.local_id', '=', q),
              eb.and(
                words.map(word => {
                  // A prefix as a range of the stored lower-case keys: the range operators are leakproof,
                  // so the name indexes are used beneath row-level security (migration 0018).
                  const [from, to] = prefixRange(word)
                  const startsWith = (key: 'child.first_name_key' | 'child.last_name_key') =>
                    to === null ? eb(key, sql`~>=~`, from) : eb.and([eb(key, sql`~>=~`, from), eb(key, sql`~<~`, to)])
                  return eb.or([startsWith('child.first_name_key'), startsWith('child.last_name_key')])
                }),
              ),
            ]),
          )
        }
      }
      return eb.and(parts)
    }
  }

  private childQuery(filter: ChildFilter) {
    let query = this.db
      .selectFrom('child')
      .leftJoin(this.currentPlacement(filter.on).as('cp'), 'cp.child_id', 'child.id')
      .leftJoin('setting', 'setting.id', 'cp.setting_id')
      .leftJoin('child_need', join =>
        join
          .onRef('child_need.child_id', '=', 'child.id')
          .onRef('child_need.la_code', '=', 'child.la_code')
          .on('child_need.rank', '=', 1),
      )
      .where(this.childConditions(filter))
    if (filter.onlyAtSetting) query = query.where('cp.setting_id', '=', filter.onlyAtSetting)
    if (filter.settingId) query = query.where('cp.setting_id', '=', filter.settingId)
    return query
  }

  /** How many children match: without the joins a page needs, unless a setting narrows the count. */
  private countChildren(filter: ChildFilter) {
    const count = (eb: ExpressionBuilder<DB, 'child'>) => eb.fn.countAll<number>().as('total')
    if (filter.onlyAtSetting || filter.settingId) return this.childQuery(filter).select(count).executeTakeFirstOrThrow()
    return this.db.selectFrom('child').where(this.childConditions(filter)).select(count).executeTakeFirstOrThrow()
  }

  async searchChildren(filter: ChildFilter, page: Page): Promise<{ rows: ChildRow[]; total: number }> {
    const base = this.childQuery(filter)
    const [rows, count] = await Promise.all([
      base
        .select([
          'child.id',
          'child.local_id',
          'child.upn',
          'child.first_name',
          'child.last_name',
          'child.date_of_birth',
          'child.sen_status',
          'child_need.need_code as primary_need',
          'setting.id as setting_id',
          'setting.name as setting_name',
        ])
        .orderBy('child.last_name')
        .orderBy('child.first_name')
        .orderBy('child.id')
        .limit(page.pageSize)
        .offset((page.page - 1) * page.pageSize)
        .execute(),
      this.countChildren(filter),
    ])
    return { rows, total: Number(count.total) }
  }

  async findChild(id: string) {
    return this.db
      .selectFrom('child')
      .selectAll()
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  async childNeeds(childId: string) {
    return this.db
      .selectFrom('child_need')
      .select(['rank', 'need_code'])
      .where('la_code', '=', this.laCode)
      .where('child_id', '=', childId)
      .orderBy('rank')
      .execute()
  }

  async childPlacements(childId: string) {
    return this.db
      .selectFrom('placement')
      .innerJoin('setting', 'setting.id', 'placement.setting_id')
      .select([
        'placement.id',
        'placement.start_date',
        'placement.end_date',
        'placement.rank',
        'placement.resourced_provision',
        'setting.id as setting_id',
        'setting.name as setting_name',
        'setting.urn',
        'setting.setting_type',
      ])
      .where('placement.la_code', '=', this.laCode)
      .where('placement.child_id', '=', childId)
      .orderBy('placement.start_date', 'desc')
      .execute()
  }

  /** The setting the child attends (rank 1) on the date, if any. */
  async currentSettingOf(childId: string, on: string): Promise<string | null> {
    const row = await this.currentPlacement(on).where('placement.child_id', '=', childId).executeTakeFirst()
    return row?.setting_id ?? null
  }

  settingsQuery(filter: {
    q?: string | undefined
    localityCode?: string | undefined
    settingType?: string | undefined
    only?: string | undefined
  }) {
    let query = this.db
      .selectFrom('setting')
      .leftJoin('locality', join =>
        join.onRef('locality.code', '=', 'setting.locality_code').onRef('locality.la_code', '=', 'setting.la_code'),
      )
      .where('setting.la_code', '=', this.laCode)
    if (filter.only) query = query.where('setting.id', '=', filter.only)
    if (filter.localityCode) query = query.where('setting.locality_code', '=', filter.localityCode)
    if (filter.settingType) query = query.where('setting.setting_type', '=', filter.settingType as never)
    const q = filter.q?.trim()
    if (q) {
      query = query.where(eb =>
        eb.or([eb('setting.urn', '=', q), eb(sql`lower(setting.name)`, 'like', `%${escapeLike(q.toLowerCase())}%`)]),
      )
    }
    return query
  }

  async listSettings(filter: Parameters<PeopleStore['settingsQuery']>[0], page: Page) {
    const base = this.settingsQuery(filter)
    const [rows, count] = await Promise.all([
      withSettingColumns(base)
        .orderBy('setting.name')
        .orderBy('setting.id')
        .limit(page.pageSize)
        .offset((page.page - 1) * page.pageSize)
        .execute(),
      base.select(eb => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ])
    return { rows, total: Number(count.total) }
  }

  async findSetting(id: string) {
    return withSettingColumns(this.settingsQuery({}).where('setting.id', '=', id)).executeTakeFirst()
  }

  async settingPupilCounts(settingId: string, on: string) {
    const rows = await this.db
      .selectFrom('child')
      .innerJoin(this.currentPlacement(on).as('cp'), 'cp.child_id', 'child.id')
      .select(['child.sen_status', eb => eb.fn.countAll<number>().as('count')])
      .where('child.la_code', '=', this.laCode)
      .where('cp.setting_id', '=', settingId)
      .groupBy('child.sen_status')
      .execute()
    return Object.fromEntries(rows.map(r => [r.sen_status, Number(r.count)])) as Partial<Record<string, number>>
  }

  async settingChoices(only?: string) {
    let query = this.db.selectFrom('setting').select(['id', 'name', 'urn']).where('la_code', '=', this.laCode)
    if (only) query = query.where('id', '=', only)
    return query.orderBy('name').execute()
  }

  async localities() {
    return this.db
      .selectFrom('locality')
      .select(['code', 'name'])
      .where('la_code', '=', this.laCode)
      .orderBy('name')
      .execute()
  }
}

function withSettingColumns<O>(
  query: SelectQueryBuilder<DB & { locality: DB['locality'] }, 'setting' | 'locality', O>,
) {
  return query.select([
    'setting.id',
    'setting.urn',
    'setting.name',
    'setting.setting_type',
    'setting.phase',
    'setting.governance',
    'setting.locality_code',
    'locality.name as locality_name',
    'setting.out_of_area',
    'setting.resource_base_places',
    'setting.version',
  ])
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, ch => `\\${ch}`)
}

export class UserStore {
  constructor(private readonly db: Kysely<DB>) {}

  findByUsername(username: string) {
    return this.db
      .selectFrom('app_user')
      .selectAll()
      .where(sql<string>`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst()
  }

  findByEmail(email: string) {
    return this.db
      .selectFrom('app_user')
      .selectAll()
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst()
  }

  findActive(id: string) {
    return this.db.selectFrom('app_user').selectAll().where('id', '=', id).where('active', '=', true).executeTakeFirst()
  }

  /**
   * The reserved user that command-line work runs as, created on first use. It is inactive with
   * no password or email, so nobody can sign in as it; a person's account of the same name is refused.
   */
  async settingIdByUrn(laCode: string, urn: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('setting')
      .select('id')
      .where('la_code', '=', laCode)
      .where('urn', '=', urn)
      .executeTakeFirst()
    return row?.id ?? null
  }

  async insert(user: Insertable<DB['app_user']>): Promise<string> {
    const row = await this.db.insertInto('app_user').values(user).returning('id').executeTakeFirstOrThrow()
    return row.id
  }

  async ensureSystemUser(username: string, displayName: string) {
    await this.db
      .insertInto('app_user')
      .values({
        username,
        display_name: displayName,
        role: 'la_admin',
        setting_id: null,
        password_hash: null,
        email: null,
        active: false,
      })
      .onConflict(oc => oc.column('username').doNothing())
      .execute()
    const user = await this.db
      .selectFrom('app_user')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirstOrThrow()
    if (user.active || user.password_hash || user.email || user.role !== 'la_admin') {
      throw new Error(`The username ${username} is reserved for command-line work but belongs to a person's account`)
    }
    return user
  }

  demoUsers() {
    return this.db
      .selectFrom('app_user')
      .leftJoin('setting', 'setting.id', 'app_user.setting_id')
      .select(['app_user.username', 'app_user.display_name', 'app_user.role', 'setting.name as setting_name'])
      .where('app_user.active', '=', true)
      .where('app_user.password_hash', 'is not', null)
      .orderBy('app_user.username')
      .execute()
  }
}

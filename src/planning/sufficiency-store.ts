import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'

// The only planning code that reads or writes settings' places and placements for sufficiency.

export type SpecialistSetting = {
  id: string
  name: string
  locality_code: string | null
  setting_type: string
  special_places: number | null
  resource_base_places: number | null
  version: number
}

const uuidOrNull = (id: string) => (/^[0-9a-f-]{36}$/i.test(id) ? id : null)

export class SufficiencyStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  localities(): Promise<{ code: string; name: string }[]> {
    return this.db
      .selectFrom('locality')
      .select(['code', 'name'])
      .where('la_code', '=', this.laCode)
      .orderBy('name')
      .execute()
  }

  /** One of this authority's settings (any type), or undefined. */
  setting(id: string): Promise<SpecialistSetting | undefined> {
    return this.db
      .selectFrom('setting')
      .select(['id', 'name', 'locality_code', 'setting_type', 'special_places', 'resource_base_places', 'version'])
      .where('la_code', '=', this.laCode)
      .where('id', '=', sql<string>`${uuidOrNull(id)}::uuid`)
      .executeTakeFirst()
  }

  /** The authority's own special schools and settings with a resource base, by name. */
  specialistSettings(): Promise<SpecialistSetting[]> {
    return this.db
      .selectFrom('setting')
      .select(['id', 'name', 'locality_code', 'setting_type', 'special_places', 'resource_base_places', 'version'])
      .where('la_code', '=', this.laCode)
      .where('out_of_area', '=', false)
      .where(eb => eb.or([eb('setting_type', '=', 'special'), eb('resource_base_places', 'is not', null)]))
      .orderBy('name')
      .execute()
  }

  /** Sets one of a setting's places columns if its version is still `version`; the new version, or undefined when stale. */
  async updatePlaces(
    id: string,
    column: 'special_places' | 'resource_base_places',
    places: number | null,
    version: number,
  ): Promise<number | undefined> {
    const row = await this.db
      .updateTable('setting')
      .set({ [column]: places, version: sql`version + 1`, updated_at: sql`now()` })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst()
    return row?.version
  }

  /** The children whose placement in force on the date is in a resource base. */
  async resourcedChildren(on: string): Promise<Set<string>> {
    const { rows } = await sql<{ child_id: string }>`select distinct child_id from placement
      where la_code = ${this.laCode} and resourced_provision and start_date <= ${on}::date
        and (end_date is null or end_date >= ${on}::date)`.execute(this.db)
    return new Set(rows.map(r => r.child_id))
  }
}

import type { Kysely } from 'kysely'
import type { DB } from '../schema.ts'

// Special schools' provision bands: the per-place annual amounts their pupils are paid by.
export class BandStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): BandStore {
    return new BandStore(db, this.laCode)
  }

  specialSchools() {
    return this.db
      .selectFrom('setting')
      .leftJoin('special_school_band as b', join => join.onRef('b.setting_id', '=', 'setting.id'))
      .select(['setting.id', 'setting.name', 'setting.urn', eb => eb.fn.count<number>('b.id').as('bands')])
      .where('setting.la_code', '=', this.laCode)
      .where('setting.setting_type', '=', 'special')
      .groupBy(['setting.id', 'setting.name', 'setting.urn'])
      .orderBy('setting.name')
      .execute()
  }

  specialSchool(settingId: string) {
    return this.db
      .selectFrom('setting')
      .select(['id', 'name', 'urn', 'out_of_area'])
      .where('la_code', '=', this.laCode)
      .where('id', '=', settingId)
      .where('setting_type', '=', 'special')
      .executeTakeFirst()
  }

  bands(settingId: string) {
    return this.db
      .selectFrom('special_school_band')
      .select(['id', 'code', 'name', 'financial_year', 'annual_pence_per_place', 'version'])
      .where('la_code', '=', this.laCode)
      .where('setting_id', '=', settingId)
      .orderBy('financial_year', 'desc')
      .orderBy('annual_pence_per_place')
      .orderBy('code')
      .execute()
  }

  /** Adds the band, or changes its name and amount; reports which, or null when nothing changed. */
  async save(band: { settingId: string; code: string; name: string; financialYear: string; annualPence: number }) {
    const existing = await this.db
      .selectFrom('special_school_band')
      .select(['id', 'name', 'annual_pence_per_place'])
      .where('la_code', '=', this.laCode)
      .where('setting_id', '=', band.settingId)
      .where('code', '=', band.code)
      .where('financial_year', '=', band.financialYear)
      .executeTakeFirst()
    if (!existing) {
      const row = await this.db
        .insertInto('special_school_band')
        .values({
          la_code: this.laCode,
          setting_id: band.settingId,
          code: band.code,
          name: band.name,
          financial_year: band.financialYear,
          annual_pence_per_place: band.annualPence,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return { id: row.id, change: 'added' as const }
    }
    if (existing.name === band.name && existing.annual_pence_per_place === band.annualPence) return null
    await this.db
      .updateTable('special_school_band')
      .set(eb => ({
        name: band.name,
        annual_pence_per_place: band.annualPence,
        version: eb('version', '+', 1),
        updated_at: new Date(),
      }))
      .where('la_code', '=', this.laCode)
      .where('id', '=', existing.id)
      .execute()
    return { id: existing.id, change: 'changed' as const }
  }
}

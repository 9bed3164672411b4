import type { Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { FundedSettingType, MatrixVersionSpec } from './rules/matrix-version.ts'
import type { Choices } from './rules/scoring.ts'

export type WhatIfAward = {
  awardId: string
  childId: string
  settingId: string
  settingName: string
  localityCode: string | null
  localityName: string | null
  settingType: FundedSettingType
  level: number
  annualPence: number
  startDate: string
  choices: Choices
  spec: MatrixVersionSpec
  /** The special school's band amount for each financial year, where the award is band-funded. */
  bandPenceByYear: Record<string, number> | null
}

// The what-if's reads: the agreed awards in force during a year with their choices, setting and
// locality in one query, then the versions' documents and the bands in one each.
export class WhatIfStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  async awards(from: string, to: string): Promise<WhatIfAward[]> {
    const rows = await this.db
      .selectFrom('award as a')
      .innerJoin('setting as s', 's.id', 'a.setting_id')
      .leftJoin('locality as l', join =>
        join.onRef('l.la_code', '=', 's.la_code').onRef('l.code', '=', 's.locality_code'),
      )
      .select([
        'a.id as awardId',
        'a.child_id as childId',
        'a.setting_id as settingId',
        's.name as settingName',
        's.locality_code as localityCode',
        'l.name as localityName',
        'a.funded_setting_type as settingType',
        'a.level',
        'a.annual_pence as annualPence',
        'a.start_date as startDate',
        'a.choices',
        'a.matrix_version_id as versionId',
        'a.band_code as bandCode',
      ])
      .where('a.la_code', '=', this.laCode)
      .where('a.status', '=', 'agreed')
      .where('a.start_date', '<=', to)
      .where(eb => eb.or([eb('a.end_date', 'is', null), eb('a.end_date', '>=', from)]))
      .orderBy('a.start_date')
      .orderBy('a.id')
      .execute()
    const versionIds = [...new Set(rows.map(r => r.versionId))]
    const specs = new Map(
      versionIds.length
        ? (
            await this.db
              .selectFrom('matrix_version')
              .select(['id', 'spec'])
              .where('la_code', '=', this.laCode)
              .where('id', 'in', versionIds)
              .execute()
          ).map(v => [v.id, v.spec])
        : [],
    )
    const bands = new Map<string, Record<string, number>>()
    for (const b of await this.db
      .selectFrom('special_school_band')
      .select(['setting_id', 'code', 'financial_year', 'annual_pence_per_place'])
      .where('la_code', '=', this.laCode)
      .execute()) {
      const key = `${b.setting_id} ${b.code}`
      const byYear = bands.get(key) ?? {}
      byYear[b.financial_year] = Number(b.annual_pence_per_place)
      bands.set(key, byYear)
    }
    return rows.map(r => ({
      awardId: r.awardId,
      childId: r.childId,
      settingId: r.settingId,
      settingName: r.settingName,
      localityCode: r.localityCode,
      localityName: r.localityName,
      settingType: r.settingType,
      level: r.level!,
      annualPence: Number(r.annualPence),
      startDate: r.startDate,
      choices: r.choices as Choices,
      spec: specs.get(r.versionId)!,
      bandPenceByYear: r.bandCode ? (bands.get(`${r.settingId} ${r.bandCode}`) ?? null) : null,
    }))
  }
}

import type { Kysely, SelectQueryBuilder } from 'kysely'
import { isoDateInLondon } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import type { FundedSettingType, MatrixVersionSpec } from './rules/matrix-version.ts'
import type { RunAward, RunLegacy, RunModeration } from './rules/run.ts'
import type { Choices } from './rules/scoring.ts'

// Reads what a funding run needs in a handful of queries — the agreed awards with their pupil, setting
// and locality in one; the versions' documents, the bands, the protected legacy amounts, the panel's
// decisions and the legacy amounts in one each — so the run itself is in memory.

type AwardIds = SelectQueryBuilder<DB, 'award', { id: string }>

/** A date column as 'YYYY-MM-DD', whichever way the driver returns it. */
const dateText = (d: unknown): string | null =>
  d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10)

export class RunStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  /** Agreed awards overlapping [from, to], at one setting or all. */
  /** Agreed awards in force between the dates, with what a run or a what-if needs of each. */
  async awards(from: string, to: string, settingId?: string): Promise<(RunAward & { choices: Choices })[]> {
    let query = this.db
      .selectFrom('award as a')
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'a.la_code').onRef('c.id', '=', 'a.child_id'))
      .innerJoin('setting as s', 's.id', 'a.setting_id')
      .leftJoin('locality as l', join =>
        join.onRef('l.la_code', '=', 's.la_code').onRef('l.code', '=', 's.locality_code'),
      )
      .innerJoin('matrix_version as v', join =>
        join.onRef('v.la_code', '=', 'a.la_code').onRef('v.id', '=', 'a.matrix_version_id'),
      )
      .select([
        'a.id as awardId',
        'a.child_id as childId',
        'c.first_name',
        'c.last_name',
        'a.setting_id as settingId',
        's.name as settingName',
        's.locality_code as localityCode',
        'l.name as localityName',
        'a.funded_setting_type as settingType',
        'a.level',
        'a.annual_pence as annualPence',
        'a.start_date as startDate',
        'a.end_date as endDate',
        'a.matrix_version_id as versionId',
        'v.name as versionName',
        'a.total_points as totalPoints',
        'a.band_code as bandCode',
        'a.choices',
      ])
      .where('a.la_code', '=', this.laCode)
      .where('a.status', '=', 'agreed')
      .where('a.start_date', '<=', to)
      .where(eb => eb.or([eb('a.end_date', 'is', null), eb('a.end_date', '>=', from)]))
      .orderBy('a.start_date')
      .orderBy('a.id')
    if (settingId) query = query.where('a.setting_id', '=', settingId)
    const rows = await query.execute()

    // The same awards as a subquery: the protections and decisions are read in one query each, not per award.
    let inForce = this.db
      .selectFrom('award')
      .select('id')
      .where('la_code', '=', this.laCode)
      .where('status', '=', 'agreed')
      .where('start_date', '<=', to)
      .where(eb => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', from)]))
    if (settingId) inForce = inForce.where('setting_id', '=', settingId)
    const [protections, decisions] = rows.length
      ? await Promise.all([this.protections(inForce), this.decisions(inForce)])
      : [new Map<string, RunAward['protection']>(), new Map<string, RunModeration>()]

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
    const bands = await this.bands(settingId)
    return rows.map(r => ({
      awardId: r.awardId,
      childId: r.childId,
      childName: `${r.first_name} ${r.last_name}`,
      settingId: r.settingId,
      settingName: r.settingName,
      localityCode: r.localityCode,
      localityName: r.localityName,
      settingType: r.settingType,
      level: r.level!,
      annualPence: Number(r.annualPence),
      startDate: r.startDate,
      endDate: r.endDate,
      versionName: r.versionName,
      spec: specs.get(r.versionId) ?? null,
      totalPoints: r.totalPoints === null ? null : Number(r.totalPoints),
      band: r.bandCode ? (bands.get(`${r.settingId} ${r.bandCode}`) ?? null) : null,
      protection: protections.get(r.awardId) ?? null,
      moderation: decisions.get(r.awardId) ?? null,
      choices: r.choices as Choices,
    }))
  }

  /** Linked legacy exceptional amounts with a protection date, by award: the highest if there are two. */
  private async protections(awardIds: AwardIds) {
    const rows = await this.db
      .selectFrom('legacy_funding')
      .select(['award_id', 'annual_pence', 'protected_until'])
      .where('la_code', '=', this.laCode)
      .where('kind', '=', 'exceptional')
      .where('protected_until', 'is not', null)
      .where('award_id', 'in', awardIds)
      .orderBy('annual_pence', 'desc')
      .execute()
    const out = new Map<string, NonNullable<RunAward['protection']>>()
    for (const r of rows) {
      if (!out.has(r.award_id!)) {
        out.set(r.award_id!, { legacyAnnualPence: Number(r.annual_pence), until: dateText(r.protected_until)! })
      }
    }
    return out
  }

  /** Each award's current issued panel decision (the latest, if the award went to the panel twice). */
  private async decisions(awardIds: AwardIds) {
    const rows = await this.db
      .selectFrom('panel_decision')
      .select(['award_id', 'outcome', 'proposed_level', 'decided_level', 'reason', 'decided_at'])
      .where('la_code', '=', this.laCode)
      .where('superseded_at', 'is', null)
      .where('issued_at', 'is not', null)
      .where('award_id', 'in', awardIds)
      .orderBy('issued_at', 'desc')
      .execute()
    const out = new Map<string, RunModeration>()
    for (const r of rows) {
      if (out.has(r.award_id)) continue
      out.set(r.award_id, {
        outcome: r.outcome,
        proposedLevel: r.proposed_level === null ? null : Number(r.proposed_level),
        decidedLevel: r.decided_level === null ? null : Number(r.decided_level),
        reason: r.reason,
        decidedOn: isoDateInLondon(new Date(r.decided_at)),
      })
    }
    return out
  }

  /** Each special school's bands, keyed by 'settingId code', with the amount per place for each year. */
  private async bands(settingId?: string) {
    let query = this.db
      .selectFrom('special_school_band')
      .select(['setting_id', 'code', 'name', 'financial_year', 'annual_pence_per_place'])
      .where('la_code', '=', this.laCode)
    if (settingId) query = query.where('setting_id', '=', settingId)
    const out = new Map<string, NonNullable<RunAward['band']>>()
    for (const b of await query.execute()) {
      const key = `${b.setting_id} ${b.code}`
      let band = out.get(key)
      if (!band) out.set(key, (band = { code: b.code, name: b.name, annualPenceByYear: {} }))
      band.annualPenceByYear[b.financial_year] = Number(b.annual_pence_per_place)
    }
    return out
  }

  async legacy(from: string, to: string, settingId?: string): Promise<RunLegacy[]> {
    let query = this.db
      .selectFrom('legacy_funding as f')
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'f.la_code').onRef('c.id', '=', 'f.child_id'))
      .innerJoin('setting as s', 's.id', 'f.setting_id')
      .leftJoin('locality as l', join =>
        join.onRef('l.la_code', '=', 's.la_code').onRef('l.code', '=', 's.locality_code'),
      )
      .select([
        'f.id as legacyId',
        'f.kind',
        'f.child_id as childId',
        'c.first_name',
        'c.last_name',
        'f.setting_id as settingId',
        's.name as settingName',
        's.setting_type as settingType',
        's.locality_code as localityCode',
        'l.name as localityName',
        'f.annual_pence as annualPence',
        'f.start_date as startDate',
        'f.end_date as endDate',
        'f.note',
      ])
      .where('f.la_code', '=', this.laCode)
      .where('f.start_date', '<=', to)
      .where(eb => eb.or([eb('f.end_date', 'is', null), eb('f.end_date', '>=', from)]))
    if (settingId) query = query.where('f.setting_id', '=', settingId)
    return (await query.execute()).map(r => ({
      legacyId: r.legacyId,
      kind: r.kind,
      childId: r.childId,
      childName: `${r.first_name} ${r.last_name}`,
      settingId: r.settingId,
      settingName: r.settingName,
      settingType: r.settingType as FundedSettingType,
      localityCode: r.localityCode,
      localityName: r.localityName,
      annualPence: Number(r.annualPence),
      startDate: r.startDate,
      endDate: r.endDate,
      note: r.note,
    }))
  }

  /** The documents of every approved (or once approved) version: when each setting type joined the matrix. */
  async approvedSpecs(): Promise<MatrixVersionSpec[]> {
    const rows = await this.db
      .selectFrom('matrix_version')
      .select('spec')
      .where('la_code', '=', this.laCode)
      .where('status', 'in', ['approved', 'retired'])
      .execute()
    return rows.map(r => r.spec)
  }

  async setting(settingId: string) {
    return this.db
      .selectFrom('setting')
      .select(['id', 'name', 'urn', 'setting_type'])
      .where('la_code', '=', this.laCode)
      .where('id', '=', settingId)
      .executeTakeFirst()
  }
}

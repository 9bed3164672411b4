import type { ColumnType, Generated } from 'kysely'
import type { FundedSettingType, MatrixVersionSpec, VersionStatus } from './rules/matrix-version.ts'

/** Has a default, so optional on insert. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
/** jsonb: both drivers parse it on the way out; written as JSON text. */
type Json<T> = ColumnType<T, string, string>

export type AwardStatus = 'draft' | 'submitted' | 'moderated' | 'agreed' | 'returned'

export interface MatrixVersionTable {
  la_code: string
  id: Generated<string>
  name: string
  status: Generated<VersionStatus>
  spec: Json<MatrixVersionSpec>
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
  approved_at: NullableTimestamp
  retired_at: NullableTimestamp
}

export interface AwardTable {
  la_code: string
  id: Generated<string>
  child_id: string
  setting_id: string
  matrix_version_id: string
  funded_setting_type: FundedSettingType
  choices: ColumnType<Record<string, unknown>, string | undefined, string>
  total_points: number | null
  level: number | null
  status: Generated<AwardStatus>
  annual_pence: number | null
  start_date: string
  end_date: string | null
  evidence: ColumnType<Record<string, unknown>, string | undefined, string>
  version: Generated<number>
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
  submitted_at: NullableTimestamp
  submitted_by: string | null
  agreed_at: NullableTimestamp
  agreed_by: string | null
  band_code: string | null
  level8_package: ColumnType<StoredLevel8Package | null, string | null | undefined, string | null>
  level8_total_pence: number | null
  returned_reason: string | null
  returned_at: NullableTimestamp
  returned_by: string | null
  /** Referred for Level 8 by the panel: funded by a costed package whatever the score. */
  level8_referred: Generated<boolean>
}

/** A Level 8 package as stored: quantities in hundredths, unit costs in pence. */
export type StoredLevel8Package = {
  rationale: string
  lines: { description: string; kind: string; quantityHundredths: number; unitPence: number }[]
}

export interface SpecialSchoolBandTable {
  la_code: string
  id: Generated<string>
  setting_id: string
  code: string
  name: string
  financial_year: string
  annual_pence_per_place: number
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface LegacyFundingTable {
  la_code: string
  id: Generated<string>
  child_id: string
  setting_id: string
  annual_pence: number
  start_date: string
  end_date: string | null
  note: string | null
  /** 'phased': paid until the matrix reaches the setting type; 'exceptional': a legacy exceptional-funding case moving onto the matrix. */
  kind: Generated<LegacyKind>
  /** The agreed matrix award that replaced this amount (exceptional cases). */
  award_id: string | null
  /** Transitional protection: the higher of the old and new amounts is paid until this date. */
  protected_until: string | null
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export type LegacyKind = 'phased' | 'exceptional'

export interface FundingTables {
  matrix_version: MatrixVersionTable
  award: AwardTable
  special_school_band: SpecialSchoolBandTable
  legacy_funding: LegacyFundingTable
}

import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export type SettingType = 'early_years' | 'mainstream' | 'special' | 'alternative_provision' | 'post_16' | 'independent'
export type Phase = 'early_years' | 'primary' | 'secondary' | 'all_through' | 'post_16'
export type Governance =
  'la_maintained' | 'academy' | 'non_maintained' | 'independent' | 'further_education' | 'private_voluntary'
export type SenStatus = 'ehcp' | 'sen_support' | 'none'
export type Sex = 'M' | 'F' | 'U'
export type Role = 'la_admin' | 'send_manager' | 'case_officer' | 'panel_member' | 'finance_officer' | 'school_user'

export interface LocalityTable {
  la_code: string
  code: string
  name: string
}

export interface SettingTable {
  id: Generated<string>
  la_code: string
  urn: string
  name: string
  setting_type: SettingType
  phase: Phase
  governance: Governance
  locality_code: string | null
  out_of_area: Generated<boolean>
  resource_base_places: number | null
  /** The places a special school is commissioned for (migration 0012, recorded from the sufficiency page). */
  special_places: number | null
  version: Generated<number>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export interface ChildTable {
  la_code: string
  id: Generated<string>
  local_id: string
  upn: string | null
  first_name: string
  last_name: string
  date_of_birth: string
  sex: Generated<Sex>
  sen_status: SenStatus
  ehcp_start_date: string | null
  version: Generated<number>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
  /** lower(first_name) and lower(last_name), kept by the database for name search (migration 0018). */
  first_name_key: ColumnType<string, never, never>
  last_name_key: ColumnType<string, never, never>
}

export interface ChildNeedTable {
  la_code: string
  child_id: string
  rank: number
  need_code: string
}

export interface PlacementTable {
  la_code: string
  id: Generated<string>
  child_id: string
  setting_id: string
  start_date: string
  end_date: string | null
  rank: Generated<number>
  resourced_provision: Generated<boolean>
}

export interface AppUserTable {
  id: Generated<string>
  username: string
  display_name: string
  email: string | null
  role: Role
  setting_id: string | null
  password_hash: string | null
  active: Generated<boolean>
  created_at: Generated<Timestamp>
}

export interface PeopleTables {
  locality: LocalityTable
  setting: SettingTable
  child: ChildTable
  child_need: ChildNeedTable
  placement: PlacementTable
  app_user: AppUserTable
}

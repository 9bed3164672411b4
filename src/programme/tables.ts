import type { ColumnType, Generated } from 'kysely'
import type { Measure, Rag, Status } from './rules/progress.ts'

// The improvement programme's tables (migrations/0019_programme.sql).

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** numeric columns come back as strings from both drivers. */
type Numeric = ColumnType<string, number | string, number | string>

export interface ProgrammeAreaTable {
  la_code: string
  id: Generated<string>
  position: number
  title: string
  weakness: string
}

export interface ProgrammeMeasureTable {
  la_code: string
  key: Measure
  baseline: Numeric
  baseline_on: string
  target: Numeric
  version: Generated<number>
}

export interface ProgrammeActionTable {
  la_code: string
  id: Generated<string>
  area_id: string
  ref: string
  description: string
  owner: string
  due_date: string
  status: Status
  evidence: Generated<string>
  completed_on: string | null
  measure: Measure | null
  version: Generated<number>
  updated_at: Generated<Timestamp>
}

export interface ProgrammeWorkstreamTable {
  la_code: string
  id: Generated<string>
  number: number
  name: string
}

export interface ProgrammeGroupTable {
  la_code: string
  id: Generated<string>
  workstream_id: string
  position: number
  name: string
  frequency: string
}

export interface ProgrammeItemTable {
  la_code: string
  id: Generated<string>
  workstream_id: string
  ref: string
  title: string
  purpose: Generated<string>
  next_steps: Generated<string>
  impact: Generated<string>
  rag: Rag
  measure: Measure | null
  version: Generated<number>
  updated_at: Generated<Timestamp>
}

export interface ProgrammeRagChangeTable {
  la_code: string
  id: Generated<string>
  item_id: string
  from_rag: Rag | null
  to_rag: Rag
  changed_on: string
  changed_by: string | null
  changed_by_name: string
  reason: string
  recorded_at: Generated<Timestamp>
}

export interface ProgrammeTables {
  programme_area: ProgrammeAreaTable
  programme_measure: ProgrammeMeasureTable
  programme_action: ProgrammeActionTable
  programme_workstream: ProgrammeWorkstreamTable
  programme_group: ProgrammeGroupTable
  programme_item: ProgrammeItemTable
  programme_rag_change: ProgrammeRagChangeTable
}

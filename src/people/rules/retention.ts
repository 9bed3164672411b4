// Retention of a child's records: which tables make up each class of record, what disposal does to
// each class, and the date a class falls due. Pure: no clock, no database.
// docs/decisions/0015-retention-and-disposal.md gives the reasons.

export type RecordClass = 'casework' | 'funding' | 'child'
export type DisposalAction = 'delete' | 'anonymise'

/** Text put in place of free text that may describe the child, where the column must keep a value. */
export const REMOVED = '[removed at disposal]'

export type ClassDefinition = {
  label: string
  action: DisposalAction
  tables: readonly string[]
  /** For an anonymised class: per table, the columns overwritten and with what (null clears). */
  anonymise?: Readonly<Record<string, Readonly<Record<string, string | null>>>>
}

export const RECORD_CLASSES: Readonly<Record<RecordClass, ClassDefinition>> = {
  // Statutory casework holds the narrative about the child: deleted outright.
  casework: {
    label: 'EHC casework: requests, advice, plans, reviews, amendments, disputes, complaints, legal holds',
    action: 'delete',
    tables: [
      'ehc_request',
      'advice_request',
      'casework_exception',
      'ehc_plan',
      'ehc_plan_need',
      'annual_review',
      'plan_amendment',
      'placement_consultation',
      'mediation_case',
      'tribunal_appeal',
      'complaint',
      'legal_hold',
    ],
  },
  // Money paid must still add up in the accounts and funding runs: kept, with its evidence and
  // reasons removed, pointing at an anonymous child.
  funding: {
    label: 'Top-up funding: awards and their matrices, legacy funding, panel cases and decisions',
    action: 'anonymise',
    tables: ['award', 'legacy_funding', 'panel_case', 'panel_decision'],
    anonymise: {
      award: { choices: '{}', evidence: '{}' },
      legacy_funding: { note: null },
      panel_decision: { reason: REMOVED, evidence_needed: REMOVED },
    },
  },
  // The child's identity goes; the record stays as an anonymous stub so counts by need, year of
  // birth and setting (and the funding kept above) still hold.
  child: {
    label: "The child's details, needs and placements",
    action: 'anonymise',
    tables: ['child', 'child_need', 'placement'],
    anonymise: {
      child: { first_name: 'Disposed', last_name: 'Record', upn: null, sex: 'U' },
    },
  },
}

export const RECORD_CLASS_NAMES = Object.keys(RECORD_CLASSES) as RecordClass[]

/**
 * Tables that hold a child's id but are no class's records: the register of disposals itself, which
 * must outlive them (and holds only the anonymous stub's id).
 */
export const KEPT_TABLES: readonly string[] = ['retention_disposal']

/** The record class a child-data table belongs to, or null when it is kept. */
export function classOfTable(table: string): RecordClass | null {
  for (const name of RECORD_CLASS_NAMES) if (RECORD_CLASSES[name].tables.includes(table)) return name
  return null
}

/**
 * The first day a class may be disposed of: the anniversary of the date of birth, years later.
 * A child born on 29 February reaches it on 1 March in a year that is not a leap year (as an age does
 * in English law), never a day early.
 */
export function retentionDate(dateOfBirth: string, years: number): string {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number]
  const year = y + years
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  if (m === 2 && d === 29 && !leap) return `${String(year).padStart(4, '0')}-03-01`
  return `${String(year).padStart(4, '0')}${dateOfBirth.slice(4)}`
}

export function isDue(dateOfBirth: string, years: number, today: string): boolean {
  return retentionDate(dateOfBirth, years) <= today
}

/**
 * The date of birth an anonymised child keeps: the first of its month, enough for counts by age
 * and year group, too little to identify.
 */
export function anonymousDateOfBirth(dateOfBirth: string): string {
  return `${dateOfBirth.slice(0, 8)}01`
}

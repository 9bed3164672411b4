import { csvTable, type CsvError, type CsvRead } from '../../platform/csv.ts'
import { actionProblems, RAG_LABELS, RAGS, STATUS_LABELS, STATUSES, type Rag, type Status } from './progress.ts'

// The programme's import files (docs/programme.md): actions and plan items, one per line, in the same
// columns the downloads use, so a download edited in a spreadsheet can be imported back. The records come
// already read from a CSV file or an Excel sheet; checked here without the database; the service
// resolves areas, workstreams and existing refs.

export const ACTION_COLUMNS = [
  'ref',
  'area',
  'description',
  'owner',
  'due_date',
  'status',
  'completed_on',
  'evidence',
] as const
export const ITEM_COLUMNS = [
  'ref',
  'workstream',
  'title',
  'purpose',
  'next_steps',
  'impact',
  'rag',
  'rag_reason',
] as const

export type ActionRow = {
  line: number
  ref: string
  area: number
  description: string
  owner: string
  dueDate: string
  status: Status
  completedOn: string | null
  evidence: string
}

export type ItemRow = {
  line: number
  ref: string
  workstream: number
  title: string
  purpose: string
  nextSteps: string
  impact: string
  rag: Rag
  ragReason: string
}

export type Parsed<T> = { ok: true; rows: T[] } | { ok: false; errors: CsvError[] }

const REF = /^[0-9A-Za-z.-]{1,12}$/

/** A status or RAG given as its key (in_progress) or its label (In progress), any case. */
function choice<K extends string>(value: string, keys: readonly K[], labels: Record<K, string>): K | null {
  const v = value.trim().toLowerCase()
  return keys.find(k => k === v || labels[k].toLowerCase() === v) ?? null
}

/** The file's rows under its header, each value read by column name (trimmed; '' when left out). */
function table(read: CsvRead, columns: readonly string[], optional: readonly string[]) {
  const { errors, rows } = csvTable(read, columns, optional)
  return { errors, rows: rows.map(r => ({ line: r.line, v: (c: string) => (r.values[c] ?? '').trim() })) }
}

/** Each form field of an action, as the column it is read from. */
const ACTION_FIELD_COLUMNS: Record<string, string> = {
  description: 'description',
  owner: 'owner',
  dueDate: 'due_date',
  status: 'status',
  evidence: 'evidence',
  completedOn: 'completed_on',
}

/** Reads an actions file; every bad row is reported by line and column, and nothing returned unless all are good. */
export function parseActions(read: CsvRead, today: string): Parsed<ActionRow> {
  const { errors, rows: raw } = table(read, ACTION_COLUMNS, ['evidence', 'completed_on'])
  const rows: ActionRow[] = []
  const refs = new Map<string, number>()
  for (const { line, v } of raw) {
    const ref = v('ref')
    if (!REF.test(ref))
      errors.push({ line, column: 'ref', message: 'must be up to 12 letters, digits, dots or hyphens, such as 2.4' })
    else if (refs.has(ref))
      errors.push({ line, column: 'ref', message: `the same ref is also on line ${refs.get(ref)}` })
    else refs.set(ref, line)
    const area = v('area')
    if (!/^\d{1,3}$/.test(area) || Number(area) < 1)
      errors.push({ line, column: 'area', message: 'must be the priority area’s number, such as 3' })
    const status = choice(v('status'), STATUSES, STATUS_LABELS)
    const input = {
      description: v('description'),
      owner: v('owner'),
      dueDate: v('due_date'),
      status: status ?? v('status'),
      evidence: v('evidence'),
      completedOn: v('completed_on'),
    }
    for (const p of actionProblems(input, today))
      errors.push({ line, column: ACTION_FIELD_COLUMNS[p.field]!, message: p.message })
    rows.push({
      line,
      ref,
      area: Number(area),
      description: input.description,
      owner: input.owner,
      dueDate: input.dueDate,
      status: status ?? 'not_started',
      completedOn: input.completedOn || null,
      evidence: input.evidence,
    })
  }
  return errors.length ? { ok: false, errors: errors.sort((a, b) => a.line - b.line) } : { ok: true, rows }
}

/** Reads a plan items file; every bad row is reported by line and column, and nothing returned unless all are good. */
export function parseItems(read: CsvRead): Parsed<ItemRow> {
  const { errors, rows: raw } = table(read, ITEM_COLUMNS, ['purpose', 'next_steps', 'impact', 'rag_reason'])
  const rows: ItemRow[] = []
  const refs = new Map<string, number>()
  for (const { line, v } of raw) {
    const ref = v('ref')
    if (!REF.test(ref))
      errors.push({ line, column: 'ref', message: 'must be up to 12 letters, digits, dots or hyphens, such as 1.3' })
    else if (refs.has(ref))
      errors.push({ line, column: 'ref', message: `the same ref is also on line ${refs.get(ref)}` })
    else refs.set(ref, line)
    const workstream = v('workstream')
    if (!/^\d{1,3}$/.test(workstream) || Number(workstream) < 1)
      errors.push({ line, column: 'workstream', message: 'must be the workstream’s number, such as 2' })
    if (!v('title')) errors.push({ line, column: 'title', message: 'enter the plan item’s title' })
    else if (v('title').length > 300) errors.push({ line, column: 'title', message: 'must be 300 characters or fewer' })
    for (const c of ['purpose', 'next_steps', 'impact'])
      if (v(c).length > 5000) errors.push({ line, column: c, message: 'must be 5,000 characters or fewer' })
    const rag = choice(v('rag'), RAGS, RAG_LABELS)
    if (!rag) errors.push({ line, column: 'rag', message: 'must be On track, Monitor or At risk' })
    if (v('rag_reason').length > 1000)
      errors.push({ line, column: 'rag_reason', message: 'must be 1,000 characters or fewer' })
    rows.push({
      line,
      ref,
      workstream: Number(workstream),
      title: v('title'),
      purpose: v('purpose'),
      nextSteps: v('next_steps'),
      impact: v('impact'),
      rag: rag ?? 'monitor',
      ragReason: v('rag_reason'),
    })
  }
  return errors.length ? { ok: false, errors: errors.sort((a, b) => a.line - b.line) } : { ok: true, rows }
}

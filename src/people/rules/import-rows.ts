import { csvTable, readCsv } from '../../platform/csv.ts'
import { z } from 'zod'
import { isIsoDate } from '../../platform/time/dates.ts'
import { NEED_CODES, needAllowedFor } from './needs.ts'
import { isValidUpn } from './upn.ts'

// CSV import files, read and checked without touching the database: the shape of each file,
// every field, and the checks that need only the file itself (duplicate keys, overlapping
// placements). The formats are documented in docs/import-formats.md; keep the two in step.

export const IMPORT_KINDS = ['settings', 'children', 'placements'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

/** Where a file is wrong: the physical line (the header is line 1), the column's header name, and why. */
export type RowError = { line: number; column: string | null; message: string }

export type Parsed<T> = { ok: true; rows: (T & { line: number })[] } | { ok: false; errors: RowError[] }

export const SETTING_TYPES = [
  'early_years',
  'mainstream',
  'special',
  'alternative_provision',
  'post_16',
  'independent',
] as const
export const PHASES = ['early_years', 'primary', 'secondary', 'all_through', 'post_16'] as const
export const GOVERNANCES = [
  'la_maintained',
  'academy',
  'non_maintained',
  'independent',
  'further_education',
  'private_voluntary',
] as const
export const SEN_STATUSES = ['ehcp', 'sen_support', 'none'] as const
export const SEXES = ['M', 'F', 'U'] as const

// ---- fields -------------------------------------------------------------------------------------

const required = (message = 'is required') => z.string().trim().min(1, message)
const blankToNull = <T extends z.ZodType>(schema: T) =>
  z.string().transform((value, ctx): z.output<T> | null => {
    const trimmed = value.trim()
    if (trimmed === '') return null
    const result = schema.safeParse(trimmed)
    if (result.success) return result.data
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message })
    return z.NEVER
  })

const oneOf = <T extends readonly [string, ...string[]]>(
  values: T,
  normalise: (s: string) => string = s => s.toLowerCase(),
) =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .transform(normalise)
    .pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }))

const isoDate = z.string().trim().min(1, 'is required').refine(isIsoDate, 'must be a real date written YYYY-MM-DD')
const yesNo = z
  .string()
  .trim()
  .toLowerCase()
  .refine(value => ['', 'true', 'false', 'yes', 'no', 'y', 'n', '1', '0'].includes(value), 'must be yes or no')
  .transform(value => ['true', 'yes', 'y', '1'].includes(value))
const needCode = oneOf(NEED_CODES, s => s.toUpperCase())

const urn = required().regex(/^[0-9]{6,7}$/, 'must be a URN of 6 or 7 digits')
const localId = required()
  .max(20, 'must be at most 20 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be letters, digits, and . _ / - only')
const upn = z
  .string()
  .transform(s => s.toUpperCase())
  .refine(isValidUpn, 'is not a valid UPN: 13 characters with the right check letter')
const personName = required()
  .max(100, 'must be at most 100 characters')
  .refine(s => !/\p{Cc}/u.test(s), 'must not contain control characters')

const SETTING_FIELDS = {
  urn,
  name: required()
    .max(200, 'must be at most 200 characters')
    .refine(s => !/\p{Cc}/u.test(s), 'must not contain control characters'),
  setting_type: oneOf(SETTING_TYPES),
  phase: oneOf(PHASES),
  governance: oneOf(GOVERNANCES),
  locality_code: blankToNull(z.string().max(20, 'must be at most 20 characters')),
  out_of_area: yesNo,
  resource_base_places: blankToNull(
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1 (leave blank for none)')
      .max(10_000, 'must be at most 10,000'),
  ),
}

const CHILD_FIELDS = {
  local_id: localId,
  upn: blankToNull(upn),
  first_name: personName,
  last_name: personName,
  date_of_birth: isoDate,
  sex: z
    .string()
    .trim()
    .transform(s => s.toUpperCase() || 'U')
    .pipe(z.enum(SEXES, { error: 'must be M, F or U (or blank)' })),
  sen_status: oneOf(SEN_STATUSES),
  ehcp_start_date: blankToNull(isoDate),
  primary_need: blankToNull(needCode),
  secondary_need: blankToNull(needCode),
}

const PLACEMENT_FIELDS = {
  local_id: blankToNull(localId),
  upn: blankToNull(upn),
  urn,
  start_date: isoDate,
  end_date: blankToNull(isoDate),
  rank: z
    .string()
    .trim()
    .transform(s => s || '1')
    .refine(s => s === '1' || s === '2', 'must be 1 (main placement) or 2 (dual registration)')
    .transform(s => Number(s) as 1 | 2),
  resourced_provision: yesNo,
}

type Fields = Record<string, z.ZodType<unknown, string>>
type RowOf<F extends Fields> = { [K in keyof F]: z.output<F[K]> }

export type SettingRow = RowOf<typeof SETTING_FIELDS>
export type ChildRow = RowOf<typeof CHILD_FIELDS>
export type PlacementRow = RowOf<typeof PLACEMENT_FIELDS>
export type ImportRow = SettingRow | ChildRow | PlacementRow

/** The header of each file, in the documented order. Every column must be present; values may be blank where optional. */
export const COLUMNS = {
  settings: Object.keys(SETTING_FIELDS) as (keyof SettingRow)[],
  children: Object.keys(CHILD_FIELDS) as (keyof ChildRow)[],
  placements: Object.keys(PLACEMENT_FIELDS) as (keyof PlacementRow)[],
} as const satisfies Record<ImportKind, readonly string[]>

// ---- CSV ----------------------------------------------------------------------------------------

/** Each field through its own schema, so every bad field of a row is reported, not just the first. */
function fields<F extends Fields>(schemas: F, line: number, values: Record<string, string>, errors: RowError[]) {
  const out: Partial<RowOf<F>> = {}
  for (const [column, schema] of Object.entries(schemas)) {
    const result = schema.safeParse(values[column] ?? '')
    if (result.success) out[column as keyof F] = result.data as RowOf<F>[keyof F]
    else errors.push({ line, column, message: result.error.issues[0]?.message ?? 'is not valid' })
  }
  return out
}

function parseWith<F extends Fields>(
  text: string,
  kind: ImportKind,
  schemas: F,
  check: (row: Partial<RowOf<F>>, fail: (column: keyof F & string, message: string) => void) => void,
  acrossRows: (
    rows: (RowOf<F> & { line: number })[],
    all: (Partial<RowOf<F>> & { line: number })[],
    errors: RowError[],
  ) => void,
): Parsed<RowOf<F>> {
  const { rows: raw, errors } = csvTable(readCsv(text), COLUMNS[kind])
  const rows: (RowOf<F> & { line: number })[] = []
  const all: (Partial<RowOf<F>> & { line: number })[] = []
  for (const { line, values } of raw) {
    const before = errors.length
    const row = fields(schemas, line, values, errors)
    const failed = new Set(errors.slice(before).map(e => e.column))
    check(row, (column, message) => {
      if (!failed.has(column)) errors.push({ line, column, message })
      failed.add(column)
    })
    all.push({ ...row, line })
    if (errors.length === before) rows.push({ ...(row as RowOf<F>), line })
  }
  if (raw.length === 0 && errors.length === 0) {
    errors.push({ line: 2, column: null, message: 'the file has a header but no rows' })
  }
  acrossRows(rows, all, errors)
  if (errors.length) return { ok: false, errors: sortErrors(errors, COLUMNS[kind]) }
  return { ok: true, rows }
}

function sortErrors(errors: RowError[], columns: readonly string[]): RowError[] {
  const position = (column: string | null) => (column === null ? -1 : columns.indexOf(column))
  return errors.sort((a, b) => a.line - b.line || position(a.column) - position(b.column))
}

/** Later rows that repeat an earlier row's key are errors naming the earlier line. Rows with other problems count too. */
function duplicates<R extends { line: number }>(
  rows: R[],
  column: string,
  key: (row: R) => string | null | undefined,
  errors: RowError[],
  what: string,
) {
  const first = new Map<string, number>()
  for (const row of rows) {
    const k = key(row)
    if (k === null || k === undefined) continue
    const earlier = first.get(k)
    if (earlier === undefined) first.set(k, row.line)
    else errors.push({ line: row.line, column, message: `${what} is also on line ${earlier}` })
  }
}

// ---- the three files ----------------------------------------------------------------------------

export function parseSettings(text: string): Parsed<SettingRow> {
  return parseWith(
    text,
    'settings',
    SETTING_FIELDS,
    () => {},
    (_, all, errors) => duplicates(all, 'urn', r => r.urn, errors, 'this URN'),
  )
}

/** `today` bounds dates of birth and plan start dates: neither may be in the future. */
export function parseChildren(text: string, today: string): Parsed<ChildRow> {
  return parseWith(
    text,
    'children',
    CHILD_FIELDS,
    (row, fail) => {
      if (row.date_of_birth && row.date_of_birth > today) fail('date_of_birth', 'must not be in the future')
      if (row.date_of_birth && row.date_of_birth < '1900-01-01') fail('date_of_birth', 'must be after 1900')
      const status = row.sen_status
      if (status === 'ehcp' && row.ehcp_start_date === null) {
        fail('ehcp_start_date', 'is required when sen_status is ehcp')
      }
      if (status && status !== 'ehcp' && row.ehcp_start_date) {
        fail('ehcp_start_date', 'must be blank unless sen_status is ehcp')
      }
      if (row.ehcp_start_date && row.ehcp_start_date > today) fail('ehcp_start_date', 'must not be in the future')
      if (row.ehcp_start_date && row.date_of_birth && row.ehcp_start_date < row.date_of_birth) {
        fail('ehcp_start_date', 'must not be before date_of_birth')
      }
      if (status && status !== 'none' && row.primary_need === null) {
        fail('primary_need', `is required when sen_status is ${status}`)
      }
      for (const column of ['primary_need', 'secondary_need'] as const) {
        const code = row[column]
        if (!code || !status) continue
        if (status === 'none') fail(column, 'must be blank when sen_status is none')
        else if (!needAllowedFor(code, status)) fail(column, 'NSA is only for children on SEN support')
      }
      if (row.secondary_need) {
        // An unreadable primary_need (undefined) is already reported; only a blank one is this row's fault.
        if (row.primary_need === null) fail('secondary_need', 'needs a primary_need')
        else if (row.secondary_need === row.primary_need) fail('secondary_need', 'must differ from primary_need')
        else if (row.secondary_need === 'NSA') fail('secondary_need', 'NSA can only be a primary need')
        else if (row.primary_need === 'NSA') fail('secondary_need', 'must be blank when primary_need is NSA')
      }
    },
    (_, all, errors) => {
      duplicates(all, 'local_id', r => r.local_id, errors, 'this child id')
      duplicates(all, 'upn', r => r.upn, errors, 'this UPN')
    },
  )
}

/** The child a placement row names, as written in the file: the local id if given, else the UPN. */
function placementChildKey(row: Partial<Pick<PlacementRow, 'local_id' | 'upn'>>): string | null {
  if (row.local_id) return `id:${row.local_id}`
  if (row.local_id === null && row.upn) return `upn:${row.upn}`
  return null
}

export function parsePlacements(text: string): Parsed<PlacementRow> {
  return parseWith(
    text,
    'placements',
    PLACEMENT_FIELDS,
    (row, fail) => {
      if (row.local_id === null && row.upn === null) fail('local_id', 'give the child’s local_id or upn (or both)')
      if (row.start_date && row.end_date && row.end_date < row.start_date) {
        fail('end_date', 'must not be before start_date')
      }
    },
    (rows, all, errors) => {
      const key = (r: Partial<PlacementRow>) => {
        const child = placementChildKey(r)
        return child && r.urn && r.start_date ? `${child}|${r.urn}|${r.start_date}` : null
      }
      duplicates(all, 'start_date', key, errors, 'this child, setting and start date')
      overlaps(rows, errors)
    },
  )
}

/** A child holds one main (rank 1) and one dual-registration (rank 2) placement at a time. */
function overlaps(rows: (PlacementRow & { line: number })[], errors: RowError[]) {
  const groups = new Map<string, (PlacementRow & { line: number })[]>()
  for (const row of rows) {
    const key = `${placementChildKey(row)}|${row.rank}`
    const group = groups.get(key)
    if (group) group.push(row)
    else groups.set(key, [row])
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue
    group.sort((a, b) => (a.start_date < b.start_date ? -1 : a.start_date > b.start_date ? 1 : a.line - b.line))
    let latest = group[0]!
    for (const row of group.slice(1)) {
      const latestEnd = latest.end_date ?? '9999-12-31'
      const sameKey = row.start_date === latest.start_date && row.urn === latest.urn
      if (row.start_date <= latestEnd && !sameKey) {
        errors.push({
          line: row.line,
          column: 'start_date',
          message: `overlaps the placement on line ${latest.line} (same child and rank)`,
        })
      }
      if ((row.end_date ?? '9999-12-31') > latestEnd) latest = row
    }
  }
}

export function parseImport(kind: ImportKind, text: string, today: string): Parsed<ImportRow> {
  switch (kind) {
    case 'settings':
      return parseSettings(text)
    case 'children':
      return parseChildren(text, today)
    case 'placements':
      return parsePlacements(text)
  }
}

import { readCsv, type CsvError } from '../../platform/csv.ts'
import { isIsoDate } from '../../platform/time/dates.ts'
import { parsePounds } from './explanation.ts'

// The legacy funding file (docs/import-formats.md, "Legacy funding amounts"): amounts paid to pupils
// at setting types not yet on the matrix, kept until their end date. Read and checked here without
// touching the database; the service resolves children and URNs. Keep the two in step with the docs.

export const LEGACY_COLUMNS = [
  'child_id',
  'upn',
  'setting_urn',
  'annual_amount',
  'start_date',
  'end_date',
  'note',
  'kind',
] as const
export type LegacyColumn = (typeof LEGACY_COLUMNS)[number]

/** Where a file is wrong: the physical line (the header is line 1), the column's header name, and why. */
export type RowError = CsvError

export type LegacyRow = {
  line: number
  childId: string | null
  upn: string | null
  settingUrn: string
  annualPence: number
  startDate: string
  endDate: string | null
  note: string | null
  /** 'phased' (blank) until the matrix reaches the setting type; 'exceptional' until its matrix award is agreed. */
  kind: 'phased' | 'exceptional'
}

export type LegacyParsed = { ok: true; rows: LegacyRow[] } | { ok: false; errors: RowError[] }

const MAX_NOTE = 2000

// Control characters other than tab and line breaks, which a quoted note may hold.
const hasControl = (s: string) =>
  [...s].some(ch => {
    const c = ch.charCodeAt(0)
    return (c < 32 && c !== 9 && c !== 10 && c !== 13) || (c >= 127 && c < 160)
  })

const UPN = /^[A-Z][0-9]{11}[0-9A-Z]$/
const LOCAL_ID = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/

/** Reads a legacy funding file; every bad row is reported, and nothing is returned unless all are good. */
export function parseLegacyFunding(text: string): LegacyParsed {
  const errors: RowError[] = []
  const { records, error } = readCsv(text)
  const [head, ...body] = records
  if (!head) {
    return {
      ok: false,
      errors: [
        error ?? {
          line: 1,
          column: null,
          message: `the file is empty: the first line must be the header (${LEGACY_COLUMNS.join(',')})`,
        },
      ],
    }
  }
  const header = head.fields.map(h => h.trim().toLowerCase())
  const seen = new Set<string>()
  for (const name of header) {
    if (!(LEGACY_COLUMNS as readonly string[]).includes(name)) {
      errors.push({ line: head.line, column: name || null, message: `unknown column${name ? '' : ' with no name'}` })
    } else if (seen.has(name)) {
      errors.push({ line: head.line, column: name, message: 'column appears more than once' })
    }
    seen.add(name)
  }
  // child_id or upn identifies the child: one of the two columns is enough; end_date, note and kind are optional.
  for (const name of ['setting_urn', 'annual_amount', 'start_date'] as const) {
    if (!seen.has(name)) errors.push({ line: head.line, column: name, message: 'column is missing from the header' })
  }
  if (!seen.has('child_id') && !seen.has('upn')) {
    errors.push({ line: head.line, column: 'child_id', message: 'the header needs a child_id or a upn column' })
  }
  if (errors.length) return { ok: false, errors: error ? [...errors, error] : errors }

  const rows: LegacyRow[] = []
  const firstKey = new Map<string, number>()
  for (const record of body) {
    const line = record.line
    if (record.fields.length !== header.length) {
      errors.push({
        line,
        column: null,
        message: `has ${record.fields.length} values but the header has ${header.length} columns`,
      })
      continue
    }
    const v = (column: LegacyColumn) => {
      const i = header.indexOf(column)
      return i < 0 ? '' : record.fields[i]!.trim()
    }
    const before = errors.length
    const fail = (column: LegacyColumn, message: string) => errors.push({ line, column, message })

    const childId = v('child_id') || null
    const upn = v('upn').toUpperCase() || null
    if (childId !== null && (childId.length > 20 || !LOCAL_ID.test(childId))) {
      fail('child_id', 'must be at most 20 letters, digits, and . _ / - only')
    }
    if (upn !== null && !UPN.test(upn))
      fail('upn', 'must be a UPN of 13 characters: a letter, 11 digits, then a digit or letter')
    if (childId === null && upn === null)
      fail(seen.has('child_id') ? 'child_id' : 'upn', 'is required: give child_id or upn')

    const settingUrn = v('setting_urn')
    if (!settingUrn) fail('setting_urn', 'is required')
    else if (!/^[0-9]{6,7}$/.test(settingUrn)) fail('setting_urn', 'must be a URN of 6 or 7 digits')

    const amountText = v('annual_amount')
    const annualPence = amountText ? parsePounds(amountText) : null
    if (!amountText) fail('annual_amount', 'is required')
    else if (annualPence === null) fail('annual_amount', 'must be an amount in pounds, such as 12,500.00')

    const startDate = v('start_date')
    if (!startDate) fail('start_date', 'is required')
    else if (!isIsoDate(startDate)) fail('start_date', 'must be a real date written YYYY-MM-DD')

    const endDate = v('end_date') || null
    if (endDate !== null && !isIsoDate(endDate)) fail('end_date', 'must be a real date written YYYY-MM-DD')
    else if (endDate !== null && isIsoDate(startDate) && endDate < startDate)
      fail('end_date', 'must not be before start_date')

    const note = v('note') || null
    if (note !== null && note.length > MAX_NOTE) fail('note', `must be at most ${MAX_NOTE} characters`)
    else if (note !== null && hasControl(note)) fail('note', 'must not contain control characters')

    const kindText = v('kind').toLowerCase()
    if (kindText !== '' && kindText !== 'phased' && kindText !== 'exceptional')
      fail('kind', 'must be exceptional or phased (blank means phased)')
    const kind = kindText === 'exceptional' ? 'exceptional' : 'phased'

    const child = childId !== null ? `id:${childId}` : `upn:${upn}`
    const key = `${child}|${settingUrn}|${startDate}`
    const earlier = firstKey.get(key)
    if (earlier !== undefined) fail('start_date', `this child, setting and start date is also on line ${earlier}`)
    else firstKey.set(key, line)

    if (errors.length === before) {
      rows.push({ line, childId, upn, settingUrn, annualPence: annualPence!, startDate, endDate, note, kind })
    }
  }
  if (body.length === 0 && errors.length === 0 && !error) {
    errors.push({ line: 2, column: null, message: 'the file has a header but no rows' })
  }
  if (error) errors.push(error)
  if (errors.length) {
    const position = (c: string | null) => (c === null ? -1 : (LEGACY_COLUMNS as readonly string[]).indexOf(c))
    return { ok: false, errors: errors.sort((a, b) => a.line - b.line || position(a.column) - position(b.column)) }
  }
  return { ok: true, rows }
}

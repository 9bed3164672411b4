import { parse } from 'csv-parse/sync'

// Reading CSV files people upload: every record with the physical line it starts on, so each
// problem can be reported by line and column.

/** Where a file is wrong: the physical line (the header is line 1), the column's header name, and why. */
export type CsvError = { line: number; column: string | null; message: string }

export type CsvRecord = { line: number; fields: string[] }

/** What a reader (CSV here, or XLSX in platform/xlsx.ts) made of a file: its records, or where it failed. */
export type CsvRead = { records: CsvRecord[]; error: CsvError | null }

export type CsvRow = { line: number; values: Record<string, string> }

/**
 * The records under a header row naming the columns (any order and case): every unknown, repeated or
 * missing column (`optional` ones may be left out) and every row with the wrong number of values is an
 * error by line and column. Rows come back only when the header is right.
 */
export function csvTable(
  { records, error }: CsvRead,
  columns: readonly string[],
  optional: readonly string[] = [],
): { rows: CsvRow[]; errors: CsvError[] } {
  const errors: CsvError[] = []
  const [head, ...body] = records
  if (!head) {
    const empty = {
      line: 1,
      column: null,
      message: `the file is empty: the first line must be the header (${columns.join(',')})`,
    }
    return { rows: [], errors: [error ?? empty] }
  }
  const header = head.fields.map(h => h.trim().toLowerCase())
  const seen = new Set<string>()
  for (const name of header) {
    if (!columns.includes(name)) {
      const hint = header.length === 1 && /[;\t|]/.test(name) ? ': the file must be comma-separated' : ''
      errors.push({
        line: head.line,
        column: name || null,
        message: `unknown column${name ? '' : ' with no name'}${hint}`,
      })
    } else if (seen.has(name)) {
      errors.push({ line: head.line, column: name, message: 'column appears more than once' })
    }
    seen.add(name)
  }
  for (const name of columns) {
    if (!seen.has(name) && !optional.includes(name))
      errors.push({ line: head.line, column: name, message: 'column is missing from the header' })
  }
  if (errors.length) return { rows: [], errors: error ? [...errors, error] : errors }
  const rows: CsvRow[] = []
  for (const record of body) {
    if (record.fields.length !== header.length) {
      errors.push({
        line: record.line,
        column: null,
        message: `has ${record.fields.length} values but the header has ${header.length} columns`,
      })
      continue
    }
    rows.push({ line: record.line, values: Object.fromEntries(header.map((name, i) => [name, record.fields[i]!])) })
  }
  if (error) errors.push(error)
  return { rows, errors }
}

/** Reads CSV text into records numbered by their physical line, or the first line that is not valid CSV. */
export function readCsv(text: string): CsvRead {
  const records: CsvRecord[] = []
  // csv-parse counts a CRLF inside a quoted value as two lines, so physical lines are counted
  // here: a record starts after the previous one's last line and any blank lines between.
  let lastEnd = 0
  let lastEmpty = 0
  let overcount = 0
  try {
    parse(text, {
      bom: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (fields, context) => {
        const line = lastEnd + 1 + (context.empty_lines - lastEmpty)
        lastEnd = line + count(fields, /\r\n|\r|\n/g)
        overcount += count(fields, /\r\n/g)
        lastEmpty = context.empty_lines
        // A row of nothing but commas, as spreadsheets leave at the end, is an empty line too.
        if (fields.some(field => field !== '')) records.push({ line, fields })
        return null
      },
    })
  } catch (error) {
    const e = error as { code?: string; lines?: number }
    const next = nextNonBlankLine(text, lastEnd)
    const at = e.code === 'CSV_QUOTE_NOT_CLOSED' || !e.lines ? next : Math.max(next, e.lines - overcount)
    return { records, error: { line: at, column: null, message: csvMessage(e.code) } }
  }
  return { records, error: null }
}

/** The first line after `after` with anything on it: where the record that failed to parse began. */
function nextNonBlankLine(text: string, after: number): number {
  const lines = text.split(/\r\n|\r|\n/)
  let line = after + 1
  while (line < lines.length && lines[line - 1]!.trim() === '') line++
  return line
}

function count(fields: string[], pattern: RegExp): number {
  let n = 0
  for (const field of fields) if (/[\r\n]/.test(field)) n += field.match(pattern)?.length ?? 0
  return n
}

function csvMessage(code: string | undefined): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted value starts here and is never closed'
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote inside a quoted value must be doubled ("")'
    case 'INVALID_OPENING_QUOTE':
      return 'a value containing quotes must itself be quoted, with each quote doubled ("")'
    default:
      return 'this line is not valid CSV'
  }
}

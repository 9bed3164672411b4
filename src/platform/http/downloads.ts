import { stringify } from 'csv-stringify/sync'
import ExcelJS from 'exceljs'
import type { Response } from 'express'

// Downloads open in spreadsheet programs, which run a cell starting with = + - @ (or a tab or carriage
// return that hides one) as a formula: a pupil's name or a note could then run code or leak data. Such
// a text cell gets a leading apostrophe, which the spreadsheet shows as plain text. Numbers stay numbers.

export type Cell = string | number | null

export function escapeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

const safe = (cell: Cell) => (typeof cell === 'string' ? escapeCell(cell) : cell)

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return stringify([header.map(escapeCell), ...rows.map(r => r.map(safe))])
}

export async function toXlsx(
  sheetName: string,
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31))
  sheet.addRow(header.map(escapeCell))
  sheet.getRow(1).font = { bold: true }
  for (const row of rows) sheet.addRow(row.map(safe))
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** Sends a CSV or XLSX file as an attachment; `name` has no extension and only safe characters. */
export async function sendTable(
  res: Response,
  format: 'csv' | 'xlsx',
  name: string,
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
): Promise<void> {
  const filename = `${name.replace(/[^A-Za-z0-9_.-]/g, '-')}.${format}`
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`)
  res.setHeader('Cache-Control', 'no-store')
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').send(toCsv(header, rows))
    return
  }
  res
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .send(await toXlsx(name.slice(0, 31), header, rows))
}

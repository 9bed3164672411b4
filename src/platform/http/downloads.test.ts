import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { escapeCell, toCsv, toXlsx } from './downloads.ts'

describe('download cells', () => {
  it('puts an apostrophe before text a spreadsheet would run as a formula', () => {
    for (const bad of ['=1+1', '+44', '-2', '@SUM(A1)', '\t=1', '\r=1']) assert.equal(escapeCell(bad), `'${bad}`)
    for (const fine of ['Ada Quill', '12', '', "O'Neil", 'a=b']) assert.equal(escapeCell(fine), fine)
  })

  it('escapes text cells in CSV but leaves numbers alone', () => {
    const csv = toCsv(['name', 'amount'], [['=HYPERLINK("x")', -150]])
    assert.equal(csv, `name,amount\n"'=HYPERLINK(""x"")",-150\n`)
  })

  it('escapes text cells in XLSX, read back', async () => {
    const buffer = await toXlsx('Sheet', ['name', 'amount'], [['@cmd', 12.5]])
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer)
    const row = workbook.worksheets[0]!.getRow(2)
    assert.equal(row.getCell(1).value, "'@cmd")
    assert.equal(row.getCell(2).value, 12.5)
  })
})

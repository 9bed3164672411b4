import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import type { CsvRead, CsvRecord } from './csv.ts'

// Reading an uploaded Excel workbook's first sheet as records, like a CSV file's, each numbered by its
// row. An .xlsx is a zip: the sizes its directory declares are checked, and then the bytes each entry
// actually inflates to are counted, before the workbook is parsed — so a zip bomb is refused unopened.

const MB = 1024 * 1024

export async function readXlsx(buffer: Buffer, limitBytes = 50 * MB): Promise<CsvRead> {
  const refused = (message: string) => ({ records: [], error: { line: 1, column: null, message } })
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(buffer)
  } catch {
    return refused('the file is not a readable Excel workbook (.xlsx)')
  }
  const files = Object.values(zip.files).filter(f => !f.dir)
  const tooBig = `the workbook would unpack to more than ${Math.round(limitBytes / MB)} MB, so it was not opened`
  const declared = files.reduce(
    (sum, f) => sum + ((f as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0),
    0,
  )
  if (declared > limitBytes) return refused(tooBig)
  // A zip may lie about its sizes: count what each entry really inflates to, stopping at the limit.
  let budget = limitBytes
  for (const file of files) {
    const fits = await new Promise<boolean>((resolve, reject) => {
      const stream = file.nodeStream('nodebuffer')
      stream.on('data', (chunk: Buffer) => {
        budget -= chunk.length
        if (budget < 0) {
          ;(stream as unknown as { pause(): void }).pause()
          resolve(false)
        }
      })
      stream.on('error', reject)
      stream.on('end', () => resolve(true))
    }).catch(() => false)
    if (!fits) return refused(budget < 0 ? tooBig : 'the file is not a readable Excel workbook (.xlsx)')
  }
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer)
  } catch {
    return refused('the file is not a readable Excel workbook (.xlsx)')
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) return refused('the workbook has no sheets')
  const records: CsvRecord[] = []
  const width = sheet.getRow(1).cellCount
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const fields = Array.from({ length: Math.max(width, row.cellCount) }, (_, i) => row.getCell(i + 1).text.trim())
    // Trailing empty cells beyond the header's width are not values.
    while (fields.length > width && fields.at(-1) === '') fields.pop()
    if (fields.some(f => f !== '')) records.push({ line, fields })
  })
  return { records, error: null }
}

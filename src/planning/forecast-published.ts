import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import { MAX_UNCOMPRESSED_BYTES, PublishedFileRejected } from '../insight/published-import.ts'
import { FORECAST_FILES, readPublishedSeries, type PublishedSeries } from './rules/forecast-published.ts'

// Reads the DfE release files a forecast needs, as published: a release's "Download all data" zip, a
// folder of such zips (every release in it, oldest first, so later figures replace earlier ones), or a
// folder of the unzipped CSVs. Only the four files with caseload and new plans by age are inflated.

const WANTED = new Set<string>(FORECAST_FILES)

async function zipFiles(file: string): Promise<{ name: string; text: string }[]> {
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(fs.readFileSync(file))
  } catch (error) {
    throw new PublishedFileRejected(
      `${path.basename(file)}: it is not a readable zip file (${(error as Error).message})`,
    )
  }
  const out: { name: string; text: string }[] = []
  const tooBig = () => new PublishedFileRejected(`${path.basename(file)}: it unpacks to more than any DfE release`)
  // The sizes the zip's directory declares are checked before anything is inflated; what is inflated is counted too.
  const declared = Object.values(zip.files).reduce(
    (sum, f) => sum + ((f as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0),
    0,
  )
  if (declared > MAX_UNCOMPRESSED_BYTES) throw tooBig()
  let budget = MAX_UNCOMPRESSED_BYTES
  for (const entry of Object.values(zip.files)) {
    const name = path.posix.basename(entry.name)
    if (entry.dir || !WANTED.has(name)) continue
    const text = await entry.async('string')
    budget -= text.length
    if (budget < 0) throw tooBig()
    out.push({ name, text })
  }
  return out
}

/** The reporting year a release file name carries (education-health-and-care-plans_2025.zip → 2025), for ordering. */
const releaseYear = (name: string) => Number(/(\d{4})(?!.*\d{4})/.exec(name)?.[1] ?? 0)

/** Every area's series from a release zip or a folder; throws PublishedFileRejected naming what is missing. */
export async function readForecastRelease(source: string): Promise<Map<string, PublishedSeries>> {
  if (!fs.existsSync(source)) throw new PublishedFileRejected(`${source}: no such file or folder`)
  const files: { name: string; text: string }[] = []
  if (fs.statSync(source).isDirectory()) {
    const entries = fs.readdirSync(source).sort((a, b) => releaseYear(a) - releaseYear(b) || a.localeCompare(b))
    for (const entry of entries) {
      const full = path.join(source, entry)
      if (/\.zip$/i.test(entry)) files.push(...(await zipFiles(full)))
      else if (WANTED.has(entry)) files.push({ name: entry, text: fs.readFileSync(full, 'utf8') })
    }
  } else if (WANTED.has(path.basename(source))) {
    files.push({ name: path.basename(source), text: fs.readFileSync(source, 'utf8') })
  } else if (/\.zip$/i.test(source)) {
    files.push(...(await zipFiles(source)))
  }
  if (!files.length) {
    throw new PublishedFileRejected(
      `${path.basename(source)}: it holds none of ${FORECAST_FILES.join(', ')} (the caseload and new plans by age)`,
    )
  }
  return readPublishedSeries(files)
}

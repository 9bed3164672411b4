import path from 'node:path'
import JSZip from 'jszip'
import { sql, type Kysely } from 'kysely'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { analyze } from '../platform/db/index.ts'
import { ForbiddenError } from '../platform/errors.ts'
import { log } from '../platform/log.ts'
import type { DB } from '../schema.ts'
import { isKnownHeader, parsePublishedCsv, type Measure, type PublishedRow } from './rules/published.ts'

// Imports the DfE "Education, health and care plans" release files as published: a release's
// "Download all data" zip, or one of its CSVs (such as sen2_mi.csv). Everything is checked and read
// first, then written in one transaction keyed on the published keys, so a second import of the
// same file changes nothing and a bad file writes nothing.

const IMPORTERS: readonly Role[] = ['la_admin']

/** Uncompressed bytes a zip may hold, declared or inflated: the 2025 release is 37 MB. */
export const MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024

const BATCH = 1000
const KEY = [
  'measure',
  'area_code',
  'period_year',
  'release',
  'file',
  'time_period',
  'breakdown_topic',
  'breakdown',
] as const

/** The file cannot be imported: nothing was written. The message says why, for a person to read. */
export class PublishedFileRejected extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PublishedFileRejected'
  }
}

export type FileCount = { file: string; shape: string; rows: number; measures: Partial<Record<Measure, number>> }

export type PublishedImportResult = {
  source: string
  release: string
  files: FileCount[]
  /** Files in a zip that are not ones benchmarking reads (kept out, not an error). */
  skipped: string[]
  rows: number
  inserted: number
  updated: number
  unchanged: number
  ms: number
}

export type LoadedFile = {
  release: string
  file: string
  rows: number
  firstYear: number
  lastYear: number
  measures: number
}

type Entry = { name: string; text: string }

/** A file read and checked, ready to write. */
export type PreparedImport = {
  source: string
  release: string
  files: FileCount[]
  skipped: string[]
  rows: (PublishedRow & { release: string; file: string })[]
  started: number
}

const utf8 = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(bytes)

const isZip = (buffer: Buffer) => buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50

export class PublishedImportService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly maxUncompressedBytes = MAX_UNCOMPRESSED_BYTES,
  ) {}

  mayImport(actor: Actor): boolean {
    return IMPORTERS.includes(actor.role)
  }

  /** Refuses, and records the attempt, unless the actor may import. Upload routes call it before reading the file. */
  async authorise(actor: Actor): Promise<void> {
    if (this.mayImport(actor)) return
    await audit(this.db, this.laCode, actor, {
      action: 'import.dfe-release',
      recordType: 'published_figure',
      outcome: 'denied',
    })
    throw new ForbiddenError()
  }

  /** Imports a release zip or one published CSV, all or nothing. `name` is the file's name, for its shape and messages. */
  async import(actor: Actor, name: string, content: Buffer): Promise<PublishedImportResult> {
    await this.authorise(actor)
    return this.write(actor, await this.read(name, content))
  }

  /** Reads and checks a file without touching the database; throws PublishedFileRejected when it cannot be imported. */
  read(name: string, content: Buffer): Promise<PreparedImport> {
    return readPublishedFile(name, content, this.maxUncompressedBytes)
  }

  /** Writes what `read` prepared, all or nothing. */
  async write(actor: Actor, prepared: PreparedImport): Promise<PublishedImportResult> {
    await this.authorise(actor)
    const { source, release, files, skipped, rows: all, started } = prepared
    const counts = await this.db.transaction().execute(async trx => {
      let inserted = 0
      let changed = 0
      for (let i = 0; i < all.length; i += BATCH) {
        const written = await trx
          .insertInto('published_figure')
          .values(all.slice(i, i + BATCH))
          .onConflict(oc =>
            oc
              .columns([...KEY])
              .doUpdateSet(eb => ({
                value: eb.ref('excluded.value'),
                marker: eb.ref('excluded.marker'),
                geographic_level: eb.ref('excluded.geographic_level'),
                area_name: eb.ref('excluded.area_name'),
                region_code: eb.ref('excluded.region_code'),
                region_name: eb.ref('excluded.region_name'),
              }))
              .where(
                sql<boolean>`(published_figure.value, published_figure.marker, published_figure.geographic_level, published_figure.area_name, published_figure.region_code, published_figure.region_name) is distinct from (excluded.value, excluded.marker, excluded.geographic_level, excluded.area_name, excluded.region_code, excluded.region_name)`,
              ),
          )
          .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
          .execute()
        for (const w of written) if (w.inserted) inserted++
        changed += written.length
      }
      const outcome = { inserted, updated: changed - inserted, unchanged: all.length - changed }
      await audit(trx, this.laCode, actor, {
        action: 'import.dfe-release',
        recordType: 'published_figure',
        details: { source, release, rows: all.length, ...outcome },
      })
      return outcome
    })
    await analyze(this.db, ['published_figure'])
    const ms = Date.now() - started
    log.info('published figures imported', { source, release, rows: all.length, ...counts, ms })
    return { source, release, files, skipped, rows: all.length, ...counts, ms }
  }

  /** What is loaded: each release's files, their rows and the years they cover. */
  async loaded(): Promise<LoadedFile[]> {
    const rows = await this.db
      .selectFrom('published_figure')
      .select(eb => [
        'release',
        'file',
        eb.fn.countAll<string>().as('rows'),
        eb.fn.min('period_year').as('first_year'),
        eb.fn.max('period_year').as('last_year'),
        sql<string>`count(distinct measure)`.as('measures'),
      ])
      .groupBy(['release', 'file'])
      .orderBy('release', 'desc')
      .orderBy('file')
      .execute()
    return rows.map(r => ({
      release: r.release,
      file: r.file,
      rows: Number(r.rows),
      firstYear: Number(r.first_year),
      lastYear: Number(r.last_year),
      measures: Number(r.measures),
    }))
  }
}

/** Reads and checks a file without touching the database; throws PublishedFileRejected when it cannot be imported. */
export async function readPublishedFile(
  name: string,
  content: Buffer,
  maxUncompressedBytes = MAX_UNCOMPRESSED_BYTES,
): Promise<PreparedImport> {
  const started = Date.now()
  const source = path.basename(name)
  const files: FileCount[] = []
  const skipped: string[] = []
  const entries = isZip(content)
    ? await unzip(source, content, maxUncompressedBytes, skipped)
    : [{ name: source, text: text(source, content) }]

  const parsed: { file: string; rows: PublishedRow[] }[] = []
  let latest = 0
  for (const entry of entries) {
    const result = parsePublishedCsv(entry.text)
    if (!result.ok) {
      // One CSV on its own must be a known file; a zip holds others benchmarking does not read.
      if (entries.length === 1 && !isZip(content)) throw new PublishedFileRejected(`${entry.name}: ${result.message}`)
      skipped.push(entry.name)
      continue
    }
    latest = Math.max(latest, result.latestReportingYear)
    const measures: Partial<Record<Measure, number>> = {}
    for (const row of result.rows) measures[row.measure] = (measures[row.measure] ?? 0) + 1
    files.push({ file: entry.name, shape: result.shape.name, rows: result.rows.length, measures })
    parsed.push({ file: entry.name, rows: result.rows })
  }
  if (!parsed.length) {
    throw new PublishedFileRejected(
      `${source}: none of its files is a DfE EHC plans file this service reads (caseload, requests, newplans, timeliness_20_week, ceased_plans, sen2_age_caseload or sen2_mi)`,
    )
  }
  // A release is named by its reporting year: January Y's census and calendar year Y−1 are in release Y.
  const release = `ehcp-${latest}`

  // The published key, once each: the last of any repeated row wins, as a second import would.
  const unique = new Map<string, PublishedRow & { release: string; file: string }>()
  for (const { file, rows } of parsed) {
    for (const row of rows) {
      const full = { ...row, release, file }
      unique.set(KEY.map(k => full[k]).join('\u0000'), full)
    }
  }
  return { source, release, files, skipped, rows: [...unique.values()], started }
}

function text(name: string, bytes: Uint8Array): string {
  try {
    return utf8(bytes)
  } catch {
    throw new PublishedFileRejected(`${name}: it is not UTF-8 text, nor a zip file`)
  }
}

/**
 * The CSVs in a zip, refusing one that is not a readable zip or that would inflate past the limit:
 * the sizes its directory declares are checked before anything is inflated, and the bytes
 * actually inflated are counted as they come, so a zip that lies about its sizes is stopped too.
 */
async function unzip(source: string, content: Buffer, limit: number, skipped: string[]): Promise<Entry[]> {
  let zip: JSZip
  try {
    // Reads only the directory: nothing is inflated until each entry is streamed below.
    zip = await JSZip.loadAsync(content)
  } catch (error) {
    throw new PublishedFileRejected(`${source}: it is not a readable zip file (${(error as Error).message})`)
  }
  const files = Object.values(zip.files).filter(f => !f.dir)
  const declared = files.reduce(
    (sum, f) => sum + ((f as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0),
    0,
  )
  const tooBig = () =>
    new PublishedFileRejected(
      `${source}: it would unpack to more than ${Math.round(limit / (1024 * 1024))} MB, more than any DfE release, so it was not opened`,
    )
  if (declared > limit) throw tooBig()
  let budget = limit
  const entries: Entry[] = []
  for (const file of files.filter(f => /\.csv$/i.test(f.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const chunks: Buffer[] = []
    let headerChecked = false
    let wanted = true
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = file.nodeStream('nodebuffer')
        const stop = () => (stream as unknown as { pause(): void }).pause()
        stream.on('data', (chunk: Buffer) => {
          budget -= chunk.length
          if (budget < 0) {
            stop()
            reject(tooBig())
            return
          }
          chunks.push(chunk)
          // A file of another shape is left after its header line, not inflated to the end.
          if (!headerChecked) {
            const head = Buffer.concat(chunks)
            const newline = head.indexOf(0x0a)
            if (newline < 0) return
            headerChecked = true
            if (!isKnownHeader(head.subarray(0, newline).toString('utf8'))) {
              wanted = false
              stop()
              resolve()
            }
          }
        })
        stream.on('error', reject)
        stream.on('end', () => resolve())
      })
    } catch (error) {
      if (error instanceof PublishedFileRejected) throw error
      throw new PublishedFileRejected(`${source}: ${file.name} could not be unpacked (${(error as Error).message})`)
    }
    const name = path.posix.basename(file.name)
    if (!wanted) {
      skipped.push(name)
      continue
    }
    entries.push({ name, text: text(`${source}: ${name}`, Buffer.concat(chunks)) })
  }
  if (!entries.length && !skipped.length) throw new PublishedFileRejected(`${source}: the zip holds no CSV files`)
  return entries
}

import { Router, type Request, type Response } from 'express'
import { ForbiddenError, NotFoundError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { sendTable, type Cell } from '../platform/http/downloads.ts'
import type { Sessions } from '../platform/http/session.ts'
import { fileUpload, megabytes } from '../platform/http/upload.ts'
import { BENCHMARK_ROLES, TABLES, type BenchmarkService } from './benchmark.ts'
import { MARKER_EXPLANATIONS } from './rules/published.ts'
import {
  MAX_UNCOMPRESSED_BYTES,
  PublishedFileRejected,
  type PublishedImportResult,
  type PublishedImportService,
} from './published-import.ts'

const VIEWS = 'insight/views'
/** A release zip as published is about 4 MB; the app's general upload limit is for CSVs of people. */
export const PUBLISHED_UPLOAD_LIMIT = 25 * 1024 * 1024
export const IMPORT_COMMAND = 'npx opensend import dfe-release education-health-and-care-plans_2025.zip'

const actorOf = (req: Request) => req.actor!
const formatOf = (req: Request) => (req.query.format === 'xlsx' ? 'xlsx' : 'csv')

const MARKERS = Object.entries(MARKER_EXPLANATIONS).map(([marker, explanation]) => ({
  marker: marker || 'blank',
  explanation,
}))

export function benchmarkWeb(
  benchmarks: BenchmarkService,
  published: PublishedImportService,
  sessions: Sessions,
  uploadLimit = PUBLISHED_UPLOAD_LIMIT,
): WebModule {
  const router = Router()
  const upload = fileUpload(uploadLimit, { acceptZip: true })

  router.get('/insight/benchmarking', async (req, res) => {
    const benchmark = await benchmarks.benchmark(actorOf(req), req.query)
    res.render(`${VIEWS}/benchmarking.njk`, {
      pageTitle: 'Benchmarking',
      benchmark,
      markers: MARKERS,
      importCommand: IMPORT_COMMAND,
      mayImport: published.mayImport(actorOf(req)),
    })
  })

  router.get('/insight/benchmarking/download', async (req, res) => {
    const id = typeof req.query.table === 'string' ? req.query.table : 'caseload'
    if (!TABLES.some(t => t.id === id)) throw new NotFoundError()
    const benchmark = await benchmarks.benchmark(actorOf(req), req.query, id)
    const table = benchmark.loaded ? benchmark.tables[0] : undefined
    const header = ['Year', ...(table?.areas.map(a => `${a.name} (${a.code})`) ?? [])]
    const rows: Cell[][] = (table?.rows ?? []).map(r => [
      r.label,
      ...r.cells.map(c => (c.value !== null ? c.value : c.missing ? null : c.marker || '')),
    ])
    const focus = benchmark.loaded ? benchmark.focusCode : 'none'
    await sendTable(res, formatOf(req), `benchmarking-${id}-${focus}`, header, rows)
  })

  const renderImport = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) =>
    res.status(status).render(`${VIEWS}/published.njk`, {
      pageTitle: 'Import published EHC plan figures',
      loaded: await published.loaded(),
      limit: megabytes(uploadLimit),
      unpackedLimit: megabytes(MAX_UNCOMPRESSED_BYTES),
      importCommand: IMPORT_COMMAND,
      ...extra,
    })
  const fileError = (req: Request, res: Response, status: number, message: string) =>
    renderImport(req, res, status, {
      errorList: [{ text: message, href: '#file' }],
      fieldErrors: { file: { text: message } },
    })

  router.get('/insight/published', async (req, res) => {
    if (!published.mayImport(actorOf(req))) throw new ForbiddenError()
    const result = req.session?.data.lastPublishedImport as PublishedImportResult | undefined
    await renderImport(req, res, 200, { result })
  })

  router.post('/insight/published', async (req, res) => {
    // Refused before the upload is read, so only an admin's file is ever taken into memory.
    await published.authorise(actorOf(req))
    const uploadError = await upload.receive(req, res)
    if (uploadError) {
      const code = (uploadError as { code?: unknown }).code
      if (code === 'LIMIT_FILE_SIZE')
        return fileError(req, res, 413, `The selected file must be smaller than ${megabytes(uploadLimit)}`)
      return fileError(
        req,
        res,
        400,
        'The selected file could not be uploaded. Choose one zip or CSV file and try again',
      )
    }
    const file = req.file
    if (!file || !file.originalname) return fileError(req, res, 400, 'Select a zip or CSV file')
    if (!/\.(zip|csv)$/i.test(file.originalname))
      return fileError(req, res, 400, 'The selected file must be a zip or a CSV file')
    if (file.size === 0) return fileError(req, res, 400, 'The selected file is empty')
    try {
      const result = await published.import(actorOf(req), file.originalname, file.buffer)
      // Post/redirect/get: refreshing the page does not send the file again.
      await sessions.save(req, { ...req.session!.data, lastPublishedImport: result })
      res.redirect(303, '/insight/published')
    } catch (error) {
      if (!(error instanceof PublishedFileRejected)) throw error
      return fileError(req, res, 422, `Nothing was imported: ${error.message}`)
    }
  })

  return {
    router,
    // The import page is linked from the benchmarking page, for the admins who may use it.
    nav: [{ text: 'Benchmarking', href: '/insight/benchmarking', section: 'Insight', roles: BENCHMARK_ROLES }],
    uploadPaths: ['/insight/published'],
  }
}

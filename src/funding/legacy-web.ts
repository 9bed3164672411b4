import { Router, type Request, type Response } from 'express'
import type { Config } from '../config.ts'
import type { WebModule } from '../platform/http/app.ts'
import { fileUpload, megabytes, utf8 } from '../platform/http/upload.ts'
import { LegacyImportRejected, type LegacyImportService } from './legacy-import.ts'
import { LEGACY_COLUMNS } from './rules/legacy-rows.ts'

const VIEW = 'funding/views/legacy.njk'
const actorOf = (req: Request) => req.actor!

export function legacyWeb(config: Config, legacy: LegacyImportService): WebModule {
  const router = Router()
  const limit = config.uploadLimitBytes
  const upload = fileUpload(limit)

  const render = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) =>
    res.status(status).render(VIEW, {
      pageTitle: 'Import legacy funding amounts',
      count: await legacy.count(actorOf(req)),
      columns: LEGACY_COLUMNS.join(', '),
      limit: megabytes(limit),
      ...extra,
    })
  const fileError = (req: Request, res: Response, status: number, message: string) =>
    render(req, res, status, {
      errorList: [{ text: message, href: '#file' }],
      fieldErrors: { file: { text: message } },
    })

  router.get('/funding/legacy', async (req, res) => render(req, res, 200))

  router.post('/funding/legacy', async (req, res) => {
    // Refused before the upload is read, so only an importer's file is ever taken into memory.
    await legacy.authorise(actorOf(req))
    const uploadError = await upload.receive(req, res)
    if (uploadError) {
      const code = (uploadError as { code?: unknown }).code
      if (code === 'LIMIT_FILE_SIZE')
        return fileError(req, res, 413, `The selected file must be smaller than ${megabytes(limit)}`)
      if (code === 'ZIP_ARCHIVE') return fileError(req, res, 400, 'The selected file must be a CSV')
      return fileError(req, res, 400, 'The selected file could not be uploaded. Choose one CSV file and try again')
    }
    const file = req.file
    if (!file || !file.originalname) return fileError(req, res, 400, 'Select a CSV file')
    if (!/\.(csv|txt)$/i.test(file.originalname)) return fileError(req, res, 400, 'The selected file must be a CSV')
    if (file.size === 0) return fileError(req, res, 400, 'The selected file is empty')
    const text = utf8(file.buffer)
    if (text === null) return fileError(req, res, 400, 'The selected file must be saved as CSV UTF-8')
    try {
      const result = await legacy.import(actorOf(req), text)
      await render(req, res, 200, { result })
    } catch (error) {
      if (!(error instanceof LegacyImportRejected)) throw error
      const errors = error.rowErrors
      const shown = errors.slice(0, 10).map(e => ({
        text: `Line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}`,
        href: '#import-errors',
      }))
      if (errors.length > shown.length) {
        shown.push({ text: `and ${errors.length - shown.length} more problems, listed below`, href: '#import-errors' })
      }
      await render(req, res, 422, { errors, errorLines: new Set(errors.map(e => e.line)).size, errorList: shown })
    }
  })

  return {
    router,
    nav: [
      { text: 'Legacy funding', href: '/funding/legacy', section: 'Funding', roles: ['la_admin', 'finance_officer'] },
    ],
    uploadPaths: ['/funding/legacy'],
  }
}

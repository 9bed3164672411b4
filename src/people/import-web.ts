import express, { Router, type Request, type Response } from 'express'
import type { Config } from '../config.ts'
import { ForbiddenError } from '../platform/errors.ts'
import { problem, type WebModule } from '../platform/http/app.ts'
import { checkCsrf, fileUpload, megabytes, utf8 } from '../platform/http/upload.ts'
import type { Sessions } from '../platform/http/session.ts'
import { ImportRejected, importKindSchema, type ImportResult, type ImportService } from './import-service.ts'
import { COLUMNS, IMPORT_KINDS } from './rules/import-rows.ts'

const FORM = 'people/views/imports.njk'
const RESULT = 'people/views/import-result.njk'
const ADMINS = ['la_admin'] as const

const KIND_LABELS = {
  settings: { text: 'Schools and settings', hint: 'One row per setting, matched on its URN.' },
  children: { text: 'Children', hint: 'One row per child, matched on the authority’s child id (local_id).' },
  placements: { text: 'Placements', hint: 'Which setting each child attends, matched on child, URN and start date.' },
} as const

const actorOf = (req: Request) => req.actor!

export function importWeb(config: Config, imports: ImportService, sessions: Sessions): WebModule {
  const router = Router()
  const limit = config.uploadLimitBytes
  const upload = fileUpload(limit)

  const kinds = IMPORT_KINDS.map(kind => ({ kind, ...KIND_LABELS[kind], columns: COLUMNS[kind].join(', ') }))
  const renderForm = (res: Response, status: number, extra: Record<string, unknown> = {}) =>
    res.status(status).render(FORM, { pageTitle: 'Import a CSV file', kinds, limit: megabytes(limit), ...extra })
  const formError = (res: Response, status: number, field: 'kind' | 'file', message: string, kind?: unknown) =>
    renderForm(res, status, {
      kindValue: kind,
      errorList: [{ text: message, href: `#${field}` }],
      fieldErrors: { [field]: { text: message } },
    })

  router.get('/imports', (req, res) => {
    if (!imports.mayImport(actorOf(req))) throw new ForbiddenError()
    renderForm(res, 200)
  })

  router.post('/imports', async (req, res) => {
    // Refused before the upload is read, so only an admin's file is ever taken into memory.
    await imports.authorise(actorOf(req))
    const uploadError = await upload.receive(req, res)
    const body = (req.body ?? {}) as { kind?: unknown }
    if (uploadError) {
      const code = (uploadError as { code?: unknown }).code
      if (code === 'LIMIT_FILE_SIZE') {
        return formError(res, 413, 'file', `The selected file must be smaller than ${megabytes(limit)}`, body.kind)
      }
      if (code === 'ZIP_ARCHIVE') return formError(res, 400, 'file', 'The selected file must be a CSV', body.kind)
      return formError(
        res,
        400,
        'file',
        'The selected file could not be uploaded. Choose one CSV file and try again',
        body.kind,
      )
    }
    const kind = importKindSchema.safeParse(body.kind)
    if (!kind.success) return formError(res, 400, 'kind', 'Select what the file contains')
    const file = req.file
    if (!file || !file.originalname) return formError(res, 400, 'file', 'Select a CSV file', kind.data)
    if (!/\.(csv|txt)$/i.test(file.originalname))
      return formError(res, 400, 'file', 'The selected file must be a CSV', kind.data)
    if (file.size === 0) return formError(res, 400, 'file', 'The selected file is empty', kind.data)
    const text = utf8(file.buffer)
    if (text === null) {
      return formError(res, 400, 'file', 'The selected file must be saved as CSV UTF-8', kind.data)
    }
    try {
      const result = await imports.import(actorOf(req), kind.data, text)
      // Post/redirect/get: refreshing the result page does not send the file again.
      await sessions.save(req, { ...req.session!.data, lastImport: result })
      res.redirect(303, '/imports/result')
    } catch (error) {
      if (!(error instanceof ImportRejected)) throw error
      const errors = error.rowErrors
      const shown = errors.slice(0, 10).map(e => ({
        text: `Line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}`,
        href: '#import-errors',
      }))
      if (errors.length > shown.length) {
        shown.push({ text: `and ${errors.length - shown.length} more problems, listed below`, href: '#import-errors' })
      }
      res.status(422).render(RESULT, {
        pageTitle: 'The file was not imported',
        kind: KIND_LABELS[kind.data].text,
        errors,
        errorLines: new Set(errors.map(e => e.line)).size,
        errorList: shown,
      })
    }
  })

  router.get('/imports/result', (req, res) => {
    if (!imports.mayImport(actorOf(req))) throw new ForbiddenError()
    const result = req.session?.data.lastImport as ImportResult | undefined
    if (!result) return res.redirect(303, '/imports')
    res.render(RESULT, { pageTitle: 'File imported', kind: KIND_LABELS[result.kind].text, result })
  })

  // Checked before the body is read, so only an admin's file is taken into memory.
  const apiGuard = async (req: Request, res: Response, next: () => void) => {
    if (!importKindSchema.safeParse(req.params.kind).success) return problem(res, 404, 'Not found')
    // The app-level check lets multipart bodies through for upload routes; this route takes none, so check here too.
    await checkCsrf(req, res)
    await imports.authorise(actorOf(req))
    next()
  }
  const csvBody = express.raw({ type: ['text/csv', 'text/plain'], limit })
  router.post('/api/v1/imports/:kind', apiGuard, csvBody, async (req, res) => {
    if (!Buffer.isBuffer(req.body)) return problem(res, 415, 'Send the file as text/csv')
    const text = utf8(req.body)
    if (text === null) return problem(res, 400, 'The file must be UTF-8 text')
    try {
      res.json(await imports.import(actorOf(req), req.params.kind, text))
    } catch (error) {
      if (!(error instanceof ImportRejected)) throw error
      problem(res, 422, 'The file has errors; nothing was imported', { errors: error.rowErrors })
    }
  })

  return { router, nav: [{ text: 'Import', href: '/imports', roles: ADMINS }], uploadPaths: ['/imports'] }
}

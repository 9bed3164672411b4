import { Router, type Request, type Response } from 'express'
import type { Config } from '../config.ts'
import { ForbiddenError } from '../platform/errors.ts'
import { sendTable } from '../platform/http/downloads.ts'
import { fileUpload, megabytes, utf8 } from '../platform/http/upload.ts'
import { ACTION_COLUMNS, ITEM_COLUMNS } from './rules/rows.ts'
import { readCsv } from '../platform/csv.ts'
import { readXlsx } from '../platform/xlsx.ts'
import type { WebModule } from '../platform/http/app.ts'
import { refusal } from '../platform/http/validation.ts'
import { MEASURE_LABELS, RAG_LABELS, RAGS, STATUS_LABELS, STATUSES } from './rules/progress.ts'
import { PROGRAMME_EDITORS, PROGRAMME_READERS, ProgrammeImportRejected, type ProgrammeService } from './service.ts'

// The improvement programme under /programme: progress of the WSoA and the DBV plan, an action's and a
// plan item's own pages to update them.

const VIEWS = 'programme/views'
const labels = { status: STATUS_LABELS, rag: RAG_LABELS, measure: MEASURE_LABELS }
const statusItems = STATUSES.map(s => ({ value: s, text: STATUS_LABELS[s] }))
const ragItems = [...RAGS].reverse().map(r => ({ value: r, text: RAG_LABELS[r] }))

export function programmeWeb(config: Config, programme: ProgrammeService): WebModule {
  const router = Router()
  const limit = config.uploadLimitBytes
  // Excel workbooks are zips: readXlsx checks their sizes before opening them.
  const upload = fileUpload(limit, { acceptZip: true })

  router.get('/programme', async (req: Request, res: Response) => {
    const view = await programme.overview(req.actor!)
    res.render(`${VIEWS}/programme.njk`, { pageTitle: 'Improvement programme', view, labels })
  })

  router.get('/programme/areas/:areaId', async (req: Request, res: Response) => {
    const view = await programme.area(req.actor!, String(req.params.areaId))
    res.render(`${VIEWS}/area.njk`, { pageTitle: `Priority area ${view.area.position}`, ...view, labels })
  })

  const renderAction = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const actor = req.actor!
    const view = await programme.action(actor, String(req.params.actionId))
    res.render(`${VIEWS}/action.njk`, {
      pageTitle: `Action ${view.action.ref}`,
      ...view,
      labels,
      statusItems,
      mayEdit: programme.mayEdit(actor),
      ...extra,
    })
  }
  router.get('/programme/actions/:actionId', (req, res) => renderAction(req, res))
  router.post('/programme/actions/:actionId', async (req: Request, res: Response) => {
    try {
      await programme.saveAction(req.actor!, String(req.params.actionId), req.body as Record<string, unknown>)
      const { area } = await programme.action(req.actor!, String(req.params.actionId))
      res.redirect(303, `/programme/areas/${area.id}`)
    } catch (error) {
      const { status, ...shown } = refusal(error)
      // The page shows the action as now saved; what was typed stays in the form.
      res.status(status)
      await renderAction(req, res, { values: req.body, ...shown })
    }
  })

  const renderItem = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const actor = req.actor!
    const view = await programme.item(actor, String(req.params.itemId))
    res.render(`${VIEWS}/item.njk`, {
      pageTitle: `Plan item ${view.item.ref}`,
      ...view,
      labels,
      ragItems,
      mayEdit: programme.mayEdit(actor),
      ...extra,
    })
  }
  router.get('/programme/items/:itemId', (req, res) => renderItem(req, res))
  router.post('/programme/items/:itemId', async (req: Request, res: Response) => {
    try {
      await programme.updateItem(req.actor!, String(req.params.itemId), req.body as Record<string, unknown>)
      res.redirect(303, `/programme/items/${encodeURIComponent(String(req.params.itemId))}`)
    } catch (error) {
      const { status, ...shown } = refusal(error)
      // The page shows the item as now saved; what was typed stays in the form.
      res.status(status)
      await renderItem(req, res, { values: req.body, ...shown })
    }
  })

  router.get('/programme/download', async (req: Request, res: Response) => {
    const table = await programme.table(req.actor!, String(req.query.table ?? ''))
    await sendTable(
      res,
      req.query.format === 'xlsx' ? 'xlsx' : 'csv',
      `programme-${table.name}`,
      table.header,
      table.rows,
    )
  })

  const IMPORT_VIEW = `${VIEWS}/import.njk`
  const renderImport = (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) =>
    res.status(status).render(IMPORT_VIEW, {
      pageTitle: 'Import and export the programme',
      actionColumns: ACTION_COLUMNS.join(','),
      itemColumns: ITEM_COLUMNS.join(','),
      limit: megabytes(limit),
      ...extra,
    })
  const fileError = (req: Request, res: Response, status: number, field: string, message: string, kind?: unknown) =>
    renderImport(req, res, status, {
      kind,
      errorList: [{ text: message, href: `#${field}` }],
      fieldErrors: { [field]: { text: message } },
    })

  router.get('/programme/import', (req: Request, res: Response) => {
    if (!programme.mayEdit(req.actor!)) throw new ForbiddenError()
    renderImport(req, res, 200)
  })

  router.post('/programme/import', async (req: Request, res: Response) => {
    // Refused before the upload is read, so only the programme's keepers' files are taken into memory.
    if (!programme.mayEdit(req.actor!)) throw new ForbiddenError()
    const uploadError = await upload.receive(req, res)
    const kind = (req.body as Record<string, unknown> | undefined)?.kind
    if (uploadError) {
      const code = (uploadError as { code?: unknown }).code
      if (code === 'LIMIT_FILE_SIZE')
        return fileError(req, res, 413, 'file', `The selected file must be smaller than ${megabytes(limit)}`, kind)
      return fileError(
        req,
        res,
        400,
        'file',
        'The selected file could not be uploaded. Choose one CSV or Excel file and try again',
        kind,
      )
    }
    if (kind !== 'actions' && kind !== 'items')
      return fileError(req, res, 400, 'kind', 'Choose whether the file holds actions or plan items', kind)
    const file = req.file
    if (!file || !file.originalname) return fileError(req, res, 400, 'file', 'Select a CSV or Excel file', kind)
    const excel = /\.xlsx$/i.test(file.originalname)
    if (!excel && !/\.(csv|txt)$/i.test(file.originalname))
      return fileError(req, res, 400, 'file', 'The selected file must be a CSV or an Excel workbook (.xlsx)', kind)
    if (file.size === 0) return fileError(req, res, 400, 'file', 'The selected file is empty', kind)
    let read
    if (excel) read = await readXlsx(file.buffer)
    else {
      const csv = utf8(file.buffer)
      if (csv === null) return fileError(req, res, 400, 'file', 'The selected file must be saved as CSV UTF-8', kind)
      read = readCsv(csv)
    }
    try {
      const result = await programme.importFile(req.actor!, kind, read)
      renderImport(req, res, 200, { kind, result })
    } catch (error) {
      if (!(error instanceof ProgrammeImportRejected)) throw error
      const errors = error.rowErrors
      const shown = errors.slice(0, 10).map(e => ({
        text: `Line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}`,
        href: '#import-errors',
      }))
      if (errors.length > shown.length)
        shown.push({ text: `and ${errors.length - shown.length} more problems, listed below`, href: '#import-errors' })
      renderImport(req, res, 422, { kind, errors, errorList: shown })
    }
  })

  return {
    router,
    nav: [
      { text: 'Programme', href: '/programme', overview: 'Progress', roles: PROGRAMME_READERS },
      { text: 'Import and export', href: '/programme/import', section: 'Programme', roles: PROGRAMME_EDITORS },
    ],
    uploadPaths: ['/programme/import'],
  }
}

import { Router, type Request, type Response } from 'express'
import { ConflictError, ValidationError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { MEASURE_LABELS, RAG_LABELS, RAGS, STATUS_LABELS, STATUSES } from './rules/progress.ts'
import { PROGRAMME_READERS, type ProgrammeService } from './service.ts'

// The improvement programme under /programme: progress of the WSoA and the DBV plan, an action's and a
// plan item's own pages to update them.

const VIEWS = 'programme/views'
const labels = { status: STATUS_LABELS, rag: RAG_LABELS, measure: MEASURE_LABELS }
const statusItems = STATUSES.map(s => ({ value: s, text: STATUS_LABELS[s] }))
const ragItems = [...RAGS].reverse().map(r => ({ value: r, text: RAG_LABELS[r] }))

export function programmeWeb(programme: ProgrammeService): WebModule {
  const router = Router()

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
      const conflict = error instanceof ConflictError
      if (!(error instanceof ValidationError) && !conflict) throw error
      // The page shows the action as now saved; what was typed stays in the form.
      res.status(conflict ? 409 : 400)
      await renderAction(req, res, {
        values: req.body,
        conflict,
        ...(error instanceof ValidationError ? errorSummary(error.errors) : {}),
      })
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
      const conflict = error instanceof ConflictError
      if (!(error instanceof ValidationError) && !conflict) throw error
      res.status(conflict ? 409 : 400)
      await renderItem(req, res, {
        values: req.body,
        conflict,
        ...(error instanceof ValidationError ? errorSummary(error.errors) : {}),
      })
    }
  })

  return {
    router,
    nav: [{ text: 'Programme', href: '/programme', overview: 'Progress', roles: PROGRAMME_READERS }],
  }
}

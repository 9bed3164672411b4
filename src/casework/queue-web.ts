import { Router, type Request, type Response } from 'express'
import { ConflictError, ValidationError, type FieldError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { sendTable } from '../platform/http/downloads.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { MEASURE_TABLES, type MeasuresService } from './measures-service.ts'
import { CAPACITY_EDITORS, QUEUE_READERS, UNASSIGNED, type QueueService } from './queue-service.ts'

const VIEWS = 'casework/views'

const actorOf = (req: Request) => req.actor!
const formatOf = (req: Request) => (req.query.format === 'xlsx' ? 'xlsx' : 'csv')

type Body = Record<string, string | undefined>

/** The casework home (work queues), officers' capacity, and the published measures. */
export function queueWeb(queue: QueueService, measures: MeasuresService): WebModule {
  const router = Router()

  router.get('/casework', async (req, res) => {
    try {
      const view = await queue.queue(actorOf(req), req.query)
      res.render(`${VIEWS}/queue.njk`, {
        pageTitle: view.mine ? 'Casework: my work' : 'Casework: team work queue',
        ...view,
        unassigned: UNASSIGNED,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(`${VIEWS}/queue-error.njk`, {
        pageTitle: 'Casework: work queue',
        ...errorSummary(error.errors),
      })
    }
  })

  const renderCapacity = async (
    req: Request,
    res: Response,
    status: number,
    extra: { errors?: FieldError[]; values?: Body; conflict?: string; saved?: boolean } = {},
  ) => {
    const view = await queue.capacity(actorOf(req))
    res.status(status).render(`${VIEWS}/queue-capacity.njk`, {
      pageTitle: 'Case officers’ capacity',
      ...view,
      values: extra.values ?? null,
      conflict: extra.conflict ?? null,
      saved: extra.saved ?? false,
      ...(extra.errors?.length ? errorSummary(extra.errors) : {}),
    })
  }

  router.get('/casework/capacity', async (req, res) => {
    await renderCapacity(req, res, 200, { saved: req.query.saved === '1' })
  })

  router.post('/casework/capacity', async (req, res) => {
    const body = req.body as Body
    try {
      await queue.setCapacity(actorOf(req), body)
      res.redirect(303, '/casework/capacity?saved=1')
    } catch (error) {
      if (error instanceof ValidationError) return renderCapacity(req, res, 400, { errors: error.errors, values: body })
      if (error instanceof ConflictError) return renderCapacity(req, res, 409, { conflict: error.message })
      throw error
    }
  })

  router.get('/casework/measures', async (req, res) => {
    try {
      const view = await measures.measures(actorOf(req), req.query)
      res.render(`${VIEWS}/queue-measures.njk`, {
        pageTitle: `Casework measures, ${view.year}`,
        ...view,
        tableNames: MEASURE_TABLES,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(`${VIEWS}/queue-measures.njk`, {
        pageTitle: 'Casework measures',
        year: req.query.year,
        tables: null,
        ...errorSummary(error.errors),
      })
    }
  })

  router.get('/casework/measures/download', async (req, res) => {
    try {
      const { year, name, table } = await measures.table(actorOf(req), req.query)
      await sendTable(res, formatOf(req), `casework-${name}-${year}`, table.header, table.rows)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(`${VIEWS}/queue-measures.njk`, {
        pageTitle: 'Casework measures',
        year: req.query.year,
        tables: null,
        ...errorSummary(error.errors),
      })
    }
  })

  return {
    router,
    // The head of the Casework area: the other casework pages (section: 'Casework') sit in its row.
    nav: [
      { text: 'Casework', href: '/casework', overview: 'Work queue', roles: QUEUE_READERS },
      { text: 'Measures', href: '/casework/measures', section: 'Casework', roles: QUEUE_READERS },
      { text: 'Officers’ capacity', href: '/casework/capacity', section: 'Casework', roles: CAPACITY_EDITORS },
    ],
  }
}

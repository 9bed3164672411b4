import type { Request, Router } from 'express'
import { ValidationError } from '../platform/errors.ts'
import { sendTable } from '../platform/http/downloads.ts'
import { errorSummary } from '../platform/http/validation.ts'
import type { ScrutinyService } from './scrutiny.ts'

const VIEW = 'insight/views/scrutiny.njk'
const PAGE_TITLE = 'Scrutiny report'

const actorOf = (req: Request) => req.actor!

/** GET /insight/scrutiny: the report for a date (default today); ?download=<table>&format=csv|xlsx sends one table. */
export function scrutinyRoutes(router: Router, service: ScrutinyService): void {
  router.get('/insight/scrutiny', async (req, res) => {
    const actor = actorOf(req)
    try {
      if (req.query.download !== undefined) {
        const { date, table } = await service.table(actor, req.query)
        await sendTable(
          res,
          req.query.format === 'xlsx' ? 'xlsx' : 'csv',
          `scrutiny-${table.name}-${date}`,
          table.header,
          table.rows,
        )
        return
      }
      const report = await service.report(actor, req.query)
      res.render(VIEW, { pageTitle: PAGE_TITLE, ...report, query: { date: report.date } })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res
        .status(400)
        .render(VIEW, { pageTitle: PAGE_TITLE, query: req.query, sections: [], ...errorSummary(error.errors) })
    }
  })
}

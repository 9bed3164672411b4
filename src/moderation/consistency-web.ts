import { Router, type Request, type Response } from 'express'
import { ValidationError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { sendTable, type Cell } from '../platform/http/downloads.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { CONSISTENCY_ROLES, type ConsistencyReport, type ConsistencyService } from './consistency.ts'
import { needsTraining, TRAINING_THRESHOLD, type ConsistencyRow } from './rules/panel.ts'

const VIEW = 'moderation/views/consistency.njk'
const PAGE_TITLE = 'Panel consistency'

const actorOf = (req: Request) => req.actor!

/** A group's row as the tables show it: the counts, and whether it suggests training. */
const shown = <T extends ConsistencyRow>(row: T) => ({ ...row, training: needsTraining(row) })

const cells = (group: string, row: ConsistencyRow): Cell[] => [
  group,
  row.label,
  row.decided,
  row.agreed,
  row.raised,
  row.lowered,
  row.changedPercent,
  row.meanShift,
]

/** Every table of the report in one sheet, a column naming the table each row belongs to. */
function downloadRows(report: ConsistencyReport): Cell[][] {
  return [
    cells('All decisions', report.total),
    ...report.bySchool.map(r => cells('School', r)),
    ...report.byLocality.map(r => cells('Locality', r)),
    ...report.byArea.map(r => cells('Area of need', r)),
    ...report.byLevel.map(r => cells('Proposed level', r)),
  ]
}

export function consistencyWeb(service: ConsistencyService): WebModule {
  const router = Router()

  router.get('/moderation/consistency', async (req, res) => {
    const actor = actorOf(req)
    try {
      const report = await service.report(actor, req.query)
      res.render(VIEW, {
        pageTitle: PAGE_TITLE,
        query: report.query,
        panels: await service.panels(actor),
        report: {
          ...report,
          bySchool: report.bySchool.map(shown),
          byLocality: report.byLocality.map(shown),
          byArea: report.byArea.map(shown),
          byLevel: report.byLevel.map(shown),
        },
        threshold: TRAINING_THRESHOLD,
        qs: new URLSearchParams(report.query).toString(),
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(VIEW, {
        pageTitle: PAGE_TITLE,
        query: req.query,
        panels: await service.panels(actor),
        threshold: TRAINING_THRESHOLD,
        ...errorSummary(error.errors),
      })
    }
  })

  const download = (format: 'csv' | 'xlsx') => async (req: Request, res: Response) => {
    const report = await service.report(actorOf(req), req.query)
    await sendTable(
      res,
      format,
      `panel-consistency-${report.query.from}-to-${report.query.to}`,
      ['Table', 'Group', 'Decided', 'Agreed', 'Raised', 'Lowered', 'Changed (%)', 'Mean shift (levels)'],
      downloadRows(report),
    )
  }
  router.get('/moderation/consistency.csv', download('csv'))
  router.get('/moderation/consistency.xlsx', download('xlsx'))

  return {
    router,
    nav: [
      { text: 'Panel consistency', href: '/moderation/consistency', section: 'Moderation', roles: CONSISTENCY_ROLES },
    ],
  }
}

import { Router, type Request } from 'express'
import { ValidationError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { sendTable } from '../platform/http/downloads.ts'
import { errorSummary } from '../platform/http/validation.ts'
import type { WhatIfService } from './what-if-service.ts'

const VIEWS = 'funding/views'
const actorOf = (req: Request) => req.actor!
/** Pounds as a number for a spreadsheet cell, from integer pence (display only). */
const pounds = (pence: number) => pence / 100

export function whatIfWeb(whatIfs: WhatIfService): WebModule {
  const router = Router()

  router.get('/funding/what-if', async (req, res) => {
    const actor = actorOf(req)
    const versions = await whatIfs.drafts(actor)
    try {
      const { query, version, result } = await whatIfs.run(actor, req.query)
      res.render(`${VIEWS}/what-if.njk`, {
        pageTitle: version ? `What-if: ${version.name}` : 'What-if',
        versions,
        years: whatIfs.years(),
        query,
        version,
        result,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(`${VIEWS}/what-if.njk`, {
        pageTitle: 'What-if',
        versions,
        years: whatIfs.years(),
        query: req.query,
        ...errorSummary(error.errors),
      })
    }
  })

  router.get('/funding/what-if/download', async (req, res) => {
    const { query, version, result } = await whatIfs.run(actorOf(req), req.query)
    if (!version || !result) throw new ValidationError([{ field: 'version', message: 'Choose a version' }])
    const rows = (grouping: string, groups: (typeof result)['bySchool']) =>
      groups.map(g => [
        grouping,
        g.label,
        g.awards,
        g.gaining,
        g.losing,
        g.unchanged,
        g.notPriced,
        pounds(g.currentPence),
        pounds(g.draftPence),
        pounds(g.gainsPence),
        pounds(g.lossesPence),
        pounds(g.netPence),
      ])
    await sendTable(
      res,
      req.query.format === 'xlsx' ? 'xlsx' : 'csv',
      `what-if-${version.name}-${query.year}`,
      [
        'Grouping',
        'Group',
        'Awards',
        'Gaining',
        'Losing',
        'Unchanged',
        'Not priced',
        'Current (£)',
        'Draft (£)',
        'Gains (£)',
        'Losses (£)',
        'Net (£)',
      ],
      [
        ...rows('Overall', [{ ...result.overall, label: 'All awards' }]),
        ...rows('Level', result.byLevel),
        ...rows('Locality', result.byLocality),
        ...rows('School', result.bySchool),
        ...result.levelMoves.map(m => ['Level move', `Level ${m.from} to level ${m.to}`, m.awards]),
      ],
    )
  })

  return { router }
}

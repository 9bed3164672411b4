import { Router, type Request } from 'express'
import { ValidationError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { sendTable } from '../platform/http/downloads.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { MODULE_NAMES, MODULES, RULES, SEN2_ROLES, type Sen2Service } from './sen2-service.ts'

const VIEWS = 'insight/views'
/** The page lists this many issues; the CSV has them all. */
const SHOWN = 500

const actorOf = (req: Request) => req.actor!

export function sen2Web(sen2: Sen2Service): WebModule {
  const router = Router()

  router.get('/insight/sen2', async (req, res) => {
    try {
      const result = await sen2.generate(actorOf(req), req.query)
      const names = new Map(
        result.ret.persons.map(p => [p.childId, `${p.fields.Forename ?? ''} ${p.fields.Surname ?? ''}`.trim()]),
      )
      const byRule = new Map<string, number>()
      for (const i of result.report.issues) byRule.set(i.rule, (byRule.get(i.rule) ?? 0) + 1)
      res.render(`${VIEWS}/sen2.njk`, {
        pageTitle: 'SEN2 return',
        query: { date: result.referenceDate },
        result,
        isCensus: result.referenceDate === result.census,
        modules: MODULES.map(m => ({ code: m, name: MODULE_NAMES[m] })),
        moduleCounts: moduleCounts(result.counts),
        rules: [...byRule].map(([rule, count]) => ({ rule, count, ...RULES[rule]! })),
        issues: result.report.issues.slice(0, SHOWN).map(i => ({ ...i, name: names.get(i.childId) ?? '' })),
        shown: Math.min(SHOWN, result.report.issues.length),
        needs: Object.entries(result.counts.plansInForceByNeed).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(`${VIEWS}/sen2.njk`, {
        pageTitle: 'SEN2 return',
        query: { date: typeof req.query.date === 'string' ? req.query.date : '' },
        ...errorSummary(error.errors),
      })
    }
  })

  router.get('/insight/sen2/return.xml', async (req, res) => {
    const { referenceDate, xml } = await sen2.xml(actorOf(req), req.query)
    res.setHeader('Content-Disposition', `attachment; filename="sen2-${referenceDate}.xml"`)
    res.setHeader('Cache-Control', 'no-store')
    res.type('application/xml; charset=utf-8').send(xml)
  })

  router.get('/insight/sen2/module-:sen2Module.csv', async (req, res) => {
    const { referenceDate, table } = await sen2.module(actorOf(req), String(req.params.sen2Module), req.query)
    await sendTable(res, 'csv', `sen2-${referenceDate}-module-${req.params.sen2Module}`, table.header, table.rows)
  })

  router.get('/insight/sen2/validation.csv', async (req, res) => {
    const { referenceDate, table } = await sen2.validation(actorOf(req), req.query)
    await sendTable(res, 'csv', `sen2-${referenceDate}-validation`, table.header, table.rows)
  })

  return {
    router,
    nav: [{ text: 'SEN2 return', href: '/insight/sen2', section: 'Insight', roles: SEN2_ROLES }],
  }
}

function moduleCounts(c: {
  persons: number
  requests: number
  assessments: number
  namedPlans: number
  planDetails: number
  activePlans: number
  placements: number
  needs: number
}): Record<string, number> {
  return {
    '1': c.persons,
    '2': c.requests,
    '3': c.assessments,
    '4a': c.namedPlans,
    '4b': c.planDetails,
    '5a': c.activePlans,
    '5b': c.placements,
    '5c': c.needs,
  }
}

import { Router, type Request, type Response } from 'express'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary, refusal } from '../platform/http/validation.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import { trajectoryChart } from './budget-chart.ts'
import { BUDGET_READERS, type BudgetService } from './budget-service.ts'
import type { ReserveService } from './reserve-service.ts'

// The High Needs budget and the reserve plans, under /planning.

const fy = (year: number) => `${year}-${String((year + 1) % 100).padStart(2, '0')}`

export function budgetWeb(budget: BudgetService, reserves: ReserveService): WebModule {
  const router = Router()

  const renderBudget = async (req: Request, res: Response, query: unknown, extra: Record<string, unknown> = {}) => {
    const view = await budget.view(req.actor!, query)
    const t = view.trajectory
    const caption = 'Cumulative High Needs deficit at the end of each financial year, by scenario'
    const chart = t.ok
      ? trajectoryChart('chart-deficit', caption, [
          { label: 'doing nothing', years: t.baseline },
          ...t.compared.map(c => ({ label: c.label, years: c.years })),
        ])
      : null
    const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 })
    const scenarioItems = view.scenarios.map(s => ({
      value: s.key,
      text: s.label,
      checked: s.on,
      hint: {
        text: [
          s.detail.savingsPerYearPence
            ? `saves ${gbp.format(s.detail.savingsPerYearPence / 100)} a year from ${fy(s.detail.savingsFromYear)}`
            : '',
          s.detail.growthReductionPercent ? `cuts growth in EHC plans by ${s.detail.growthReductionPercent}%` : '',
        ]
          .filter(Boolean)
          .join('; '),
      },
    }))
    const trajectoryRows = t.ok
      ? t.baseline.map((y, i) => ({
          year: y.year,
          plans: y.plans,
          values: [y.cumulativeDeficitPence, ...t.compared.map(c => c.years[i]!.cumulativeDeficitPence)],
        }))
      : []
    res.render('planning/views/budget.njk', {
      pageTitle: 'High Needs budget',
      view,
      chart,
      caption,
      fy,
      scenarioItems,
      trajectoryRows,
      mayEdit: budget.mayEdit(req.actor!),
      ...extra,
    })
  }

  router.get('/planning/budget', (req, res) => renderBudget(req, res, req.query))

  router.post('/planning/budget/scenarios', async (req: Request, res: Response) => {
    try {
      const key = await budget.addScenario(req.actor!, req.body as Record<string, unknown>)
      res.redirect(303, `/planning/budget?scenario=${encodeURIComponent(key)}#trajectory`)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400)
      await renderBudget(req, res, {}, { values: req.body, ...errorSummary(error.errors) })
    }
  })

  const LINE_VIEW = 'planning/views/budget-line.njk'
  router.get('/planning/budget/lines/:year/:line', async (req: Request, res: Response) => {
    const entry = await budget.lineBudget(req.actor!, String(req.params.year), String(req.params.line))
    res.render(LINE_VIEW, { pageTitle: `${entry.label} budget ${fy(entry.year)}`, entry, fy })
  })

  router.post('/planning/budget/lines/:year/:line', async (req: Request, res: Response) => {
    const actor = req.actor!
    const entry = await budget.lineBudget(actor, String(req.params.year), String(req.params.line))
    try {
      await budget.saveLineBudget(actor, String(entry.year), entry.line, req.body as Record<string, unknown>)
      res.redirect(303, '/planning/budget#high-needs-lines')
    } catch (error) {
      const { status, ...shown } = refusal(error)
      // On a conflict the page shows the budget now saved; what was typed stays in the form.
      const latest = shown.conflict ? await budget.lineBudget(actor, String(entry.year), entry.line) : entry
      res.status(status).render(LINE_VIEW, {
        pageTitle: `${entry.label} budget ${fy(entry.year)}`,
        entry: latest,
        fy,
        values: req.body,
        ...shown,
      })
    }
  })

  const ASSUMPTIONS_VIEW = 'planning/views/budget-assumptions.njk'
  const ASSUMPTIONS_TITLE = 'High Needs trajectory assumptions'
  // The saved assumptions as the form shows them: pounds and percentages.
  const stored = (current: Awaited<ReturnType<BudgetService['assumptions']>>) =>
    current && {
      firstYear: String(current.first_year),
      openingDeficit: String(current.opening_deficit_pence / 100),
      funding: String(current.funding_pence / 100),
      fundingGrowth: String(Number(current.funding_growth_percent)),
      costPerPlan: String(current.cost_per_plan_pence / 100),
      costInflation: String(Number(current.cost_inflation_percent)),
      otherSpend: String(current.other_spend_pence / 100),
      source: current.source,
    }
  router.get('/planning/budget/assumptions', async (req: Request, res: Response) => {
    const current = await budget.assumptions(req.actor!)
    res.render(ASSUMPTIONS_VIEW, { pageTitle: ASSUMPTIONS_TITLE, current, stored: stored(current), fy })
  })

  router.post('/planning/budget/assumptions', async (req: Request, res: Response) => {
    const actor = req.actor!
    try {
      await budget.saveAssumptions(actor, req.body as Record<string, unknown>)
      res.redirect(303, '/planning/budget#trajectory')
    } catch (error) {
      const { status, ...shown } = refusal(error)
      // On a conflict the latest saved figures are shown beside the ones typed, which are kept.
      const current = await budget.assumptions(actor)
      res.status(status).render(ASSUMPTIONS_VIEW, {
        pageTitle: ASSUMPTIONS_TITLE,
        current,
        stored: stored(current),
        fy,
        values: req.body,
        ...shown,
      })
    }
  })

  const DSG_VIEW = 'planning/views/budget-dsg.njk'
  router.get('/planning/budget/dsg/:year/:block', async (req: Request, res: Response) => {
    const entry = await budget.dsgBlock(req.actor!, String(req.params.year), String(req.params.block))
    res.render(DSG_VIEW, { pageTitle: `${entry.label} ${fy(entry.year)}`, entry, fy })
  })

  router.post('/planning/budget/dsg/:year/:block', async (req: Request, res: Response) => {
    const actor = req.actor!
    const entry = await budget.dsgBlock(actor, String(req.params.year), String(req.params.block))
    try {
      await budget.saveDsgBlock(actor, String(entry.year), entry.block, req.body as Record<string, unknown>)
      res.redirect(303, '/planning/budget')
    } catch (error) {
      const { status, ...shown } = refusal(error)
      // On a conflict the figures now saved are named beside the ones typed, which are kept.
      const latest = shown.conflict ? await budget.dsgBlock(actor, String(entry.year), entry.block) : entry
      res.status(status).render(DSG_VIEW, {
        pageTitle: `${entry.label} ${fy(entry.year)}`,
        entry: latest,
        fy,
        values: req.body,
        ...shown,
      })
    }
  })

  router.get('/planning/reserves', async (req: Request, res: Response) => {
    const funds = await reserves.funds(req.actor!)
    res.render('planning/views/reserves.njk', { pageTitle: 'Reserve plans', funds })
  })

  router.get('/planning/reserves/:fundId', async (req: Request, res: Response) => {
    const fund = await reserves.fund(req.actor!, String(req.params.fundId))
    res.render('planning/views/reserve-fund.njk', { pageTitle: fund.name, fund, mayEdit: reserves.mayEdit(req.actor!) })
  })

  router.post('/planning/reserves/:fundId/lines', async (req: Request, res: Response) => {
    const actor = req.actor!
    if (!reserves.mayEdit(actor)) throw new ForbiddenError()
    const fund = await reserves.fund(actor, String(req.params.fundId))
    try {
      await reserves.addLine(actor, fund.id, req.body as Record<string, unknown>)
      res.redirect(303, `/planning/reserves/${fund.id}`)
    } catch (error) {
      const { status, conflict, ...shown } = refusal(error)
      // On a conflict the plan as now saved (its lines and what is left) is shown; the line typed stays in the form.
      res.status(status).render('planning/views/reserve-fund.njk', {
        pageTitle: fund.name,
        fund: conflict ? await reserves.fund(actor, fund.id) : fund,
        mayEdit: true,
        values: req.body,
        conflict: conflict ? (error as Error).message : undefined,
        ...shown,
      })
    }
  })

  return {
    router,
    nav: [
      { text: 'High Needs budget', href: '/planning/budget', section: 'Planning', roles: BUDGET_READERS },
      { text: 'Reserve plans', href: '/planning/reserves', section: 'Planning', roles: BUDGET_READERS },
    ],
  }
}

import { Router, type Request } from 'express'
import type { Role } from '../platform/actor.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { sendTable } from '../platform/http/downloads.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { describePeriod, monthsOf, TERMS, type FundingRun } from './rules/run.ts'
import type { FundingRunService } from './runs.ts'
import { SETTING_TYPE_LABELS } from './web.ts'

const VIEWS = 'funding/views'
const RUNNERS: readonly Role[] = ['la_admin', 'finance_officer', 'send_manager']

const actorOf = (req: Request) => req.actor!
const formatOf = (req: Request) => (req.query.format === 'xlsx' ? 'xlsx' : 'csv')
/** Pounds as a number for a spreadsheet cell, from integer pence (display only). */
const pounds = (pence: number) => pence / 100
const periodName = (run: FundingRun) =>
  run.period.kind === 'year'
    ? run.period.financialYear
    : run.period.kind === 'month'
      ? run.period.month
      : `${run.period.term}-${run.period.financialYear}`

export function fundingRunWeb(runs: FundingRunService): WebModule {
  const router = Router()

  router.get('/funding/runs', async (req, res) => {
    try {
      const { run, query, years } = await runs.run(actorOf(req), req.query)
      res.render(`${VIEWS}/runs.njk`, {
        pageTitle: 'Funding runs',
        run,
        query,
        years,
        months: monthsOf(query.year),
        terms: TERMS,
        periodText: describePeriod(run.period),
        settingTypeLabels: SETTING_TYPE_LABELS,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(`${VIEWS}/runs.njk`, {
        pageTitle: 'Funding runs',
        query: req.query,
        years: runs.years(),
        months: [],
        terms: TERMS,
        ...errorSummary(error.errors),
      })
    }
  })

  router.get('/funding/runs/download', async (req, res) => {
    const { run } = await runs.run(actorOf(req), req.query)
    await sendTable(
      res,
      formatOf(req),
      `funding-run-${periodName(run)}`,
      ['School', 'Locality', 'Pupils', 'Lines', 'Amount (£)'],
      [
        ...run.bySchool.map(s => [s.label, s.localityName, s.pupils, s.lines, pounds(s.amountPence)]),
        ['Total', null, run.pupils, run.lines.length, pounds(run.totalPence)],
      ],
    )
  })

  // The nav's one link for everybody: a school user's own statement, or the authority's runs.
  router.get('/funding/statement', (req, res) => {
    const actor = actorOf(req)
    if (actor.role === 'school_user' && actor.settingId)
      return res.redirect(303, `/funding/statements/${actor.settingId}`)
    if (runs.mayRun(actor)) return res.redirect(303, '/funding/runs')
    throw new ForbiddenError()
  })

  router.get('/funding/statements/:settingId', async (req, res) => {
    try {
      const { setting, run, query, years } = await runs.statement(actorOf(req), req.params.settingId, req.query)
      res.render(`${VIEWS}/statement.njk`, {
        pageTitle: `Funding statement: ${setting.name}`,
        setting,
        run,
        query,
        years,
        months: monthsOf(query.year),
        terms: TERMS,
        periodText: describePeriod(run.period),
        mayRun: runs.mayRun(actorOf(req)),
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(`${VIEWS}/statement.njk`, {
        pageTitle: 'Funding statement',
        query: req.query,
        years: runs.years(),
        months: [],
        terms: TERMS,
        settingId: req.params.settingId,
        ...errorSummary(error.errors),
      })
    }
  })

  router.get('/funding/statements/:settingId/download', async (req, res) => {
    const { setting, run } = await runs.statement(actorOf(req), req.params.settingId, req.query)
    await sendTable(
      res,
      formatOf(req),
      `funding-statement-${setting.urn}-${periodName(run)}`,
      ['Pupil', 'Level or band', 'Period', 'From', 'To', 'Days', 'Annual (£)', 'Amount (£)', 'Explanation'],
      [
        ...run.lines.map(l => [
          l.childName,
          l.levelLabel,
          l.period,
          l.from,
          l.to,
          l.days,
          pounds(l.annualPence),
          pounds(l.amountPence),
          l.explanation,
        ]),
        ['Total', null, null, null, null, null, null, pounds(run.totalPence), null],
      ],
    )
  })

  return {
    router,
    nav: [
      { text: 'Funding runs', href: '/funding/runs', section: 'Funding', roles: RUNNERS },
      { text: 'Funding statement', href: '/funding/statement', roles: ['school_user'] },
    ],
  }
}

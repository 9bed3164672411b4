import { Router, type Request, type Response } from 'express'
import { ValidationError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { sendTable } from '../platform/http/downloads.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { NEED_LABELS, type NeedCode } from '../people/rules/needs.ts'
import { PLAN_NEEDS } from './dashboard-filters.ts'
import { INSIGHT_ROLES, MONEY_ROLES, type DashboardService, type Page } from './dashboard.ts'
import { AGE_BANDS, SETTING_TYPE_LABELS } from './rules/caseload.ts'
import { scrutinyRoutes } from './scrutiny-web.ts'
import type { ScrutinyService } from './scrutiny.ts'

const VIEW = 'insight/views/dashboard.njk'

const actorOf = (req: Request) => req.actor!

/** Each page: its path, title, what it says, and which filters apply to it. */
export const DASHBOARDS: Record<
  Page,
  {
    path: string
    title: string
    summary: string
    filters: { caseload: boolean; years: boolean; month: boolean; fy: boolean }
  }
> = {
  overview: {
    path: '/insight',
    title: 'Dashboards',
    summary: 'The EHCP caseload at each January census date, and the other dashboards.',
    filters: { caseload: true, years: true, month: false, fy: false },
  },
  caseload: {
    path: '/insight/caseload',
    title: 'Caseload',
    summary:
      'EHC plans in force on a date by NC year, age group, primary need, locality and type of setting; plans issued and ceased each year.',
    filters: { caseload: true, years: true, month: false, fy: false },
  },
  timeliness: {
    path: '/insight/timeliness',
    title: '20-week timeliness',
    summary:
      'New EHC plans issued within 20 weeks of the request, including and excluding exceptions, by year and by month.',
    filters: { caseload: true, years: true, month: true, fy: false },
  },
  casework: {
    path: '/insight/casework',
    title: 'Requests, reviews and disagreements',
    summary:
      'Requests by who asked (early years flagged), annual reviews outstanding, tribunal appeals by reason, complaints and compliments.',
    filters: { caseload: true, years: true, month: false, fy: false },
  },
  money: {
    path: '/insight/money',
    title: 'Top-up funding',
    summary:
      'Top-up funding from the agreed awards for a financial year, by level, locality and school, as the funding run pays it.',
    filters: { caseload: false, years: false, month: false, fy: true },
  },
}

const choices = {
  needs: PLAN_NEEDS.map(code => ({
    value: code,
    text: code === 'none' ? 'None recorded' : NEED_LABELS[code as NeedCode],
  })),
  ages: AGE_BANDS.map(b => ({ value: b.code, text: b.label })),
  settingTypes: Object.entries(SETTING_TYPE_LABELS).map(([value, text]) => ({ value, text })),
}

export function dashboardWeb(service: DashboardService, scrutiny: ScrutinyService): WebModule {
  const router = Router()

  const show = (page: Page) => async (req: Request, res: Response) => {
    const actor = actorOf(req)
    const info = DASHBOARDS[page]
    const common = {
      pageTitle: info.title,
      info,
      page,
      choices,
      dashboards: Object.entries(DASHBOARDS)
        .filter(([p]) => service.mayRead(actor, p as Page))
        .map(([p, d]) => ({ ...d, page: p })),
    }
    try {
      if (req.query.download !== undefined) {
        const { table, filters } = await service.table(actor, page, req.query)
        const format = req.query.format === 'xlsx' ? 'xlsx' : 'csv'
        await sendTable(res, format, `${table.name}-${filters.date}`, table.header, table.rows)
        return
      }
      const result = await service.page(actor, page, req.query)
      res.render(VIEW, { ...common, ...result, query: result.filters.query })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(VIEW, {
        ...common,
        query: req.query,
        localities: await service.localities(),
        tables: [],
        ...errorSummary(error.errors),
      })
    }
  }

  for (const page of Object.keys(DASHBOARDS) as Page[]) router.get(DASHBOARDS[page].path, show(page))
  scrutinyRoutes(router, scrutiny)

  return {
    router,
    nav: [
      { text: 'Insight', href: '/insight', overview: 'Dashboards', roles: INSIGHT_ROLES },
      { text: 'Caseload', href: '/insight/caseload', section: 'Insight', roles: INSIGHT_ROLES },
      { text: '20-week timeliness', href: '/insight/timeliness', section: 'Insight', roles: INSIGHT_ROLES },
      {
        text: 'Requests, reviews and disagreements',
        href: '/insight/casework',
        section: 'Insight',
        roles: INSIGHT_ROLES,
      },
      { text: 'Top-up funding', href: '/insight/money', section: 'Insight', roles: MONEY_ROLES },
      { text: 'Scrutiny report', href: '/insight/scrutiny', section: 'Insight', roles: INSIGHT_ROLES },
    ],
  }
}

import { Router, type Request, type Response } from 'express'
import { PLAN_NEEDS } from '../insight/dashboard-filters.ts'
import { AGE_BANDS, type AgeBand } from '../insight/rules/caseload.ts'
import { ncYearLabel } from '../people/rules/nc-year.ts'
import { NEED_LABELS, type NeedCode } from '../people/rules/needs.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { sendTable, type Cell } from '../platform/http/downloads.ts'
import { errorSummary, refusal, toFieldErrors } from '../platform/http/validation.ts'
import { forecastChart } from './forecast-chart.ts'
import { FORECAST_ROLES, type ForecastFilter, type ForecastService, type ForecastView } from './forecast-service.ts'
import { interval, scenarioSchema } from './rules/forecast.ts'
import { sufficiencyTables, type SufficiencyService } from './sufficiency.ts'

// Planning pages: the EHC plan forecast with its scenario settings and filters, and sufficiency of
// special-school and resource-base places. GET forms throughout, so a scenario is a link to share.

const VIEW = 'planning/views/forecast.njk'
const SUFFICIENCY_VIEW = 'planning/views/sufficiency.njk'

export const needLabel = (code: string) => (code === 'none' ? 'None recorded' : (NEED_LABELS[code as NeedCode] ?? code))
const ageLabel = (code: string) => AGE_BANDS.find(b => b.code === code)?.label ?? code

type Query = Record<string, unknown>
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

/** The filters a query names; unknown values are refused with the field named. */
export function parseFilter(query: Query, needs: readonly string[], localities: readonly string[]): ForecastFilter {
  const errors: { field: string; message: string }[] = []
  const need = text(query.need)
  const age = text(query.age)
  const locality = text(query.locality)
  if (need && !needs.includes(need)) errors.push({ field: 'need', message: 'Choose a primary need from the list' })
  if (age && !AGE_BANDS.some(b => b.code === age))
    errors.push({ field: 'age', message: 'Choose an age group from the list' })
  if (locality && !localities.includes(locality)) {
    errors.push({ field: 'locality', message: 'Choose a locality from the list' })
  }
  // The scenario's problems and the filters' are named together, in the form's order.
  const scenario = scenarioSchema.safeParse(query)
  if (!scenario.success) errors.unshift(...toFieldErrors(scenario.error))
  if (errors.length) throw new ValidationError(errors)
  return {
    ...(need ? { need } : {}),
    ...(age ? { ageBand: age as AgeBand } : {}),
    ...(locality ? { locality } : {}),
  }
}

/** The forecast's tables: the total with its band, and the breakdowns, each downloadable. */
export function forecastTables(view: Extract<ForecastView, { ok: true }>, localityName: (code: string) => string) {
  const years = view.years.map(String)
  const total = {
    name: 'forecast',
    caption: 'EHC plans at each January: forecast with its 80% band',
    header: ['January', 'Plans (forecast)', 'Low (80% band)', 'High (80% band)', 'No-change forecast'],
    rows: view.series.map((p, i) => [
      i === 0 ? `${p.year} (census, actual)` : String(p.year),
      p.value,
      p.low,
      p.high,
      view.baseline[i]!.value,
    ]) as Cell[][],
  }
  const breakdown = (
    name: string,
    caption: string,
    first: string,
    rows: { key: string; values: number[] }[],
    label: (k: string) => string,
  ) => ({
    name,
    caption,
    header: [first, ...years],
    rows: rows.map(r => [label(r.key), ...r.values]) as Cell[][],
  })
  return [
    total,
    breakdown('by-need', 'Forecast plans by primary need', 'Primary need', view.byNeed, needLabel),
    breakdown('by-age', 'Forecast plans by age group (NC year)', 'Age group', view.byAgeBand, ageLabel),
    breakdown('by-locality', 'Forecast plans by locality', 'Locality', view.byLocality, localityName),
    breakdown('by-nc-year', 'Forecast plans by NC year', 'NC year', view.byNcYear, k => ncYearLabel(Number(k))),
  ]
}

export function forecastWeb(service: ForecastService, sufficiency: SufficiencyService): WebModule {
  const router = Router()

  const common = async () => {
    const localities = await sufficiency.localities()
    const names = new Map(localities.map(l => [l.code, l.name]))
    return { localities, localityName: (code: string) => (code === 'none' ? 'No locality' : (names.get(code) ?? code)) }
  }

  router.get('/planning/forecast', async (req: Request, res: Response) => {
    const actor = req.actor!
    if (!service.mayRead(actor)) throw new ForbiddenError()
    const query = req.query as Query
    const { localities, localityName } = await common()
    const page = {
      pageTitle: 'EHC plan forecast',
      query,
      choices: {
        needs: PLAN_NEEDS.map(code => ({ value: code, text: needLabel(code) })),
        ages: AGE_BANDS.map(b => ({ value: b.code, text: b.label })),
        localities: [...localities.map(l => ({ value: l.code, text: l.name })), { value: 'none', text: 'No locality' }],
      },
    }
    try {
      const filter = parseFilter(query, PLAN_NEEDS, [...localities.map(l => l.code), 'none'])
      const view = await service.view(actor, query, filter)
      if (!view.ok) {
        res.render(VIEW, { ...page, reason: view.reason })
        return
      }
      const tables = forecastTables(view, localityName)
      if (query.download !== undefined) {
        const table = tables.find(t => t.name === query.download)
        if (!table) throw new ValidationError([{ field: 'download', message: 'Choose a table to download' }])
        await sendTable(
          res,
          query.format === 'xlsx' ? 'xlsx' : 'csv',
          `ehcp-${table.name}-${view.origin}`,
          table.header,
          table.rows,
        )
        return
      }
      const chart = forecastChart(
        'chart-forecast',
        'EHC plans at each January, forecast',
        tables[0]!.caption,
        view.series,
        view.baseline,
      )
      const params = new URLSearchParams()
      for (const key of ['newPlansPercent', 'ceasingFrom16Percent', 'years', 'need', 'age', 'locality']) {
        const v = text(query[key])
        if (v) params.set(key, v)
      }
      const qs = params.toString()
      const last = view.series[view.series.length - 1]!
      res.render(VIEW, {
        ...page,
        view,
        tables,
        chart,
        last,
        bandAt: [1, 3, 5].map(h => ({ h, range: interval(h).map(v => Math.round(v * 1000) / 10) })),
        downloadBase: `/planning/forecast?${qs ? `${qs}&` : ''}`,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(VIEW, { ...page, ...errorSummary(error.errors) })
    }
  })

  // The forecast as JSON: the total (within the filters) at each January with its band, and without the scenario.
  router.get('/api/v1/planning/forecast', async (req: Request, res: Response) => {
    const actor = req.actor!
    if (!service.mayRead(actor)) throw new ForbiddenError()
    const query = req.query as Query
    const { localities } = await common()
    const filter = parseFilter(query, PLAN_NEEDS, [...localities.map(l => l.code), 'none'])
    const view = await service.view(actor, query, filter)
    if (!view.ok) {
      res.json({ forecast: null, reason: view.reason, scenario: view.scenario })
      return
    }
    res.json({
      origin: view.origin,
      censusDate: view.censusDate,
      scenario: view.scenario,
      filter,
      forecast: view.series,
      noChange: view.baseline,
    })
  })

  router.get('/planning/sufficiency', async (req: Request, res: Response) => {
    const actor = req.actor!
    if (!sufficiency.mayRead(actor)) throw new ForbiddenError()
    const query = req.query as Query
    const { localityName } = await common()
    const page = { pageTitle: 'Sufficiency of specialist places', query }
    try {
      const view = await sufficiency.view(actor, query)
      if (!view.ok) {
        res.render(SUFFICIENCY_VIEW, {
          ...page,
          reason: view.reason,
          settings: view.settings,
          mayEditPlaces: sufficiency.mayEditPlaces(actor),
        })
        return
      }
      const tables = sufficiencyTables(view, localityName, needLabel)
      if (query.download !== undefined) {
        const table = tables.find(t => t.name === query.download)
        if (!table) throw new ValidationError([{ field: 'download', message: 'Choose a table to download' }])
        await sendTable(
          res,
          query.format === 'xlsx' ? 'xlsx' : 'csv',
          `${table.name}-${view.origin}`,
          table.header,
          table.rows,
        )
        return
      }
      const params = new URLSearchParams()
      for (const key of ['newPlansPercent', 'ceasingFrom16Percent', 'years']) {
        const v = text(query[key])
        if (v) params.set(key, v)
      }
      const qs = params.toString()
      res.render(SUFFICIENCY_VIEW, {
        ...page,
        view,
        settings: view.settings,
        mayEditPlaces: sufficiency.mayEditPlaces(actor),
        tables,
        downloadBase: `/planning/sufficiency?${qs ? `${qs}&` : ''}`,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(SUFFICIENCY_VIEW, { ...page, ...errorSummary(error.errors) })
    }
  })

  const SETTING_VIEW = 'planning/views/sufficiency-setting.njk'
  router.get('/planning/sufficiency/settings/:settingId', async (req: Request, res: Response) => {
    const setting = await sufficiency.settingPlaces(req.actor!, String(req.params.settingId))
    res.render(SETTING_VIEW, { pageTitle: `Places at ${setting.name}`, setting })
  })

  router.post('/planning/sufficiency/settings/:settingId', async (req: Request, res: Response) => {
    const actor = req.actor!
    const setting = await sufficiency.settingPlaces(actor, String(req.params.settingId))
    try {
      await sufficiency.recordPlaces(actor, setting.id, req.body)
      res.redirect(303, '/planning/sufficiency#settings')
    } catch (error) {
      const { status, conflict, ...shown } = refusal(error)
      // Invalid: what was typed, with the problems. Stale: the places as now saved, to start again from.
      const latest = conflict ? await sufficiency.settingPlaces(actor, setting.id) : setting
      res.status(status).render(SETTING_VIEW, {
        pageTitle: `${conflict ? '' : 'Error: '}Places at ${setting.name}`,
        setting: latest,
        values: conflict ? undefined : req.body,
        conflict: conflict ? (error as Error).message : undefined,
        ...shown,
      })
    }
  })

  return {
    router,
    nav: [
      { text: 'Planning', href: '/planning/forecast', overview: 'EHC plan forecast', roles: FORECAST_ROLES },
      { text: 'Sufficiency of places', href: '/planning/sufficiency', section: 'Planning', roles: FORECAST_ROLES },
    ],
  }
}

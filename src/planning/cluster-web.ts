import { Router, type Request, type Response } from 'express'
import { ValidationError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary, refusal } from '../platform/http/validation.ts'
import { CLUSTER_ROLES, type ClusterService } from './cluster-service.ts'
import { FACTOR_LABELS, FACTORS } from './rules/cluster-formula.ts'

// Cluster budgets under /planning/clusters: the formula and every cluster's share for LA staff; a host
// school's own cluster for its school user.

const VIEW = 'planning/views/clusters.njk'
const CLUSTER_VIEW = 'planning/views/cluster.njk'
const fy = (year: number) => `${year}-${String((year + 1) % 100).padStart(2, '0')}`
const factors = FACTORS.map(f => ({ key: f, label: FACTOR_LABELS[f] }))

export function clusterWeb(service: ClusterService): WebModule {
  const router = Router()

  const renderList = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const actor = req.actor!
    const view = await service.view(actor)
    res.render(VIEW, {
      pageTitle: 'Cluster budgets',
      view,
      fy,
      factors,
      countedOn: view?.clusters.map(c => c.countedOn).find(Boolean) ?? null,
      mayEditFormula: service.mayEditFormula(actor),
      ...extra,
    })
  }

  router.get('/planning/clusters', (req, res) => renderList(req, res))

  router.post('/planning/clusters/formula', async (req: Request, res: Response) => {
    try {
      await service.updateFormula(req.actor!, req.body as Record<string, unknown>)
      res.redirect(303, '/planning/clusters')
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400)
      await renderList(req, res, { values: req.body, ...errorSummary(error.errors) })
    }
  })

  router.post('/planning/clusters/count', async (req: Request, res: Response) => {
    await service.countFromRecords(req.actor!)
    res.redirect(303, '/planning/clusters#clusters')
  })

  const renderCluster = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const actor = req.actor!
    const data = await service.cluster(actor, String(req.params.clusterCode))
    res.render(CLUSTER_VIEW, {
      pageTitle: data.cluster.name,
      ...data,
      fy,
      mayRecord: service.mayRecord(actor, data.cluster),
      mayEditMeasures: service.mayEditFormula(actor),
      factors,
      ...extra,
    })
  }

  router.get('/planning/clusters/:clusterCode', (req, res) => renderCluster(req, res))

  router.post('/planning/clusters/:clusterCode/entries', async (req: Request, res: Response) => {
    try {
      await service.record(req.actor!, String(req.params.clusterCode), req.body)
      res.redirect(303, `/planning/clusters/${encodeURIComponent(String(req.params.clusterCode))}`)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400)
      await renderCluster(req, res, { values: req.body, ...errorSummary(error.errors) })
    }
  })

  router.post('/planning/clusters/:clusterCode/measures', async (req: Request, res: Response) => {
    const code = String(req.params.clusterCode)
    try {
      await service.updateEnteredMeasures(req.actor!, code, req.body as Record<string, unknown>)
      res.redirect(303, `/planning/clusters/${encodeURIComponent(code)}`)
    } catch (error) {
      const { status, ...shown } = refusal(error)
      // The page shows the latest measures; what was typed stays in the form.
      res.status(status)
      await renderCluster(req, res, { measureValues: req.body, ...shown })
    }
  })

  return {
    router,
    nav: [{ text: 'Cluster budgets', href: '/planning/clusters', section: 'Planning', roles: CLUSTER_ROLES }],
  }
}

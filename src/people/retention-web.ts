import { Router, type Request, type Response } from 'express'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { ConflictError, ForbiddenError, ValidationError } from '../platform/errors.ts'
import { RETENTION_ADMINS, type RetentionRule, type RetentionService } from './retention-service.ts'
import { SUBJECT_ACCESS_ROLES, type SubjectAccessService } from './subject-access-service.ts'

// Retention rules, what is due for disposal, legal holds, and subject-access exports, under /admin.
// No child is named in a URL: holds and exports take the child's reference in the form body.

const VIEWS = 'people/views'

export function retentionWeb(retention: RetentionService, subjectAccess: SubjectAccessService): WebModule {
  const router = Router()

  router.get('/admin/retention', async (req, res) => {
    const rules = await retention.rules(req.actor!)
    res.render(`${VIEWS}/retention.njk`, { pageTitle: 'Retention rules', rules })
  })

  const renderRule = (res: Response, rule: RetentionRule, extra: Record<string, unknown> = {}) =>
    res.render(`${VIEWS}/retention-rule.njk`, { pageTitle: `Retention: ${rule.label}`, rule, ...extra })

  router.get('/admin/retention/rules/:recordClass', async (req, res) => {
    renderRule(res, await retention.rule(req.actor!, String(req.params.recordClass)))
  })

  router.post('/admin/retention/rules/:recordClass', async (req: Request, res: Response) => {
    const actor = req.actor!
    const rule = await retention.rule(actor, String(req.params.recordClass))
    try {
      await retention.changeRule(actor, rule.recordClass, req.body as Record<string, unknown>)
      res.redirect(303, '/admin/retention')
    } catch (error) {
      if (error instanceof ConflictError) {
        // The latest rule is shown, with what the user typed beside it, and nothing is saved.
        res.status(409)
        return renderRule(res, error.latest as RetentionRule, {
          conflict: true,
          typed: (req.body as { years?: string }).years,
        })
      }
      if (!(error instanceof ValidationError)) throw error
      res.status(400)
      renderRule(res, rule, { values: req.body, ...errorSummary(error.errors) })
    }
  })

  router.get('/admin/retention/due', async (req, res) => {
    const due = await retention.due(req.actor!)
    res.render(`${VIEWS}/retention-due.njk`, { pageTitle: 'Records due for disposal', due })
  })

  router.post('/admin/retention/run', async (req, res) => {
    // Only an explicit 'no' disposes: a form posted without the button's value is a dry run.
    const dryRun = (req.body as { dryRun?: string }).dryRun !== 'no'
    const report = await retention.run(req.actor!, { dryRun })
    res.render(`${VIEWS}/retention-run.njk`, {
      pageTitle: dryRun ? 'What disposal would do' : 'Records disposed of',
      report,
    })
  })

  const renderHolds = async (req: Request, res: Response, extra: Record<string, unknown> = {}) =>
    res.render(`${VIEWS}/legal-holds.njk`, {
      pageTitle: 'Legal holds',
      holds: await retention.holds(req.actor!),
      ...extra,
    })

  router.get('/admin/retention/holds', (req, res) => renderHolds(req, res))

  router.post('/admin/retention/holds', async (req: Request, res: Response) => {
    try {
      await retention.placeHold(req.actor!, req.body as Record<string, unknown>)
      res.redirect(303, '/admin/retention/holds')
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400)
      await renderHolds(req, res, { values: req.body, ...errorSummary(error.errors) })
    }
  })

  router.post('/admin/retention/holds/lift', async (req: Request, res: Response) => {
    try {
      await retention.liftHold(req.actor!, req.body as Record<string, unknown>)
      res.redirect(303, '/admin/retention/holds')
    } catch (error) {
      // Stale: the holds as now saved, nothing lifted.
      if (error instanceof ConflictError) {
        res.status(409)
        return renderHolds(req, res, { conflict: error.message })
      }
      if (!(error instanceof ValidationError)) throw error
      res.status(400)
      const body = req.body as { holdId?: string }
      await renderHolds(req, res, {
        liftErrorFor: body.holdId,
        liftValues: req.body,
        ...errorSummary(
          error.errors.map(e => ({ ...e, field: e.field === 'reason' ? `lift-${body.holdId}` : e.field })),
        ),
      })
    }
  })

  router.get('/admin/subject-access', (req, res) => {
    if (!subjectAccess.mayExport(req.actor!)) throw new ForbiddenError()
    res.render(`${VIEWS}/subject-access.njk`, { pageTitle: 'Subject-access export' })
  })

  router.post('/admin/subject-access', async (req: Request, res: Response) => {
    try {
      const document = await subjectAccess.export(req.actor!, req.body as Record<string, unknown>)
      res.setHeader('Cache-Control', 'no-store')
      res.setHeader('Content-Disposition', 'attachment; filename="subject-access.json"')
      res.type('application/json').send(JSON.stringify(document, null, 2))
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render(`${VIEWS}/subject-access.njk`, {
        pageTitle: 'Subject-access export',
        values: req.body,
        ...errorSummary(error.errors),
      })
    }
  })

  return {
    router,
    nav: [
      { text: 'Retention', href: '/admin/retention', roles: RETENTION_ADMINS, overview: 'Retention rules' },
      { text: 'Due for disposal', href: '/admin/retention/due', section: 'Retention', roles: RETENTION_ADMINS },
      { text: 'Legal holds', href: '/admin/retention/holds', section: 'Retention', roles: RETENTION_ADMINS },
      // Under Retention for an LA admin; in the header for a SEND manager, who cannot see Retention.
      { text: 'Subject access', href: '/admin/subject-access', section: 'Retention', roles: SUBJECT_ACCESS_ROLES },
    ],
  }
}

import { Router, type Request, type Response } from 'express'
import { ConflictError, ForbiddenError, ValidationError, type FieldError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { SETTING_TYPES, type MatrixVersionSpec, type VersionStatus } from './rules/matrix-version.ts'
import { ReadOnlyVersionError, type FundingService, type VersionView } from './service.ts'

const READERS = ['la_admin', 'finance_officer', 'send_manager', 'case_officer'] as const

const VIEWS = 'funding/views'

export const SETTING_TYPE_LABELS: Record<(typeof SETTING_TYPES)[number], string> = {
  early_years: 'Early years',
  mainstream: 'Mainstream',
  resource_base: 'Resource base',
  special: 'Special',
  alternative_provision: 'Alternative provision',
  post_16: 'Post-16',
  independent: 'Independent',
}

export const STATUS_TAGS: Record<VersionStatus, { text: string; classes: string }> = {
  draft: { text: 'Draft', classes: 'govuk-tag--grey' },
  consultation: { text: 'Consultation', classes: 'govuk-tag--yellow' },
  approved: { text: 'Approved', classes: 'govuk-tag--green' },
  retired: { text: 'Retired', classes: 'govuk-tag--orange' },
}

/** What the button moving a version to each status says. */
const MOVE_LABELS: Record<VersionStatus, string> = {
  draft: 'Return to draft',
  consultation: 'Send out for consultation',
  approved: 'Approve',
  retired: 'Retire',
}

const actorOf = (req: Request) => req.actor!

/**
 * Problems inside the JSON document all belong to one textarea (or, on the version page, to the
 * document as a whole): the summary names each by its path and links to where it can be fixed.
 */
function specErrors(errors: FieldError[], specAnchor: string) {
  const inSpec = (e: FieldError) => e.field === 'spec' || e.field.startsWith('spec.')
  const summary = errorSummary(errors.map(e => (inSpec(e) ? { field: specAnchor, message: describe(e) } : e)))
  const specProblems = errors.filter(inSpec)
  if (specProblems.length > 1) {
    summary.fieldErrors[specAnchor] = {
      text: `There are ${specProblems.length} problems in the JSON, each listed at the top of the page`,
    }
  }
  return summary
}

function describe(error: FieldError): string {
  const path = error.field.replace(/^spec\.?/, '')
  return path ? `${path}: ${error.message}` : error.message
}

/** The rates as one table per financial year: a row per setting type, a column per level. */
export function rateTables(spec: MatrixVersionSpec) {
  const levels = spec.levels.map(l => l.level).sort((a, b) => a - b)
  const bespoke = new Set(spec.levels.filter(l => l.bespoke).map(l => l.level))
  const years = [...new Set(spec.rates.map(r => r.financialYear))].sort()
  return years.map(year => {
    const rates = spec.rates.filter(r => r.financialYear === year)
    const types = SETTING_TYPES.filter(type => rates.some(r => r.settingType === type))
    return {
      year,
      levels,
      rows: types.map(type => ({
        type,
        label: SETTING_TYPE_LABELS[type],
        cells: levels.map(level => ({
          pence: rates.find(r => r.settingType === type && r.level === level)?.annualPence ?? null,
          bespoke: bespoke.has(level),
        })),
      })),
    }
  })
}

export function fundingWeb(funding: FundingService): WebModule {
  const router = Router()

  const renderForm = (res: Response, status: number, context: Record<string, unknown>) =>
    res.status(status).render(`${VIEWS}/version-form.njk`, context)

  const renderVersion = (res: Response, status: number, version: VersionView, extra: Record<string, unknown> = {}) =>
    res.status(status).render(`${VIEWS}/version.njk`, {
      pageTitle: version.name,
      version,
      spec: version.spec,
      rateTables: rateTables(version.spec),
      statusTags: STATUS_TAGS,
      settingTypeLabels: SETTING_TYPE_LABELS,
      moves: version.nextStatuses.map(to => ({ to, text: MOVE_LABELS[to] })),
      specJson: JSON.stringify(version.spec, null, 2),
      ...extra,
    })

  // A refused edit says why, and where to go next; a stale one says nothing was overwritten.
  const renderRefusal = (res: Response, versionId: string, error: ConflictError) =>
    res.status(409).render(`${VIEWS}/refused.njk`, {
      pageTitle:
        error instanceof ReadOnlyVersionError ? 'This version cannot be changed' : 'Someone else changed this version',
      readOnly: error instanceof ReadOnlyVersionError,
      message: error.message,
      versionId,
    })

  router.get('/funding/versions', async (req, res) => {
    const { versions, mayManage } = await funding.listVersions(actorOf(req))
    res.render(`${VIEWS}/versions.njk`, { pageTitle: 'Matrix versions', versions, mayManage, statusTags: STATUS_TAGS })
  })

  router.get('/funding/versions/new', (req, res) => {
    if (!funding.mayManage(actorOf(req))) throw new ForbiddenError()
    renderForm(res, 200, { pageTitle: 'New matrix version', form: {}, action: '/funding/versions' })
  })

  router.post('/funding/versions', async (req, res) => {
    const body = req.body as Record<string, unknown>
    const input = { name: body.name, spec: body.spec }
    try {
      const created = await funding.createVersion(actorOf(req), input)
      res.redirect(303, `/funding/versions/${created.id}`)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      renderForm(res, 400, {
        pageTitle: 'New matrix version',
        form: input,
        action: '/funding/versions',
        ...specErrors(error.errors, 'spec'),
      })
    }
  })

  router.get('/funding/versions/:versionId', async (req, res) => {
    renderVersion(res, 200, await funding.getVersion(actorOf(req), req.params.versionId))
  })

  router.get('/funding/versions/:versionId/edit', async (req, res) => {
    const actor = actorOf(req)
    if (!funding.mayManage(actor)) throw new ForbiddenError()
    const version = await funding.getVersion(actor, req.params.versionId)
    if (!version.editable) return renderRefusal(res, version.id, new ReadOnlyVersionError(version.status))
    renderForm(res, 200, {
      pageTitle: `Edit ${version.name}`,
      form: { name: version.name, spec: JSON.stringify(version.spec, null, 2), version: version.version },
      action: `/funding/versions/${version.id}/edit`,
      versionId: version.id,
    })
  })

  router.post('/funding/versions/:versionId/edit', async (req, res) => {
    const body = req.body as Record<string, unknown>
    const input = { name: body.name, spec: body.spec, version: body.version }
    const { versionId } = req.params
    try {
      await funding.updateVersion(actorOf(req), versionId, input)
      res.redirect(303, `/funding/versions/${versionId}`)
    } catch (error) {
      if (error instanceof ConflictError) return renderRefusal(res, versionId, error)
      if (!(error instanceof ValidationError)) throw error
      renderForm(res, 400, {
        pageTitle: 'Edit matrix version',
        form: input,
        action: `/funding/versions/${versionId}/edit`,
        versionId,
        ...specErrors(error.errors, 'spec'),
      })
    }
  })

  router.post('/funding/versions/:versionId/status', async (req, res) => {
    const body = req.body as Record<string, unknown>
    const { versionId } = req.params
    const actor = actorOf(req)
    try {
      await funding.changeStatus(actor, versionId, { to: body.to, version: body.version })
      res.redirect(303, `/funding/versions/${versionId}`)
    } catch (error) {
      if (error instanceof ConflictError) return renderRefusal(res, versionId, error)
      if (!(error instanceof ValidationError)) throw error
      // The version page again, with what stopped the move listed above it.
      const version = await funding.getVersion(actor, versionId)
      const errors = error.errors.map(e => (e.field === 'to' || e.field === 'version' ? { ...e, field: 'status' } : e))
      renderVersion(res, 400, version, specErrors(errors, 'document'))
    }
  })

  router.post('/funding/versions/:versionId/copy', async (req, res) => {
    const created = await funding.copyVersion(actorOf(req), req.params.versionId)
    res.redirect(303, `/funding/versions/${created.id}`)
  })

  router.get('/api/v1/funding/versions', async (req, res) => {
    const { versions } = await funding.listVersions(actorOf(req))
    res.json({ versions })
  })

  router.get('/api/v1/funding/versions/:versionId', async (req, res) => {
    res.json(await funding.getVersion(actorOf(req), req.params.versionId))
  })

  router.post('/api/v1/funding/versions', async (req, res) => {
    const created = await funding.createVersion(actorOf(req), req.body)
    res.status(201).location(`/api/v1/funding/versions/${created.id}`).json(created)
  })

  router.post('/api/v1/funding/versions/:versionId/status', async (req, res) => {
    res.json(await funding.changeStatus(actorOf(req), req.params.versionId, req.body))
  })

  return {
    router,
    nav: [{ text: 'Funding', href: '/funding/versions', overview: 'Matrix versions', roles: READERS }],
  }
}

import { Router, type Request, type Response } from 'express'
import { ConflictError, ValidationError } from '../platform/errors.ts'
import type { WebModule } from '../platform/http/app.ts'
import { sendTable } from '../platform/http/downloads.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { TRANSITION_READERS, type TransitionService } from './transition.ts'

const VIEWS = 'funding/views'
const actorOf = (req: Request) => req.actor!
const formatOf = (req: Request) => (req.query.format === 'xlsx' ? 'xlsx' : 'csv')
/** Pounds as a number for a spreadsheet cell, from integer pence (display only). */
const pounds = (pence: number | null) => (pence === null ? null : pence / 100)

export function transitionWeb(transition: TransitionService): WebModule {
  const router = Router()

  router.get('/funding/transition', async (req, res) => {
    const { financialYear, cases, summary } = await transition.list(actorOf(req))
    res.render(`${VIEWS}/transition.njk`, {
      pageTitle: 'Legacy exceptional funding: moving onto the matrix',
      financialYear,
      cases,
      summary,
    })
  })

  // Before '/funding/transition/:legacyId', which would otherwise take 'download' for an id.
  router.get('/funding/transition/download', async (req, res) => {
    const { financialYear, cases } = await transition.list(actorOf(req))
    await sendTable(
      res,
      formatOf(req),
      `legacy-transition-${financialYear}`,
      [
        'Pupil',
        'School or setting',
        'Old annual (£)',
        'Matrix status',
        `New annual ${financialYear} (£)`,
        'Difference (£)',
        'Protected until',
      ],
      cases.map(c => [
        c.childName,
        c.settingName,
        pounds(c.oldAnnualPence),
        c.statusLabel,
        pounds(c.newAnnualPence),
        pounds(c.differencePence),
        c.protectedUntil,
      ]),
    )
  })

  const renderCase = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const { financialYear, case: found } = await transition.case(actorOf(req), String(req.params.legacyId))
    res.status(status).render(`${VIEWS}/transition-case.njk`, {
      pageTitle: `Legacy exceptional funding: ${found.childName}`,
      financialYear,
      found,
      mayProtect: transition.mayProtect(actorOf(req)),
      form: { protectedUntil: found.protectedUntil ?? '', version: found.version },
      ...extra,
    })
  }

  router.get('/funding/transition/:legacyId', async (req, res) => renderCase(req, res, 200))

  router.post('/funding/transition/:legacyId', async (req, res) => {
    try {
      const { changed } = await transition.protect(actorOf(req), req.params.legacyId, req.body)
      await renderCase(req, res, 200, {
        saved: changed ? 'Protection date saved' : 'Nothing changed: the case already had that protection date',
      })
    } catch (error) {
      // Stale: the case as now saved (its date and version), with what they typed named in the banner.
      if (error instanceof ConflictError) {
        const typed = String((req.body as Record<string, unknown> | undefined)?.protectedUntil ?? '')
        return renderCase(req, res, 409, {
          conflict: `${error.message}. Nothing was overwritten: the case as now saved is shown below${typed ? ` (you entered ${typed})` : ''}.`,
        })
      }
      if (!(error instanceof ValidationError)) throw error
      // The page is shown again with what was typed, so nothing has to be entered twice.
      const body = (req.body ?? {}) as Record<string, unknown>
      await renderCase(req, res, 400, {
        form: { protectedUntil: String(body.protectedUntil ?? ''), version: String(body.version ?? '') },
        ...errorSummary(error.errors),
      })
    }
  })

  return {
    router,
    nav: [{ text: 'Legacy transition', href: '/funding/transition', section: 'Funding', roles: TRANSITION_READERS }],
  }
}

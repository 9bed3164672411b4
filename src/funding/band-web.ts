import { Router, type Request, type Response } from 'express'
import type { WebModule } from '../platform/http/app.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { ValidationError } from '../platform/errors.ts'
import type { BandService } from './bands.ts'

const actorOf = (req: Request) => req.actor!

export function bandWeb(bands: BandService): WebModule {
  const router = Router()

  const renderSchool = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const { school, bands: rows } = await bands.bandsOf(actorOf(req), String(req.params.specialId))
    res.status(status).render('funding/views/bands.njk', {
      pageTitle: `Provision bands: ${school.name}`,
      school,
      bands: rows,
      mayManage: bands.mayManage(actorOf(req)),
      ...extra,
    })
  }

  router.get('/funding/bands', async (req, res) => {
    res.render('funding/views/band-schools.njk', {
      pageTitle: 'Special school provision bands',
      schools: await bands.specialSchools(actorOf(req)),
    })
  })

  router.get('/funding/bands/:specialId', async (req, res) => renderSchool(req, res, 200))

  router.post('/funding/bands/:specialId', async (req, res) => {
    try {
      const saved = await bands.save(actorOf(req), req.params.specialId, req.body)
      await renderSchool(req, res, 200, {
        saved: saved ? `Band ${saved.change}` : 'Nothing changed: the band already had that name and amount',
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      await renderSchool(req, res, 400, { form: req.body, ...errorSummary(error.errors) })
    }
  })

  router.get('/api/v1/funding/bands/:specialId', async (req, res) => {
    res.json(await bands.bandsOf(actorOf(req), req.params.specialId))
  })

  return {
    router,
    nav: [
      {
        text: 'Provision bands',
        href: '/funding/bands',
        section: 'Funding',
        roles: ['la_admin', 'finance_officer', 'send_manager'],
      },
    ],
  }
}

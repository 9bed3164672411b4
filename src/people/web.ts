import { Router, type Request } from 'express'
import type { WebModule } from '../platform/http/app.ts'
import type { Sessions } from '../platform/http/session.ts'
import { errorSummary } from '../platform/http/validation.ts'
import { ValidationError } from '../platform/errors.ts'
import { NEED_LABELS } from './rules/needs.ts'
import { ncYearLabel } from './rules/nc-year.ts'
import type { ChildSearch, PeopleService } from './service.ts'

const CHILD_READERS = ['la_admin', 'send_manager', 'case_officer', 'school_user'] as const
const EVERYONE = ['la_admin', 'send_manager', 'case_officer', 'panel_member', 'finance_officer', 'school_user'] as const

const actorOf = (req: Request) => req.actor!

// Names and UPNs never travel in a URL: a search is POSTed, kept in the session, and the
// results page (GET /children) reads it from there, so paging and the back button still work.
export function peopleWeb(people: PeopleService, sessions: Sessions): WebModule {
  const router = Router()

  router.get('/', (req, res) => {
    res.render('people/views/home.njk', { pageTitle: 'Home' })
  })

  router.get('/children', async (req, res) => {
    const saved = (req.session?.data.childSearch ?? {}) as ChildSearch
    const results = await people.searchChildren(actorOf(req), { ...saved, page: req.query.page })
    const settings = await settingOptions(people, req)
    res.render('people/views/children.njk', {
      pageTitle: 'Find a child',
      search: saved,
      results,
      settings,
      needLabels: NEED_LABELS,
      ncYearLabel,
    })
  })

  router.post('/children/search', async (req, res) => {
    const body = req.body as Record<string, unknown>
    try {
      const search = people.checkChildSearch(actorOf(req), {
        q: body.q,
        settingId: body.settingId,
        senStatus: body.senStatus,
      })
      await sessions.save(req, { ...req.session!.data, childSearch: search })
      res.redirect(303, '/children')
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      res.status(400).render('people/views/children.njk', {
        pageTitle: 'Find a child',
        search: body,
        results: null,
        settings: await settingOptions(people, req),
        ...errorSummary(error.errors),
      })
    }
  })

  router.get('/children/:childId', async (req, res) => {
    const record = await people.getChild(actorOf(req), req.params.childId)
    res.render('people/views/child.njk', {
      pageTitle: `${record.child.first_name} ${record.child.last_name}`,
      ...record,
    })
  })

  router.get('/settings', async (req, res) => {
    const results = await people.listSettings(actorOf(req), req.query)
    res.render('people/views/settings.njk', { pageTitle: 'Schools and settings', filter: req.query, results })
  })

  router.get('/settings/:settingId', async (req, res) => {
    const record = await people.getSetting(actorOf(req), req.params.settingId, { page: req.query.page })
    res.render('people/views/setting.njk', {
      pageTitle: record.setting.name,
      ...record,
      ncYearLabel,
      needLabels: NEED_LABELS,
    })
  })

  router.get('/api/v1/children', async (req, res) => {
    res.json(
      await people.searchChildren(actorOf(req), {
        settingId: req.query.settingId,
        senStatus: req.query.senStatus,
        page: req.query.page,
      }),
    )
  })

  router.post('/api/v1/children/search', async (req, res) => {
    res.json(await people.searchChildren(actorOf(req), req.body))
  })

  router.get('/api/v1/children/:childId', async (req, res) => {
    res.json(await people.getChild(actorOf(req), req.params.childId))
  })

  router.get('/api/v1/settings', async (req, res) => {
    res.json(await people.listSettings(actorOf(req), req.query))
  })

  router.get('/api/v1/settings/:settingId', async (req, res) => {
    res.json(await people.getSetting(actorOf(req), req.params.settingId, { page: req.query.page }))
  })

  return {
    router,
    nav: [
      { text: 'Home', href: '/', roles: EVERYONE },
      { text: 'Children', href: '/children', roles: CHILD_READERS },
      { text: 'Schools and settings', href: '/settings', roles: EVERYONE },
    ],
  }
}

function settingOptions(people: PeopleService, req: Request) {
  return people.settingChoices(actorOf(req))
}

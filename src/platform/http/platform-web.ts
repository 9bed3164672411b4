import { Router } from 'express'
import type { Database } from '../db/index.ts'
import { migrationLevel } from '../db/migrate.ts'
import type { WebModule } from './app.ts'

export function platformWeb(database: Database): WebModule {
  const router = Router()

  router.get('/health', async (_req, res) => {
    try {
      res.json({ status: 'ok', database: database.kind, migrationLevel: await migrationLevel(database.db) })
    } catch {
      res.status(503).json({ status: 'unavailable', database: database.kind })
    }
  })

  router.get('/accessibility', (_req, res) => {
    res.render('platform/http/views/accessibility.njk', { pageTitle: 'Accessibility statement' })
  })

  return { router, publicPaths: ['/health', '/accessibility'] }
}

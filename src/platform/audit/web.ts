import { Router } from 'express'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../../schema.ts'
import type { Role } from '../actor.ts'
import { ForbiddenError } from '../errors.ts'
import type { WebModule } from '../http/app.ts'
import { parseOrThrow } from '../http/validation.ts'

const AUDITORS: readonly Role[] = ['la_admin']
const PAGE_SIZE = 50

const filterSchema = z.object({
  action: z.string().max(100).optional(),
  outcome: z.enum(['allowed', 'denied', 'failed', '']).optional(),
  recordId: z.string().max(100).optional(),
  from: z.iso.date('Enter a real date').or(z.literal('')).optional(),
  to: z.iso.date('Enter a real date').or(z.literal('')).optional(),
  page: z.coerce.number().int().min(1).catch(1).optional(),
})

export function auditWeb(db: Kysely<DB>, laCode: string): WebModule {
  const router = Router()

  const find = async (input: unknown) => {
    const filter = parseOrThrow(filterSchema, input)
    let query = db.selectFrom('audit_event').where('la_code', '=', laCode)
    if (filter.action) query = query.where('action', '=', filter.action)
    if (filter.outcome) query = query.where('outcome', '=', filter.outcome)
    if (filter.recordId) query = query.where('record_id', '=', filter.recordId)
    if (filter.from) query = query.where('at', '>=', new Date(`${filter.from}T00:00:00Z`))
    if (filter.to) query = query.where('at', '<', new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000))
    const page = filter.page ?? 1
    const [rows, count, actions] = await Promise.all([
      query
        .selectAll()
        .orderBy('id', 'desc')
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .execute(),
      query.select(eb => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
      db
        .selectFrom('audit_event')
        .select('action')
        .distinct()
        .where('la_code', '=', laCode)
        .orderBy('action')
        .execute(),
    ])
    return { filter, rows, total: Number(count.total), page, pageSize: PAGE_SIZE, actions: actions.map(a => a.action) }
  }

  router.get('/admin/audit', async (req, res) => {
    if (!AUDITORS.includes(req.actor!.role)) throw new ForbiddenError()
    res.render('platform/audit/views/audit.njk', { pageTitle: 'Audit log', ...(await find(req.query)) })
  })

  router.get('/api/v1/audit', async (req, res) => {
    if (!AUDITORS.includes(req.actor!.role)) throw new ForbiddenError()
    res.json(await find(req.query))
  })

  return { router, nav: [{ text: 'Audit log', href: '/admin/audit', roles: AUDITORS }] }
}

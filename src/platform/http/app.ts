import { randomBytes } from 'node:crypto'
import path from 'node:path'
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import helmet from 'helmet'
import type { Config } from '../../config.ts'
import type { Actor } from '../actor.ts'
import type { Database } from '../db/index.ts'
import { withScope } from '../db/scope.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts'
import { log } from '../log.ts'
import { CsrfError, csrfProtection } from './csrf.ts'
import type { Sessions } from './session.ts'
import { navigationFor, type NavItem } from './navigation.ts'
import { errorSummary } from './validation.ts'
import { configureViews, projectRoot } from './views.ts'

export type WebModule = {
  router: Router
  nav?: NavItem[]
  /** Exact paths anyone may reach without signing in. Everything else needs a session. */
  publicPaths?: string[]
  /** Exact paths that take multipart uploads and check the CSRF token themselves after parsing. */
  uploadPaths?: string[]
}

export type AppDeps = {
  config: Config
  database: Database
  sessions: Sessions
  loadActor(userId: string, ip: string | null): Promise<Actor | null>
  modules: WebModule[]
}

export function createApp(deps: AppDeps): express.Express {
  const { config, sessions } = deps
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', config.trustProxy ?? false)
  app.set('query parser', 'simple')
  const views = configureViews(app)
  views.addGlobal('laName', config.laName)
  views.addGlobal('mediationAdviser', config.mediationAdviser)
  views.addGlobal('demo', config.demo)

  // Every query a web request makes runs as the application role (migration 0014), LA-wide until a
  // school user is known (below).
  app.use((_req, _res, next) => withScope({ kind: 'la' }, next))
  app.use((req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64')
    next()
  })
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: config.secureCookies && config.env === 'production' ? [] : null,
        },
      },
      strictTransportSecurity: config.env === 'production',
    }),
  )
  app.use(
    '/assets',
    express.static(path.join(projectRoot, 'public'), { maxAge: config.env === 'production' ? '1d' : 0, index: false }),
  )

  app.use(requestLog())
  app.use(express.urlencoded({ extended: false, limit: '200kb' }))
  app.use(express.json({ limit: '1mb' }))
  app.use(sessions.middleware())
  const navItems = deps.modules.flatMap(m => m.nav ?? [])
  app.use(async (req, res, next) => {
    req.actor = req.session?.userId ? await deps.loadActor(req.session.userId, req.ip ?? null) : null
    res.locals.actor = req.actor
    res.locals.csrfToken = req.session?.csrfToken
    res.locals.currentPath = req.path
    const { header, section } = navigationFor(navItems, req.actor?.role ?? null, req.path)
    res.locals.nav = header
    res.locals.sectionNav = section
    // Nothing a signed-in person sees may be kept by a browser or proxy cache.
    res.set('Cache-Control', 'no-store')
    // The rest of a school user's request reaches, in the database too, only their own setting's rows
    // (a school user without a setting reaches none).
    if (req.actor?.role === 'school_user') {
      return withScope({ kind: 'school', settingId: req.actor.settingId ?? '' }, next)
    }
    next()
  })

  const publicPaths = new Set(deps.modules.flatMap(m => m.publicPaths ?? []))
  app.use((req, res, next) => {
    if (req.actor || publicPaths.has(req.path)) return next()
    if (isApi(req)) return problem(res, 401, 'Sign in required')
    res.redirect(303, '/sign-in')
  })
  app.use(csrfProtection(new Set(deps.modules.flatMap(m => m.uploadPaths ?? []))))

  for (const module of deps.modules) app.use(module.router)

  app.use((req, res) => {
    if (isApi(req)) return problem(res, 404, 'Not found')
    res.status(404).render('platform/http/views/not-found.njk')
  })
  app.use(errorHandler())
  return app
}

export function isApi(req: Request): boolean {
  return req.path.startsWith('/api/')
}

/** RFC 9457 problem details: the one error shape of the JSON API. */
export function problem(res: Response, status: number, title: string, extra: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', status, title, ...extra })
}

function errorHandler() {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error)
    const api = isApi(req)
    if (error instanceof NotFoundError) {
      return api ? problem(res, 404, 'Not found') : res.status(404).render('platform/http/views/not-found.njk')
    }
    if (error instanceof ForbiddenError) {
      return api
        ? problem(res, 403, error.message)
        : res.status(403).render('platform/http/views/forbidden.njk', { message: error.message })
    }
    if (error instanceof CsrfError) {
      return api
        ? problem(res, 403, 'Missing or invalid CSRF token')
        : res.status(403).render('platform/http/views/csrf.njk')
    }
    if (error instanceof ValidationError) {
      if (api) return problem(res, 400, 'Invalid request', { errors: error.errors })
      return res.status(400).render('platform/http/views/invalid.njk', errorSummary(error.errors))
    }
    if (error instanceof ConflictError) {
      return api
        ? problem(res, 409, error.message)
        : res.status(409).render('platform/http/views/conflict.njk', { message: error.message })
    }
    const status = httpStatusOf(error)
    if (status && status >= 400 && status < 500) {
      // Malformed JSON, a body over its limit, an upload over its size…: the client's mistake, said plainly.
      const title = status === 413 ? 'Request too large' : 'Bad request'
      return api
        ? problem(res, status, title)
        : res.status(status).render('platform/http/views/bad-request.njk', { title })
    }
    log.error('Unhandled error', {
      method: req.method,
      route: req.route?.path,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    })
    return api ? problem(res, 500, 'Something went wrong') : res.status(500).render('platform/http/views/error.njk')
  }
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { status?: unknown; statusCode?: unknown; code?: unknown }
  if (typeof e.status === 'number') return e.status
  if (typeof e.statusCode === 'number') return e.statusCode
  if (typeof e.code === 'string' && e.code.startsWith('LIMIT_')) return e.code === 'LIMIT_FILE_SIZE' ? 413 : 400
  return undefined
}

// The route pattern is logged, not the URL, so query strings and ids stay out of the logs.
function requestLog() {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      if (req.path.startsWith('/assets/')) return
      log.info('request', {
        method: req.method,
        route: req.route?.path ?? null,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      })
    })
    next()
  }
}

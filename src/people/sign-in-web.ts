import { Router } from 'express'
import { rateLimit } from 'express-rate-limit'
import { z } from 'zod'
import type { Config } from '../config.ts'
import { ROLE_LABELS } from '../platform/actor.ts'
import type { WebModule } from '../platform/http/app.ts'
import type { OidcClient } from '../platform/http/oidc.ts'
import type { Sessions } from '../platform/http/session.ts'
import { errorSummary, toFieldErrors } from '../platform/http/validation.ts'
import type { AccountService } from './accounts.ts'

const signInSchema = z.object({
  username: z.string().trim().min(1, 'Enter your username').max(200, 'Enter your username'),
  password: z.string().min(1, 'Enter your password').max(500, 'Enter your password'),
})

export function signInWeb(
  config: Config,
  accounts: AccountService,
  sessions: Sessions,
  oidc: OidcClient | null,
): WebModule {
  const router = Router()

  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: config.signInRateLimit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).render('people/views/sign-in.njk', {
        pageTitle: 'Sign in',
        errorList: [{ text: 'Too many sign-in attempts. Wait 15 minutes and try again.', href: '#username' }],
      })
    },
  })

  const render = async (res: import('express').Response, status: number, extra: Record<string, unknown> = {}) => {
    const demoUsers = config.demo
      ? (await accounts.demoUsers()).map(u => ({ ...u, roleLabel: ROLE_LABELS[u.role] }))
      : []
    res
      .status(status)
      .render('people/views/sign-in.njk', { pageTitle: 'Sign in', demoUsers, oidc: Boolean(oidc), ...extra })
  }

  router.get('/sign-in', async (req, res) => {
    if (req.actor) return res.redirect(303, '/')
    const session = await sessions.ensure(req, res)
    res.locals.csrfToken = session.csrfToken
    await render(res, 200)
  })

  router.post('/sign-in', limiter, async (req, res) => {
    const parsed = signInSchema.safeParse(req.body)
    if (!parsed.success) {
      return render(res, 400, {
        username: (req.body as { username?: string }).username,
        ...errorSummary(toFieldErrors(parsed.error)),
      })
    }
    const actor = await accounts.signIn(parsed.data.username, parsed.data.password, req.ip ?? null)
    if (!actor) {
      return render(res, 401, {
        username: parsed.data.username,
        errorList: [{ text: 'Enter a correct username and password', href: '#username' }],
      })
    }
    await sessions.regenerate(req, res, actor.userId)
    res.redirect(303, '/')
  })

  router.post('/sign-out', async (req, res) => {
    if (req.actor) await accounts.signOut(req.actor)
    await sessions.destroy(req, res)
    res.redirect(303, '/sign-in')
  })

  if (oidc) {
    router.get('/sign-in/oidc', async (req, res) => {
      const session = await sessions.ensure(req, res)
      const { url, state } = await oidc.start()
      await sessions.save(req, { ...session.data, oidc: state })
      res.redirect(303, url)
    })

    router.get('/sign-in/oidc/callback', async (req, res) => {
      const state = req.session?.data.oidc
      const currentUrl = new URL(req.originalUrl, config.oidc!.redirectUrl)
      const email = state ? await oidc.finish(currentUrl, state).catch(() => null) : null
      const actor = email ? await accounts.signInWithIdentity(email, req.ip ?? null) : null
      if (!actor) {
        const session = await sessions.ensure(req, res)
        res.locals.csrfToken = session.csrfToken
        return render(res, 401, {
          errorList: [
            { text: 'Your account could not be signed in. Ask your LA admin to check your access.', href: '#username' },
          ],
        })
      }
      await sessions.regenerate(req, res, actor.userId)
      res.redirect(303, '/')
    })
  }

  return { router, publicPaths: ['/sign-in', '/sign-in/oidc', '/sign-in/oidc/callback', '/sign-out'] }
}

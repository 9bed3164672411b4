import { timingSafeEqual } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

function matches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Every state-changing request carries the session's token, in the form field `_csrf` or the
 * `x-csrf-token` header. Multipart bodies are not parsed yet at this point, so the declared upload
 * paths call `requireCsrf` themselves after parsing; multipart anywhere else is refused outright.
 */
export function csrfProtection(uploadPaths: ReadonlySet<string>) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next()
    if (req.is('multipart/form-data')) return uploadPaths.has(req.path) ? next() : next(new CsrfError())
    return requireCsrf(req, res, next)
  }
}

export function requireCsrf(req: Request, _res: Response, next: NextFunction) {
  const token = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token')
  if (req.session && matches(req.session.csrfToken, token)) return next()
  next(new CsrfError())
}

export class CsrfError extends Error {
  constructor() {
    super('Missing or invalid CSRF token')
    this.name = 'CsrfError'
  }
}

import { createHash, randomBytes } from 'node:crypto'
import * as cookie from 'cookie'
import type { NextFunction, Request, Response } from 'express'
import type { Kysely } from 'kysely'
import type { DB } from '../../schema.ts'
import type { Clock } from '../time/clock.ts'

// Server-side sessions in the database. Written here rather than with express-session because
// express-session will not set a Secure (__Host-) cookie over plain http://localhost, and the
// same cookie rules must hold in development, tests and production. See docs/decisions.

export type SessionData = Record<string, unknown>

export type Session = {
  userId: string | null
  csrfToken: string
  data: SessionData
}

export type SessionOptions = {
  secureCookies: boolean
  idleMinutes: number
}

const TOUCH_EVERY_MS = 60_000

const hash = (id: string) => createHash('sha256').update(id).digest('hex')
const newId = () => randomBytes(32).toString('base64url')

export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-opensend' : 'opensend'
}

export class Sessions {
  readonly cookieName: string

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly options: SessionOptions,
  ) {
    this.cookieName = sessionCookieName(options.secureCookies)
  }

  /** Loads the session named by the request's cookie onto req.session, if it is live. */
  middleware() {
    return async (req: Request, res: Response, next: NextFunction) => {
      const id = cookie.parse(req.headers.cookie ?? '')[this.cookieName]
      req.session = null
      req.sessionId = null
      if (id) {
        const row = await this.db
          .selectFrom('user_session')
          .selectAll()
          .where('id_hash', '=', hash(id))
          .executeTakeFirst()
        const now = this.clock.now().getTime()
        if (row && now - row.last_seen_at.getTime() <= this.options.idleMinutes * 60_000) {
          req.session = { userId: row.user_id, csrfToken: row.csrf_token, data: row.data }
          req.sessionId = id
          if (now - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
            await this.db
              .updateTable('user_session')
              .set({ last_seen_at: this.clock.now() })
              .where('id_hash', '=', hash(id))
              .execute()
          }
        } else if (row) {
          await this.db.deleteFrom('user_session').where('id_hash', '=', hash(id)).execute()
        }
      }
      next()
    }
  }

  /** The request's session, creating an anonymous one (for the sign-in form's CSRF token) if needed. */
  async ensure(req: Request, res: Response): Promise<Session> {
    if (req.session) return req.session
    return this.start(req, res, null, {})
  }

  /** A fresh session id at sign-in, so a session id planted before sign-in is worthless after it. */
  async regenerate(req: Request, res: Response, userId: string, data: SessionData = {}): Promise<Session> {
    await this.destroy(req, res)
    return this.start(req, res, userId, data)
  }

  async save(req: Request, data: SessionData): Promise<void> {
    if (!req.session || !req.sessionId) throw new Error('No session to save')
    req.session.data = data
    await this.db
      .updateTable('user_session')
      .set({ data: JSON.stringify(data) })
      .where('id_hash', '=', hash(req.sessionId))
      .execute()
  }

  async destroy(req: Request, res: Response): Promise<void> {
    if (req.sessionId) {
      await this.db.deleteFrom('user_session').where('id_hash', '=', hash(req.sessionId)).execute()
    }
    req.session = null
    req.sessionId = null
    res.clearCookie(this.cookieName, this.cookieOptions())
  }

  /** Removes sessions idle past the timeout; run from time to time. */
  async sweep(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.options.idleMinutes * 60_000)
    const result = await this.db.deleteFrom('user_session').where('last_seen_at', '<', cutoff).executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  private async start(req: Request, res: Response, userId: string | null, data: SessionData): Promise<Session> {
    const id = newId()
    const session: Session = { userId, csrfToken: randomBytes(32).toString('base64url'), data }
    const now = this.clock.now()
    await this.db
      .insertInto('user_session')
      .values({
        id_hash: hash(id),
        user_id: userId,
        csrf_token: session.csrfToken,
        data: JSON.stringify(data),
        created_at: now,
        last_seen_at: now,
      })
      .execute()
    req.session = session
    req.sessionId = id
    res.cookie(this.cookieName, id, this.cookieOptions())
    return session
  }

  private cookieOptions() {
    return {
      httpOnly: true,
      secure: this.options.secureCookies,
      sameSite: 'lax' as const,
      path: '/',
    }
  }
}

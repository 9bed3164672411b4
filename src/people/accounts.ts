import type { Kysely } from 'kysely'
import type { Actor } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import { z } from 'zod'
import { ROLES } from '../platform/actor.ts'
import { hashPassword, verifyPassword } from '../platform/http/passwords.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { DB } from '../schema.ts'
import { UserStore } from './store.ts'

export const SYSTEM_USERNAME = 'system:cli'

type UserRow = NonNullable<Awaited<ReturnType<UserStore['findActive']>>>

// A real hash of nothing useful: an unknown username costs as much time as a wrong password.
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$7Jm8v0VnH7m6lC2y0rL0bq6lq0mX1U2yYw8QwJb7Z3c='

export const newUserSchema = z
  .object({
    username: z
      .string()
      .trim()
      .min(1, 'Give a username')
      .max(200)
      .refine(u => !u.startsWith('system:'), 'Usernames starting system: are reserved'),
    displayName: z.string().trim().min(1, 'Give the person’s name').max(200),
    email: z.email('Give a real email address').optional(),
    role: z.enum(ROLES, `The role is one of ${ROLES.join(', ')}`),
    settingUrn: z
      .string()
      .regex(/^[0-9]{6,7}$/, 'A URN is 6 or 7 digits')
      .optional(),
    password: z.string().min(12, 'A password has at least 12 characters').max(500).optional(),
  })
  .refine(u => (u.role === 'school_user') === Boolean(u.settingUrn), {
    message: 'A school user needs the URN of their school (and only a school user has one)',
    path: ['settingUrn'],
  })
  .refine(u => u.email || u.password, { message: 'Give an email (for OIDC sign-in) or a password', path: ['email'] })

export class AccountService {
  private readonly users: UserStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {
    this.users = new UserStore(db)
  }

  async signIn(username: string, password: string, ip: string | null): Promise<Actor | null> {
    const user = await this.users.findByUsername(username.trim())
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH)
    if (!user || !user.active || !user.password_hash || !ok) {
      await audit(
        this.db,
        this.laCode,
        user ? { userId: user.id, username: user.username, role: user.role, ip } : null,
        {
          action: 'user.sign_in',
          outcome: 'failed',
          details: { method: 'password', reason: user ? 'wrong password or inactive' : 'unknown username' },
        },
      )
      return null
    }
    const actor = toActor(user, ip)
    await audit(this.db, this.laCode, actor, { action: 'user.sign_in', details: { method: 'password' } })
    return actor
  }

  /** OIDC sign-in: the identity provider vouches for the email; the role comes from our own user list. */
  async signInWithIdentity(email: string, ip: string | null): Promise<Actor | null> {
    const user = await this.users.findByEmail(email)
    if (!user || !user.active) {
      await audit(this.db, this.laCode, null, {
        action: 'user.sign_in',
        outcome: 'failed',
        details: { method: 'oidc', reason: 'no active user with that email' },
      })
      return null
    }
    const actor = toActor(user, ip)
    await audit(this.db, this.laCode, actor, { action: 'user.sign_in', details: { method: 'oidc' } })
    return actor
  }

  async signOut(actor: Actor): Promise<void> {
    await audit(this.db, this.laCode, actor, { action: 'user.sign_out' })
  }

  async loadActor(userId: string, ip: string | null): Promise<Actor | null> {
    const user = await this.users.findActive(userId)
    return user ? toActor(user, ip) : null
  }

  /**
   * The actor for work run from the command line (`opensend import`): an LA admin backed by a
   * reserved user row, so audit rows carry a real user id and the Actor type needs no exception.
   */
  async systemActor(): Promise<Actor> {
    return toActor(await this.users.ensureSystemUser(SYSTEM_USERNAME, 'Command line (system)'), null)
  }

  /** Adds a person's account; run by an LA admin (today from the command line). */
  async createUser(actor: Actor, input: unknown): Promise<string> {
    if (actor.role !== 'la_admin') throw new ForbiddenError()
    const user = parseOrThrow(newUserSchema, input)
    const passwordHash = user.password ? await hashPassword(user.password) : null
    return this.db.transaction().execute(async trx => {
      const users = new UserStore(trx)
      let settingId: string | null = null
      if (user.settingUrn) {
        settingId = await users.settingIdByUrn(this.laCode, user.settingUrn)
        if (!settingId)
          throw new ValidationError([{ field: 'settingUrn', message: `No setting has URN ${user.settingUrn}` }])
      }
      if ((await users.findByUsername(user.username)) || (user.email && (await users.findByEmail(user.email)))) {
        throw new ValidationError([{ field: 'username', message: 'A user with that username or email already exists' }])
      }
      const id = await users.insert({
        username: user.username,
        display_name: user.displayName,
        email: user.email ?? null,
        role: user.role,
        setting_id: settingId,
        password_hash: passwordHash,
      })
      await audit(trx, this.laCode, actor, {
        action: 'user.create',
        recordType: 'user',
        recordId: id,
        details: { role: user.role },
      })
      return id
    })
  }

  demoUsers() {
    return this.users.demoUsers()
  }
}

function toActor(user: UserRow, ip: string | null): Actor {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    settingId: user.setting_id,
    ip,
  }
}

import type { Kysely } from 'kysely'
import type { Actor } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { verifyPassword } from '../platform/http/passwords.ts'
import type { DB } from '../schema.ts'
import { UserStore } from './store.ts'

export const SYSTEM_USERNAME = 'system:cli'

type UserRow = NonNullable<Awaited<ReturnType<UserStore['findActive']>>>

// A real hash of nothing useful: an unknown username costs as much time as a wrong password.
const DUMMY_HASH =
  'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$7Jm8v0VnH7m6lC2y0rL0bq6lq0mX1U2yYw8QwJb7Z3c='

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
      await audit(this.db, this.laCode, user ? { userId: user.id, username: user.username, role: user.role, ip } : null, {
        action: 'user.sign_in',
        outcome: 'failed',
        details: { method: 'password', reason: user ? 'wrong password or inactive' : 'unknown username' },
      })
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

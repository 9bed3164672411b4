import { AsyncLocalStorage } from 'node:async_hooks'
import {
  CompiledQuery,
  PostgresDialect,
  PostgresDriver,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
} from 'kysely'

// Whose request a query serves, told to PostgreSQL so that row-level security (migration 0014) can
// hold even where a service forgets a filter. See docs/decisions/0014-row-level-security.md.
//   la     — a web request by LA staff (or by no one yet: sign-in): every row, as the staff role
//            (BYPASSRLS, migration 0021) where the server has it, else as the application role
//   school — a web request by a school user: only their setting's rows and the records of children
//            placed there, as the application role
//   owner  — everything outside a web request (migrations, CLI commands, imports and generators run
//            from the command line, the demo loader, background jobs): every row, as the login role
//            that owns the tables
export type DbScope = { kind: 'la' } | { kind: 'school'; settingId: string } | { kind: 'owner' }

/** The role web requests' queries run as: it owns nothing and is not a superuser. */
export const APP_ROLE = 'opensend_app'
/** LA staff's requests run as this one when it exists: as APP_ROLE, but it passes the policies by (0021). */
export const STAFF_ROLE = 'opensend_staff'

const OWNER: DbScope = { kind: 'owner' }
const storage = new AsyncLocalStorage<DbScope>()

/** Runs `fn` (and everything it starts) with the given reach; outside any scope a query runs as the owner. */
export function withScope<T>(scope: DbScope, fn: () => T): T {
  return storage.run(scope, fn)
}

/** For what only the owner may do (migrations, ANALYZE), even from inside a web request. */
export function asOwner<T>(fn: () => T): T {
  return withScope(OWNER, fn)
}

export function currentScope(): DbScope {
  return storage.getStore() ?? OWNER
}

function settingsFor(scope: DbScope): [role: string, scope: string, settingId: string] {
  if (scope.kind === 'owner') return ['none', 'la', '']
  if (scope.kind === 'school') return [APP_ROLE, 'school', scope.settingId]
  return [STAFF_ROLE, 'la', '']
}

// The staff role is taken only where migration 0021 could make it (and the login may SET ROLE to it);
// otherwise LA requests run as the application role, under policies that let them see every row.
const SET_SCOPE = `select set_config('role', case when $1 = '${STAFF_ROLE}' then coalesce(
    (select rolname from pg_roles where rolname = '${STAFF_ROLE}' and pg_has_role(session_user, oid, 'member')),
    '${APP_ROLE}') else $1 end, false),
  set_config('opensend.scope', $2, false), set_config('opensend.setting_id', $3, false)`

/**
 * Sets the role and the reach on each connection as it is taken from the pool, before the query or
 * the transaction's BEGIN: so a plain read and a whole transaction are covered alike, and a pooled
 * connection never carries one request's reach into another's. The settings are session-level and
 * are re-sent only when they differ from what that connection last had.
 */
class ScopedPostgresDriver extends PostgresDriver {
  private readonly applied = new WeakMap<DatabaseConnection, string>()

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection()
    const values = settingsFor(currentScope())
    const key = values.join(' ')
    if (this.applied.get(connection) === key) return connection
    try {
      this.applied.delete(connection)
      await connection.executeQuery(CompiledQuery.raw(SET_SCOPE, values))
    } catch (error) {
      await this.releaseConnection(connection as Parameters<PostgresDriver['releaseConnection']>[0])
      throw error
    }
    this.applied.set(connection, key)
    return connection
  }
}

export class ScopedPostgresDialect extends PostgresDialect {
  constructor(private readonly config: PostgresDialectConfig) {
    super(config)
  }

  override createDriver(): Driver {
    return new ScopedPostgresDriver(this.config)
  }
}

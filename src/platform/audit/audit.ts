import type { Kysely } from 'kysely'
import type { DB } from '../../schema.ts'
import type { Actor } from '../actor.ts'

export type AuditEntry = {
  action: string
  recordType?: string
  recordId?: string
  outcome?: 'allowed' | 'denied' | 'failed'
  /** What happened, never the sensitive values themselves (field names, counts, ids). */
  details?: Record<string, unknown>
}

// PostgreSQL's jsonb holds no NUL character (\u0000), in a value or a key: one that reached the details
// (a field name from a request, say) would make the insert, and so the whole use case, fail.
const withoutNul = (text: string) => text.replaceAll('\0', '\uFFFD')

function auditDetails(details: Record<string, unknown>): string {
  return JSON.stringify(details, (_key, value: unknown) => {
    if (typeof value === 'string') return withoutNul(value)
    if (value && typeof value === 'object' && !Array.isArray(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), v]))
    return value
  })
}

// Call with the use case's transaction so the audit row commits or rolls back with the change.
export async function audit(
  db: Kysely<DB>,
  laCode: string,
  actor: Pick<Actor, 'userId' | 'username' | 'role' | 'ip'> | null,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      la_code: laCode,
      user_id: actor?.userId ?? null,
      username: actor?.username ?? null,
      role: actor?.role ?? null,
      ip: actor?.ip ?? null,
      action: entry.action,
      record_type: entry.recordType ?? null,
      record_id: entry.recordId ?? null,
      outcome: entry.outcome ?? 'allowed',
      details: auditDetails(entry.details ?? {}),
    })
    .execute()
}

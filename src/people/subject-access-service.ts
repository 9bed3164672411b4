import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { readCatalog, RetentionStore } from './retention-store.ts'

// A subject-access export: everything held about one child, every table the catalog says holds child
// data (docs/decisions/0015-retention-and-disposal.md) and the audit rows about the child's records,
// as one JSON document. The SEND manager may produce one as well as the LA admin: both answer requests.

export const SUBJECT_ACCESS_ROLES: readonly Role[] = ['la_admin', 'send_manager']

export type SubjectAccessExport = {
  format: 'opensend-subject-access'
  generatedAt: string
  generatedBy: string
  laCode: string
  childId: string
  /** Every table holding child data, each with the child's rows (an empty list when none). */
  tables: Record<string, Record<string, unknown>[]>
  audit: Record<string, unknown>[]
}

const requestSchema = z.object({
  child: z
    .string()
    .trim()
    .min(1, "Enter the child's LA reference or UPN")
    .max(20, "Enter the child's LA reference or UPN"),
})

export class SubjectAccessService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {}

  mayExport(actor: Actor): boolean {
    return SUBJECT_ACCESS_ROLES.includes(actor.role)
  }

  async export(actor: Actor, input: unknown): Promise<SubjectAccessExport> {
    if (!this.mayExport(actor)) throw new ForbiddenError()
    const { child } = parseOrThrow(requestSchema, input)
    // Repeatable read: every table is read from the same moment.
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async trx => {
        const store = new RetentionStore(trx, this.laCode)
        const found = await store.findChild(child)
        if (!found) throw new ValidationError([{ field: 'child', message: 'No child has that LA reference or UPN' }])
        const tables = await store.childData(await readCatalog(trx), found.id)
        const auditRows = await store.auditAbout(tables)
        await audit(trx, this.laCode, actor, {
          action: 'subject_access.export',
          recordType: 'child',
          recordId: found.id,
          details: {
            tables: Object.keys(tables).length,
            rows: Object.values(tables).reduce((n, r) => n + r.length, 0),
          },
        })
        return {
          format: 'opensend-subject-access',
          generatedAt: this.clock.now().toISOString(),
          generatedBy: actor.username,
          laCode: this.laCode,
          childId: found.id,
          tables,
          audit: auditRows,
        }
      })
  }
}

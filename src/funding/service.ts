import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { NEXT_STATUS, VERSION_STATUSES, type MatrixVersionSpec, type VersionStatus } from './rules/matrix-version.ts'
import { parseMatrixVersion } from './rules/consistency.ts'
import { FundingStore, type MatrixVersionRow } from './store.ts'

// Deny by default: a role not listed may not do the thing.
const ALLOWED = {
  'matrix_version.read': ['la_admin', 'finance_officer', 'send_manager', 'case_officer'],
  'matrix_version.manage': ['la_admin', 'finance_officer'],
} as const satisfies Record<string, readonly Role[]>
export type FundingPermission = keyof typeof ALLOWED

export function may(actor: Actor, permission: FundingPermission): boolean {
  return (ALLOWED[permission] as readonly Role[]).includes(actor.role)
}

function authorise(actor: Actor, permission: FundingPermission): void {
  if (!may(actor, permission)) throw new ForbiddenError()
}

export const EDITABLE_STATUSES: readonly VersionStatus[] = ['draft', 'consultation']

/** An edit refused because the version is approved or retired: nothing anyone can merge, unlike a stale read. */
export class ReadOnlyVersionError extends ConflictError {
  constructor(status: VersionStatus) {
    super(
      `This version is ${status}, and ${status} versions cannot be changed: every award made under it must keep meaning what it meant. Copy it to a new draft to make changes`,
    )
    this.name = 'ReadOnlyVersionError'
  }
}

const STALE = 'This version was changed by someone else after you opened it'

const idSchema = z.uuid()
const nameSchema = z
  .string()
  .trim()
  .max(200, 'Enter a name of at most 200 characters')
  .optional()
  .transform(name => name || undefined)
/** The version number the editor read: an edit against any other is refused, never merged. */
const readVersionSchema = z.coerce
  .number({ error: 'The version number you read is missing: reload the page' })
  .int()
  .min(1, 'The version number you read is missing: reload the page')

export const createVersionSchema = z.object({ name: nameSchema, spec: z.unknown() })
export const updateVersionSchema = z.object({ name: nameSchema, spec: z.unknown(), version: readVersionSchema })
export const changeStatusSchema = z.object({
  to: z.enum(VERSION_STATUSES, { error: 'Choose the status to move the version to' }),
  version: readVersionSchema,
})

/**
 * A matrix version document from JSON text (a form) or an already-parsed value (the API), checked
 * against its shape. Every problem is a field error named by its path inside the document, so an
 * author can find each one.
 */
export function parseSpec(input: unknown): MatrixVersionSpec {
  let json = input
  if (typeof input === 'string') {
    if (!input.trim()) throw new ValidationError([{ field: 'spec', message: 'Enter the matrix version as JSON' }])
    try {
      json = JSON.parse(input)
    } catch (error) {
      throw new ValidationError([{ field: 'spec', message: jsonSyntaxMessage(input, error as Error) }])
    }
  }
  if (json === undefined || json === null) {
    throw new ValidationError([{ field: 'spec', message: 'Enter the matrix version as JSON' }])
  }
  const result = parseMatrixVersion(json)
  if (result.ok) return result.spec
  throw new ValidationError(
    result.problems.map(problem => ({ field: `spec.${problem.path}`, message: problem.message })),
  )
}

/** JSON.parse's own message, with the position turned into a line and column a person can find. */
function jsonSyntaxMessage(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message)
  if (!position) return `The JSON cannot be read: ${error.message}`
  const before = text.slice(0, Number(position[1]))
  const line = before.split('\n').length
  const column = before.length - before.lastIndexOf('\n')
  return `The JSON cannot be read at line ${line}, column ${column}: ${error.message.replace(/ in JSON at position \d+.*$/, '')}`
}

export type VersionView = MatrixVersionRow & {
  editable: boolean
  nextStatuses: readonly VersionStatus[]
  mayManage: boolean
}

export class FundingService {
  private readonly store: FundingStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new FundingStore(db, laCode)
  }

  mayManage(actor: Actor): boolean {
    return may(actor, 'matrix_version.manage')
  }

  async listVersions(actor: Actor) {
    authorise(actor, 'matrix_version.read')
    return { versions: await this.store.listVersions(), mayManage: this.mayManage(actor) }
  }

  async getVersion(actor: Actor, versionId: string): Promise<VersionView> {
    authorise(actor, 'matrix_version.read')
    const row = idSchema.safeParse(versionId).success ? await this.store.findVersion(versionId) : undefined
    if (!row) throw new NotFoundError()
    const mayManage = this.mayManage(actor)
    return {
      ...row,
      editable: EDITABLE_STATUSES.includes(row.status),
      nextStatuses: mayManage ? NEXT_STATUS[row.status] : [],
      mayManage,
    }
  }

  /** A new draft from a JSON document; its name defaults to the document's own. */
  async createVersion(actor: Actor, input: unknown): Promise<{ id: string; version: number }> {
    authorise(actor, 'matrix_version.manage')
    const { name, spec: json } = parseOrThrow(createVersionSchema, input)
    const spec = parseSpec(json)
    return this.db.transaction().execute(async trx => {
      const created = await this.store
        .withDb(trx)
        .insertVersion({ name: name ?? spec.name, spec, createdBy: actor.userId, now: this.clock.now() })
      await audit(trx, this.laCode, actor, {
        action: 'matrix_version.create',
        recordType: 'matrix_version',
        recordId: created.id,
      })
      return created
    })
  }

  /** Replaces a draft or consultation version's document, if nobody has changed it since `version` was read. */
  async updateVersion(actor: Actor, versionId: string, input: unknown): Promise<{ version: number }> {
    authorise(actor, 'matrix_version.manage')
    const { name, spec: json, version } = parseOrThrow(updateVersionSchema, input)
    const current = await this.getVersion(actor, versionId)
    // Refusals that reloading cannot fix come first; then staleness; then the document's own problems.
    if (!current.editable) throw new ReadOnlyVersionError(current.status)
    if (current.version !== version) throw new ConflictError(STALE, { version: current.version })
    const spec = parseSpec(json)
    return this.db.transaction().execute(async trx => {
      const next = await this.store
        .withDb(trx)
        .updateVersionSpec(versionId, version, { name: name ?? spec.name, spec, now: this.clock.now() })
      // Changed between the read above and this write: the guarded update touched nothing.
      if (next === null) throw await this.refusalFor(trx, versionId)
      await audit(trx, this.laCode, actor, {
        action: 'matrix_version.update',
        recordType: 'matrix_version',
        recordId: versionId,
        details: { version: next },
      })
      return { version: next }
    })
  }

  /** Moves a version along NEXT_STATUS. Approving checks the whole document and names every problem. */
  async changeStatus(
    actor: Actor,
    versionId: string,
    input: unknown,
  ): Promise<{ status: VersionStatus; version: number }> {
    authorise(actor, 'matrix_version.manage')
    const { to, version } = parseOrThrow(changeStatusSchema, input)
    const current = await this.getVersion(actor, versionId)
    if (current.version !== version) throw new ConflictError(STALE, { version: current.version })
    if (!NEXT_STATUS[current.status].includes(to)) {
      const allowed = NEXT_STATUS[current.status]
      throw new ValidationError([
        {
          field: 'to',
          message: allowed.length
            ? `A ${current.status} version can move only to ${allowed.join(' or ')}, not ${to}`
            : `A ${current.status} version cannot change status`,
        },
      ])
    }
    if (to === 'approved') {
      // Checked again, not trusted from saving: the rules may have tightened since the draft was saved.
      parseSpec(current.spec)
    }
    return this.db.transaction().execute(async trx => {
      const next = await this.store
        .withDb(trx)
        .updateVersionStatus(versionId, { version, status: current.status }, to, this.clock.now())
      if (next === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'matrix_version.status',
        recordType: 'matrix_version',
        recordId: versionId,
        details: { from: current.status, to, version: next },
      })
      return { status: to, version: next }
    })
  }

  /** A new draft with the same document: how an approved version is revised. */
  async copyVersion(actor: Actor, versionId: string): Promise<{ id: string; version: number }> {
    authorise(actor, 'matrix_version.manage')
    const source = await this.getVersion(actor, versionId)
    return this.db.transaction().execute(async trx => {
      const name = `Copy of ${source.name}`.slice(0, 200)
      const created = await this.store
        .withDb(trx)
        .insertVersion({ name, spec: source.spec, createdBy: actor.userId, now: this.clock.now() })
      await audit(trx, this.laCode, actor, {
        action: 'matrix_version.copy',
        recordType: 'matrix_version',
        recordId: created.id,
        details: { from: versionId },
      })
      return created
    })
  }

  private async refusalFor(trx: Kysely<DB>, versionId: string): Promise<Error> {
    const latest = await this.store.withDb(trx).findVersion(versionId)
    if (!latest) return new NotFoundError()
    if (!EDITABLE_STATUSES.includes(latest.status)) return new ReadOnlyVersionError(latest.status)
    return new ConflictError(STALE, { version: latest.version })
  }
}

import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { readCatalog, RetentionStore } from './retention-store.ts'
import {
  isDue,
  RECORD_CLASS_NAMES,
  RECORD_CLASSES,
  retentionDate,
  type DisposalAction,
  type RecordClass,
} from './rules/retention.ts'

// Retention: the rules an LA admin keeps, what falls due under them, legal holds, and the disposal
// job. Each child's disposal is its own transaction with its own audit rows, so one child that cannot
// be disposed of (a record added since, a hold placed meanwhile) stops neither the others nor the job.

export const RETENTION_ADMINS: readonly Role[] = ['la_admin']

export type RetentionRule = {
  recordClass: RecordClass
  label: string
  action: DisposalAction
  years: number
  version: number
}

export type DueChild = {
  childId: string
  localId: string
  name: string
  dateOfBirth: string
  /** Classes due now and not yet disposed of, each with the date it fell due. */
  due: { recordClass: RecordClass; since: string }[]
  held: boolean
}

export type DisposalReport = {
  dryRun: boolean
  children: number
  held: number
  disposals: { childId: string; recordClass: RecordClass; action: DisposalAction; rows: number }[]
  failed: { childId: string; reason: string }[]
}

const ruleSchema = z.object({
  years: z.coerce
    .number({ message: 'Enter the number of years' })
    .int('Enter a whole number of years')
    .min(1, 'Keep records for at least 1 year')
    .max(100, 'Keep records for at most 100 years'),
  version: z.coerce.number().int().min(1),
})

const reference = z
  .string()
  .trim()
  .min(1, "Enter the child's LA reference or UPN")
  .max(20, "Enter the child's LA reference or UPN")
const reason = (what: string) =>
  z.string().trim().min(1, `Enter the reason for ${what}`).max(500, `The reason must be 500 characters or fewer`)

const placeSchema = z.object({ child: reference, reason: reason('the hold') })
const liftSchema = z.object({
  holdId: z.uuid('Choose a hold to lift'),
  version: z.coerce.number().int().min(1),
  reason: reason('lifting the hold'),
})

export class RetentionService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {}

  private authorise(actor: Actor) {
    if (!RETENTION_ADMINS.includes(actor.role)) throw new ForbiddenError()
  }

  async rules(actor: Actor): Promise<RetentionRule[]> {
    this.authorise(actor)
    const rows = await new RetentionStore(this.db, this.laCode).rules()
    return RECORD_CLASS_NAMES.map(recordClass => {
      const row = rows.find(r => r.record_class === recordClass)!
      const definition = RECORD_CLASSES[recordClass]
      return {
        recordClass,
        label: definition.label,
        action: definition.action,
        years: row.years_from_birth,
        version: row.version,
      }
    })
  }

  async rule(actor: Actor, recordClass: string): Promise<RetentionRule> {
    const rule = (await this.rules(actor)).find(r => r.recordClass === recordClass)
    if (!rule) throw new NotFoundError()
    return rule
  }

  async changeRule(actor: Actor, recordClass: string, input: unknown): Promise<void> {
    const current = await this.rule(actor, recordClass)
    const { years, version } = parseOrThrow(ruleSchema, input)
    const saved = await this.db.transaction().execute(async trx => {
      const updated = await new RetentionStore(trx, this.laCode).updateRule(
        current.recordClass,
        years,
        version,
        actor.userId,
      )
      if (!updated.numUpdatedRows) return false
      await audit(trx, this.laCode, actor, {
        action: 'retention.rule.change',
        recordType: 'retention_rule',
        recordId: current.recordClass,
        details: { from: current.years, to: years },
      })
      return true
    })
    // Read after the transaction: PGlite serves one connection, so a read beside it would wait on it.
    if (!saved) {
      throw new ConflictError('Someone else changed this rule since you opened it', await this.rule(actor, recordClass))
    }
  }

  /** Children with a class of records past its retention date and not yet disposed of. */
  async due(actor: Actor): Promise<DueChild[]> {
    this.authorise(actor)
    const due = await this.findDue(await this.rules(actor), this.clock.today())
    // A list of named children is a read of their records.
    await audit(this.db, this.laCode, actor, { action: 'retention.due.read', details: { children: due.length } })
    return due
  }

  private async findDue(rules: RetentionRule[], today: string): Promise<DueChild[]> {
    const shortest = Math.min(...rules.map(r => r.years))
    // The end of that year: a little wide (isDue decides), and never an impossible date like 29 February.
    const candidates = await new RetentionStore(this.db, this.laCode).candidates(
      `${String(Number(today.slice(0, 4)) - shortest).padStart(4, '0')}-12-31`,
    )
    const out: DueChild[] = []
    for (const c of candidates) {
      const disposed = new Set(c.disposed ?? [])
      const due = rules
        .filter(r => !disposed.has(r.recordClass) && isDue(c.date_of_birth, r.years, today))
        .map(r => ({ recordClass: r.recordClass, since: retentionDate(c.date_of_birth, r.years) }))
      // The child's own record goes last: its date of birth is what every other class is reckoned from.
      const others = RECORD_CLASS_NAMES.filter(n => n !== 'child' && !disposed.has(n))
      const dueNow = due.filter(d => d.recordClass !== 'child' || others.every(o => due.some(x => x.recordClass === o)))
      if (!dueNow.length) continue
      out.push({
        childId: c.id,
        localId: c.local_id,
        name: `${c.first_name} ${c.last_name}`,
        dateOfBirth: c.date_of_birth,
        due: dueNow,
        held: Boolean(c.hold_id),
      })
    }
    return out
  }

  /** The disposal job: every class due for every child not on hold. A dry run changes nothing. */
  async run(actor: Actor, options: { dryRun: boolean }): Promise<DisposalReport> {
    this.authorise(actor)
    const rules = await this.rules(actor)
    const due = await this.findDue(rules, this.clock.today())
    const report: DisposalReport = { dryRun: options.dryRun, children: 0, held: 0, disposals: [], failed: [] }
    const catalog = await readCatalog(this.db)
    for (const child of due) {
      if (child.held) {
        report.held++
        continue
      }
      report.children++
      if (options.dryRun) {
        const data = await new RetentionStore(this.db, this.laCode).childData(catalog, child.childId)
        for (const d of child.due) {
          const definition = RECORD_CLASSES[d.recordClass]
          const rows = definition.tables.reduce((n, t) => n + (data[t]?.length ?? 0), 0)
          report.disposals.push({ childId: child.childId, recordClass: d.recordClass, action: definition.action, rows })
        }
        continue
      }
      try {
        await this.db.transaction().execute(async trx => {
          const store = new RetentionStore(trx, this.laCode)
          // Checked again inside the transaction, the child locked: a hold placed since the list was read wins.
          await store.lockChild(child.childId)
          if (await store.activeHold(child.childId)) throw new HeldError()
          for (const d of child.due) {
            // Read afresh for each class: the previous one may have deleted rows.
            const data = await store.childData(catalog, child.childId)
            const done = await store.dispose(catalog, data, child.childId, d.recordClass, this.clock.now())
            const rows = Object.values(done.rows).reduce((a, b) => a + b, 0)
            // No personal data: the (now anonymous) child's id, the class and counts.
            await audit(trx, this.laCode, actor, {
              action: 'retention.dispose',
              recordType: 'child',
              recordId: child.childId,
              details: { recordClass: d.recordClass, action: done.action, dueSince: d.since, rows: done.rows },
            })
            report.disposals.push({ childId: child.childId, recordClass: d.recordClass, action: done.action, rows })
          }
        })
      } catch (error) {
        if (error instanceof HeldError) {
          report.children--
          report.held++
          continue
        }
        report.failed.push({ childId: child.childId, reason: (error as Error).message })
        await audit(this.db, this.laCode, actor, {
          action: 'retention.dispose',
          recordType: 'child',
          recordId: child.childId,
          outcome: 'failed',
        })
      }
    }
    return report
  }

  async holds(actor: Actor) {
    this.authorise(actor)
    const holds = await new RetentionStore(this.db, this.laCode).holds()
    await audit(this.db, this.laCode, actor, { action: 'retention.holds.read', details: { holds: holds.length } })
    return holds
  }

  async placeHold(actor: Actor, input: unknown): Promise<void> {
    this.authorise(actor)
    const { child, reason } = parseOrThrow(placeSchema, input)
    await this.db.transaction().execute(async trx => {
      const store = new RetentionStore(trx, this.laCode)
      const found = await store.findChild(child)
      if (!found) throw new ValidationError([{ field: 'child', message: 'No child has that LA reference or UPN' }])
      await store.lockChild(found.id)
      if (await store.activeHold(found.id)) {
        throw new ValidationError([{ field: 'child', message: 'This child already has a legal hold' }])
      }
      const hold = await store.placeHold(found.id, reason, actor.userId, this.clock.now())
      await audit(trx, this.laCode, actor, {
        action: 'retention.hold.place',
        recordType: 'child',
        recordId: found.id,
        details: { holdId: hold.id },
      })
    })
  }

  async liftHold(actor: Actor, input: unknown): Promise<void> {
    this.authorise(actor)
    const { holdId, version, reason } = parseOrThrow(liftSchema, input)
    await this.db.transaction().execute(async trx => {
      const store = new RetentionStore(trx, this.laCode)
      const hold = await store.hold(holdId)
      if (!hold || hold.lifted_at) throw new NotFoundError()
      const lifted = await store.liftHold(holdId, version, reason, actor.userId, this.clock.now())
      if (!lifted.numUpdatedRows) throw new ConflictError('Someone else changed this hold since you opened the page')
      await audit(trx, this.laCode, actor, {
        action: 'retention.hold.lift',
        recordType: 'child',
        recordId: hold.child_id,
        details: { holdId },
      })
    })
  }
}

class HeldError extends Error {}

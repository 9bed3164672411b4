import type { Kysely } from 'kysely'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DashboardService } from '../insight/dashboard.ts'
import type { DB } from '../schema.ts'
import {
  actionProblems,
  MEASURE_LABELS,
  monthBefore,
  movement,
  progressOf,
  ragOn,
  RAGS,
  isOverdue,
  type Measure,
  type Progress,
  type Rag,
  type Status,
} from './rules/progress.ts'
import { ProgrammeStore } from './store.ts'
import { ACTION_COLUMNS, ITEM_COLUMNS, parseActions, parseItems } from './rules/rows.ts'
import type { CsvError, CsvRead } from '../platform/csv.ts'

// The improvement programme (seeds 003 and 004): the Written Statement of Action's priority areas and
// actions with their progress, the DBV workstreams' plan items with their RAG and its movement, and
// the impact measures read live from the dashboards. The SEND manager keeps it (decision 0013).

export const PROGRAMME_EDITORS: readonly Role[] = ['la_admin', 'send_manager']
export const PROGRAMME_READERS: readonly Role[] = [
  ...PROGRAMME_EDITORS,
  'case_officer',
  'panel_member',
  'finance_officer',
]

export type MeasureView = {
  key: Measure
  label: string
  unit: '%' | ''
  better: 'higher' | 'lower'
  baseline: number
  baselineOn: string
  target: number
  /** Today's figure from the system; null when there is nothing to measure yet (no plans this year). */
  now: number | null
}

/** An import refused: every bad row by line and column; nothing was changed. */
export class ProgrammeImportRejected extends ValidationError {
  constructor(readonly rowErrors: CsvError[]) {
    super(
      rowErrors.map(e => ({
        field: `line-${e.line}`,
        message: `line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}`,
      })),
    )
  }
}

export type ProgrammeTable = 'actions' | 'items'

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

export class ProgrammeService {
  private readonly store: ProgrammeStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
    private readonly dashboards: DashboardService,
  ) {
    this.store = new ProgrammeStore(db, laCode)
  }

  mayRead(actor: Actor) {
    return PROGRAMME_READERS.includes(actor.role)
  }

  mayEdit(actor: Actor) {
    return PROGRAMME_EDITORS.includes(actor.role)
  }

  private read(actor: Actor) {
    if (!this.mayRead(actor)) throw new ForbiddenError()
  }

  /** The live figures the measures are linked to, as things stand today. */
  async measures(): Promise<MeasureView[]> {
    const stored = await this.store.measures()
    if (!stored.length) return []
    const today = this.clock.today()
    const year = Number(today.slice(0, 4))
    const f = { from: year, to: year, caseload: {}, date: today }
    const [twenty, reviews, ceased] = await Promise.all([
      this.dashboards.timelinessByYear(f),
      this.dashboards.reviewsOutstanding(today, {}),
      this.dashboards.issuedAndCeased(f),
    ])
    const live: Record<Measure, number | null> = {
      twenty_weeks_incl: (twenty.rows[0]?.[3] as number | null | undefined) ?? null,
      twenty_weeks_excl: (twenty.rows[0]?.[6] as number | null | undefined) ?? null,
      reviews_outstanding: (reviews.rows.at(-1)?.[1] as number | undefined) ?? null,
      plans_ceased: (ceased.rows[0]?.[2] as number | undefined) ?? null,
    }
    return stored.map(m => ({
      key: m.key,
      ...MEASURE_LABELS[m.key],
      baseline: Number(m.baseline),
      baselineOn: m.baseline_on,
      target: Number(m.target),
      now: live[m.key],
    }))
  }

  /** The programme page: the summary below, audited as read. */
  async overview(actor: Actor) {
    const view = await this.summary(actor)
    await audit(this.db, this.laCode, actor, { action: 'programme.read' })
    return view
  }

  /** Progress per priority area and overall, overdue actions, and every plan item's RAG and its movement. */
  async summary(actor: Actor) {
    this.read(actor)
    const today = this.clock.today()
    const since = monthBefore(today)
    const [areas, actions, workstreams, groups, items, changes, measures] = await Promise.all([
      this.store.areas(),
      this.store.actions(),
      this.store.workstreams(),
      this.store.groups(),
      this.store.items(),
      this.store.ragChanges(),
      this.measures(),
    ])
    const areaRows = areas.map(a => ({
      ...a,
      progress: progressOf(
        actions.filter(x => x.area_id === a.id),
        today,
      ),
    }))
    const overall: Progress = progressOf(actions, today)
    const overdue = actions.filter(a => isOverdue(a, today))
    const itemRows = items.map(i => {
      const own = changes.filter(c => c.item_id === i.id)
      const before = ragOn(i.rag, own, since)
      return { ...i, ragBefore: before, movement: movement(before, i.rag), lastChange: own.at(-1) ?? null }
    })
    const ragCounts = Object.fromEntries(RAGS.map(r => [r, items.filter(i => i.rag === r).length])) as Record<
      Rag,
      number
    >
    const streams = workstreams.map(w => ({
      ...w,
      groups: groups.filter(g => g.workstream_id === w.id),
      items: itemRows.filter(i => i.workstream_id === w.id),
    }))
    return { today, since, areas: areaRows, overall, overdue, workstreams: streams, ragCounts, measures, actions }
  }

  async area(actor: Actor, id: string) {
    this.read(actor)
    const area = await this.store.area(id)
    if (!area) throw new NotFoundError()
    const today = this.clock.today()
    const actions = await this.store.actions(area.id)
    return {
      area,
      progress: progressOf(actions, today),
      actions: actions.map(a => ({ ...a, overdue: isOverdue(a, today) })),
    }
  }

  async action(actor: Actor, id: string) {
    this.read(actor)
    const action = await this.store.action(id)
    if (!action) throw new NotFoundError()
    const area = (await this.store.area(action.area_id))!
    const measure = action.measure ? ((await this.measures()).find(m => m.key === action.measure) ?? null) : null
    return { action, area, measure, overdue: isOverdue(action, this.clock.today()) }
  }

  /** Updates an action: every problem named; a save over someone else's refused (409). */
  async saveAction(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    if (!this.mayEdit(actor)) throw new ForbiddenError()
    const { action } = await this.action(actor, id)
    const entered = {
      description: text(input.description),
      owner: text(input.owner),
      dueDate: text(input.dueDate),
      status: text(input.status),
      evidence: text(input.evidence),
      completedOn: text(input.completedOn),
    }
    const problems = actionProblems(entered, this.clock.today())
    if (problems.length) throw new ValidationError(problems)
    const values = {
      description: entered.description,
      owner: entered.owner,
      due_date: entered.dueDate,
      status: entered.status as Status,
      evidence: entered.evidence,
      completed_on: entered.completedOn || null,
    }
    await this.db.transaction().execute(async trx => {
      const next = await new ProgrammeStore(trx, this.laCode).updateAction(
        action.id,
        Number(text(input.version)),
        values,
      )
      if (next === undefined) throw new ConflictError('Someone else changed this action since you opened it')
      await audit(trx, this.laCode, actor, {
        action: 'programme.action.save',
        recordType: 'programme_action',
        recordId: action.id,
        details: {
          ref: action.ref,
          from: { status: action.status, due: action.due_date, completed: action.completed_on },
          to: { status: values.status, due: values.due_date, completed: values.completed_on },
        },
      })
    })
  }

  async item(actor: Actor, id: string) {
    this.read(actor)
    const item = await this.store.item(id)
    if (!item) throw new NotFoundError()
    const [workstream, history, measures] = await Promise.all([
      this.store.workstreams().then(ws => ws.find(w => w.id === item.workstream_id)!),
      this.store.ragChanges(item.id),
      item.measure ? this.measures() : Promise.resolve([]),
    ])
    return {
      item,
      workstream,
      history: [...history].reverse(),
      measure: measures.find(m => m.key === item.measure) ?? null,
    }
  }

  /**
   * Records a plan item's RAG status and next steps; a change of RAG needs its reason and is kept with
   * the date and who made it. A save over someone else's is refused (409).
   */
  async updateItem(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    if (!this.mayEdit(actor)) throw new ForbiddenError()
    const { item } = await this.item(actor, id)
    const rag = text(input.rag)
    const reason = text(input.reason)
    const nextSteps = text(input.nextSteps)
    const problems: { field: string; message: string }[] = []
    if (!(RAGS as readonly string[]).includes(rag))
      problems.push({ field: 'rag', message: 'Choose on track, monitor or at risk' })
    const changed = rag !== item.rag
    if (changed && !reason) problems.push({ field: 'reason', message: 'Say why the RAG status has changed' })
    if (reason.length > 1000)
      problems.push({ field: 'reason', message: 'The reason must be 1,000 characters or fewer' })
    if (nextSteps.length > 5000)
      problems.push({ field: 'nextSteps', message: 'The next steps must be 5,000 characters or fewer' })
    if (problems.length) throw new ValidationError(problems)
    await this.db.transaction().execute(async trx => {
      const store = new ProgrammeStore(trx, this.laCode)
      const next = await store.updateItem(item.id, Number(text(input.version)), {
        rag: rag as Rag,
        next_steps: nextSteps,
      })
      if (next === undefined) throw new ConflictError('Someone else changed this plan item since you opened it')
      if (changed)
        await store.addRagChange({
          item_id: item.id,
          from_rag: item.rag,
          to_rag: rag as Rag,
          changed_on: this.clock.today(),
          changed_by: actor.userId,
          changed_by_name: actor.displayName,
          reason,
        })
      await audit(trx, this.laCode, actor, {
        action: 'programme.item.save',
        recordType: 'programme_item',
        recordId: item.id,
        details: { ref: item.ref, from: item.rag, to: rag },
      })
    })
  }

  /** Actions or plan items as a table, in the columns the import reads. */
  async table(
    actor: Actor,
    which: string,
  ): Promise<{ name: ProgrammeTable; header: string[]; rows: (string | null)[][] }> {
    this.read(actor)
    if (which === 'actions') {
      const actions = await this.store.actions()
      await audit(this.db, this.laCode, actor, { action: 'programme.download', details: { table: which } })
      return {
        name: 'actions',
        header: [...ACTION_COLUMNS],
        rows: actions.map(a => [
          a.ref,
          String(a.area_position),
          a.description,
          a.owner,
          a.due_date,
          a.status,
          a.completed_on,
          a.evidence,
        ]),
      }
    }
    if (which === 'items') {
      const items = await this.store.items()
      await audit(this.db, this.laCode, actor, { action: 'programme.download', details: { table: which } })
      return {
        name: 'items',
        header: [...ITEM_COLUMNS],
        rows: items.map(i => [
          i.ref,
          String(i.workstream_number),
          i.title,
          i.purpose,
          i.next_steps,
          i.impact,
          i.rag,
          null,
        ]),
      }
    }
    throw new NotFoundError()
  }

  /**
   * Imports actions or plan items, read from a CSV file or an Excel sheet (src/platform/csv.ts, xlsx.ts):
   * a row whose ref exists updates it, a new ref adds one. Every
   * row is applied, in one transaction, or none: each bad row is reported by line and column. A plan
   * item whose RAG changes needs its rag_reason, and the change is kept in its history.
   */
  async importFile(actor: Actor, which: string, read: CsvRead): Promise<{ added: number; updated: number }> {
    if (!this.mayEdit(actor)) throw new ForbiddenError()
    const result =
      which === 'actions'
        ? await this.importActions(actor, read)
        : which === 'items'
          ? await this.importItems(actor, read)
          : null
    if (!result) throw new NotFoundError()
    return result
  }

  private async refused(actor: Actor, which: string, errors: CsvError[]): Promise<never> {
    await audit(this.db, this.laCode, actor, {
      action: 'programme.import',
      outcome: 'denied',
      details: { table: which, errors: errors.length },
    })
    throw new ProgrammeImportRejected(errors)
  }

  private async importActions(actor: Actor, read: CsvRead) {
    const parsed = parseActions(read, this.clock.today())
    if (!parsed.ok) return this.refused(actor, 'actions', parsed.errors)
    const areas = new Map((await this.store.areas()).map(a => [a.position, a.id]))
    const errors = parsed.rows.flatMap(r =>
      areas.has(r.area) ? [] : [{ line: r.line, column: 'area', message: `there is no priority area ${r.area}` }],
    )
    if (errors.length) return this.refused(actor, 'actions', errors)
    return this.db.transaction().execute(async trx => {
      const store = new ProgrammeStore(trx, this.laCode)
      const existing = new Set((await store.actions()).map(a => a.ref))
      let added = 0
      for (const r of parsed.rows) {
        const values = {
          area_id: areas.get(r.area)!,
          description: r.description,
          owner: r.owner,
          due_date: r.dueDate,
          status: r.status,
          evidence: r.evidence,
          completed_on: r.completedOn,
        }
        if (existing.has(r.ref)) await store.updateActionByRef(r.ref, values)
        else {
          await store.insertAction({ ...values, ref: r.ref })
          added++
        }
      }
      const updated = parsed.rows.length - added
      await audit(trx, this.laCode, actor, {
        action: 'programme.import',
        details: { table: 'actions', added, updated },
      })
      return { added, updated }
    })
  }

  private async importItems(actor: Actor, read: CsvRead) {
    const parsed = parseItems(read)
    if (!parsed.ok) return this.refused(actor, 'items', parsed.errors)
    const streams = new Map((await this.store.workstreams()).map(w => [w.number, w.id]))
    const current = new Map((await this.store.items()).map(i => [i.ref, i]))
    const errors: CsvError[] = parsed.rows.flatMap(r => [
      ...(streams.has(r.workstream)
        ? []
        : [{ line: r.line, column: 'workstream', message: `there is no workstream ${r.workstream}` }]),
      ...(current.has(r.ref) && current.get(r.ref)!.rag !== r.rag && !r.ragReason
        ? [{ line: r.line, column: 'rag_reason', message: 'say why the RAG status has changed' }]
        : []),
    ])
    if (errors.length) return this.refused(actor, 'items', errors)
    const today = this.clock.today()
    return this.db.transaction().execute(async trx => {
      const store = new ProgrammeStore(trx, this.laCode)
      let added = 0
      for (const r of parsed.rows) {
        const values = {
          workstream_id: streams.get(r.workstream)!,
          title: r.title,
          purpose: r.purpose,
          next_steps: r.nextSteps,
          impact: r.impact,
          rag: r.rag,
        }
        const before = current.get(r.ref)
        if (before) await store.updateItemByRef(r.ref, values)
        else {
          await store.insertItem({ ...values, ref: r.ref })
          added++
        }
        if (before && before.rag !== r.rag)
          await store.addRagChange({
            item_id: before.id,
            from_rag: before.rag,
            to_rag: r.rag,
            changed_on: today,
            changed_by: actor.userId,
            changed_by_name: actor.displayName,
            reason: r.ragReason,
          })
      }
      const updated = parsed.rows.length - added
      await audit(trx, this.laCode, actor, { action: 'programme.import', details: { table: 'items', added, updated } })
      return { added, updated }
    })
  }
}

import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import type { DB } from '../schema.ts'
import { BUDGET_EDITORS, BUDGET_READERS } from './budget-service.ts'
import { BudgetStore } from './budget-store.ts'
import {
  lineCost,
  lineProblems,
  penceOf,
  planProblems,
  summarise,
  type ReserveLine,
  type ReserveSummary,
} from './rules/reserve-plan.ts'

// Reserve plans (seed 001): a fund with costed lines, what is planned, spent and left to allocate.

export type FundView = {
  id: string
  name: string
  source: string
  version: number
  lines: (ReserveLine & { id: string; cost: number; left: number })[]
  summary: ReserveSummary
}

const formSchema = z.object({
  kind: z.enum(['post', 'programme'], { message: 'Choose whether the line is a post or a programme' }),
  version: z.coerce.number({ message: 'The form is missing its version: open the plan again' }).int(),
})

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

export class ReserveService {
  private readonly store: BudgetStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {
    this.store = new BudgetStore(db, laCode)
  }

  mayRead(actor: Actor) {
    return BUDGET_READERS.includes(actor.role)
  }

  mayEdit(actor: Actor) {
    return BUDGET_EDITORS.includes(actor.role)
  }

  async funds(actor: Actor) {
    if (!this.mayRead(actor)) throw new ForbiddenError()
    const funds = await this.store.funds()
    return Promise.all(funds.map(async f => ({ ...(await this.fundView(f.id))! })))
  }

  async fund(actor: Actor, id: string): Promise<FundView> {
    if (!this.mayRead(actor)) throw new ForbiddenError()
    const view = await this.fundView(id)
    if (!view) throw new NotFoundError()
    await audit(this.db, this.laCode, actor, {
      action: 'planning.reserve.read',
      recordType: 'reserve_fund',
      recordId: id,
    })
    return view
  }

  private async fundView(id: string, store = this.store): Promise<FundView | undefined> {
    const fund = await store.fund(id)
    if (!fund) return undefined
    const lines: (ReserveLine & { id: string })[] = (await store.lines(fund.id)).map(l =>
      l.kind === 'post'
        ? {
            id: l.id,
            kind: 'post',
            title: l.title,
            salaryPence: l.salary_pence ?? 0,
            onCostsPence: l.on_costs_pence ?? 0,
            posts: l.posts ?? 1,
            startDate: l.start_date ?? '',
            endDate: l.end_date ?? '',
            spentPence: l.spent_pence,
          }
        : {
            id: l.id,
            kind: 'programme',
            title: l.title,
            amountPence: l.amount_pence ?? 0,
            startDate: l.start_date,
            endDate: l.end_date,
            spentPence: l.spent_pence,
          },
    )
    const summary = summarise(fund.fund_pence, lines)
    return {
      id: fund.id,
      name: fund.name,
      source: fund.source,
      version: fund.version,
      lines: lines.map((l, i) => ({ ...l, cost: lineCost(l), left: summary.lines[i]!.left })),
      summary,
    }
  }

  /** Adds a costed line; refuses one that does not add up (each problem named) or a stale plan (409). */
  async addLine(actor: Actor, fundId: string, input: Record<string, unknown>): Promise<void> {
    if (!this.mayEdit(actor)) throw new ForbiddenError()
    const current = await this.fundView(fundId)
    if (!current) throw new NotFoundError()
    const form = formSchema.safeParse(input)
    if (!form.success)
      throw new ValidationError(
        form.error.issues.map(i => ({ field: String(i.path[0] ?? 'form'), message: i.message })),
      )
    const { kind, version } = form.data
    const spent = str(input.spent) === '' ? 0 : penceOf(input.spent)
    const line: ReserveLine =
      kind === 'post'
        ? {
            kind,
            title: str(input.title),
            salaryPence: penceOf(input.salary),
            onCostsPence: str(input.onCosts) === '' ? 0 : penceOf(input.onCosts),
            posts: str(input.posts) === '' ? 1 : Number(str(input.posts)),
            startDate: str(input.startDate),
            endDate: str(input.endDate),
            spentPence: spent,
          }
        : {
            kind,
            title: str(input.title),
            amountPence: penceOf(input.amount),
            startDate: str(input.startDate) || null,
            endDate: str(input.endDate) || null,
            spentPence: spent,
          }
    const problems = lineProblems(line)
    if (!problems.length) problems.push(...planProblems(current.summary.fundPence, [...current.lines, line]))
    if (problems.length) throw new ValidationError(problems)
    await this.db.transaction().execute(async trx => {
      const store = new BudgetStore(trx, this.laCode)
      const next = await store.bumpFund(current.id, version)
      if (next === undefined) throw new ConflictError('Someone else changed this reserve plan since you opened it')
      const id = await store.addLine({
        fund_id: current.id,
        kind: line.kind,
        title: line.title,
        salary_pence: line.kind === 'post' ? line.salaryPence : null,
        on_costs_pence: line.kind === 'post' ? line.onCostsPence : null,
        posts: line.kind === 'post' ? line.posts : null,
        amount_pence: line.kind === 'programme' ? line.amountPence : null,
        start_date: line.startDate,
        end_date: line.endDate,
        spent_pence: line.spentPence,
      })
      await audit(trx, this.laCode, actor, {
        action: 'planning.reserve.line.add',
        recordType: 'reserve_fund',
        recordId: current.id,
        details: { line: id, kind: line.kind, cost: lineCost(line) },
      })
    })
  }
}

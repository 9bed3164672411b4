import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { DB } from '../schema.ts'
import type { Clock } from '../platform/time/clock.ts'
import { BUDGET_EDITORS } from './budget-service.ts'
import { ClusterStore } from './cluster-store.ts'
import { penceOf } from './rules/reserve-plan.ts'
import { clusterShares, FACTORS, formulaProblems, type Factor, type Weights } from './rules/cluster-formula.ts'

// Cluster budgets (seed 002, the Norfolk model): the pot shared between clusters by the formula, and
// each cluster's own allocations and spend against its share. LA staff see every cluster; a school
// user at a cluster's host school sees and records for that cluster only.

export const CLUSTER_LA_READERS: readonly Role[] = ['la_admin', 'send_manager', 'finance_officer']
export const CLUSTER_ROLES: readonly Role[] = [...CLUSTER_LA_READERS, 'school_user']

export type ClusterRow = {
  code: string
  name: string
  hostName: string
  hostSettingId: string
  measures: Record<Factor, number>
  /** When EHC plans and SEN support were counted from placements; null while entered by hand. */
  countedOn: string | null
  version: number
  sharePence: number
  allocatedPence: number
  spentPence: number
  /** The share less what has been allocated. */
  unallocatedPence: number
}

export type ClustersView = {
  year: number
  potPence: number
  weights: Weights
  source: string
  version: number
  clusters: ClusterRow[]
}

const WEIGHT_FIELDS: Record<Factor, 'weight_pupils' | 'weight_ehcps' | 'weight_sen_support' | 'weight_deprivation'> = {
  pupils: 'weight_pupils',
  ehcps: 'weight_ehcps',
  senSupport: 'weight_sen_support',
  deprivation: 'weight_deprivation',
}

const ISO = /^\d{4}-\d{2}-\d{2}$/
const entrySchema = z.object({
  kind: z.enum(['allocation', 'spend'], { message: 'Choose whether this is an allocation or spend' }),
  description: z
    .string({ message: 'Enter what the money is for' })
    .trim()
    .min(1, { message: 'Enter what the money is for' })
    .max(200, { message: 'What the money is for must be 200 characters or fewer' }),
  amount: z
    .string({ message: 'Enter the amount' })
    .transform(penceOf)
    .refine(v => Number.isFinite(v), { message: 'The amount must be in pounds and pence, such as 1250.00' })
    .refine(v => v > 0, { message: 'The amount must be more than £0' }),
  entryDate: z.string({ message: 'Enter the date' }).trim().regex(ISO, { message: 'Enter the date as YYYY-MM-DD' }),
})

/** A weight typed as a percentage ('37.5') → basis points; NaN when it is not one. */
const basisPoints = (v: unknown) => {
  const t = typeof v === 'string' ? v.trim().replace(/%$/, '') : ''
  return /^\d{1,3}(\.\d{1,2})?$/.test(t) ? Math.round(Number(t) * 100) : Number.NaN
}

export class ClusterService {
  private readonly store: ClusterStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new ClusterStore(db, laCode)
  }

  mayEditFormula(actor: Actor) {
    return BUDGET_EDITORS.includes(actor.role)
  }

  /** LA finance staff record for any cluster; a school user only for the cluster their school hosts. */
  mayRecord(actor: Actor, cluster: { hostSettingId: string }) {
    return (
      BUDGET_EDITORS.includes(actor.role) || (actor.role === 'school_user' && actor.settingId === cluster.hostSettingId)
    )
  }

  async view(actor: Actor): Promise<ClustersView | null> {
    if (!CLUSTER_ROLES.includes(actor.role)) throw new ForbiddenError()
    const formula = await this.store.formula()
    if (!formula) return null
    const all = await this.store.clusters()
    const weights = Object.fromEntries(FACTORS.map(f => [f, formula[WEIGHT_FIELDS[f]]])) as Weights
    const measures = all.map(c => ({
      key: c.code,
      pupils: c.pupils,
      ehcps: c.ehcps,
      senSupport: c.sen_support,
      deprivation: c.deprivation,
    }))
    const ok = formulaProblems(formula.pot_pence, weights, measures).length === 0
    const shares = ok ? clusterShares(formula.pot_pence, weights, measures) : all.map(() => 0)
    const entries = await this.store.entries(formula.financial_year)
    const sum = (code: string, kind: 'allocation' | 'spend') =>
      entries.filter(e => e.cluster_code === code && e.kind === kind).reduce((s, e) => s + e.amount_pence, 0)
    const clusters = all
      .map((c, i) => {
        const allocated = sum(c.code, 'allocation')
        return {
          code: c.code,
          name: c.name,
          hostName: c.host_name,
          hostSettingId: c.host_setting_id,
          measures: { pupils: c.pupils, ehcps: c.ehcps, senSupport: c.sen_support, deprivation: c.deprivation },
          countedOn: c.counted_on,
          version: c.version,
          sharePence: shares[i]!,
          allocatedPence: allocated,
          spentPence: sum(c.code, 'spend'),
          unallocatedPence: shares[i]! - allocated,
        }
      })
      // A school user sees only the cluster their school hosts.
      .filter(c => actor.role !== 'school_user' || c.hostSettingId === actor.settingId)
    await audit(this.db, this.laCode, actor, {
      action: 'planning.clusters.read',
      details: { clusters: clusters.length },
    })
    return {
      year: formula.financial_year,
      potPence: formula.pot_pence,
      weights,
      source: formula.source,
      version: formula.version,
      clusters,
    }
  }

  async cluster(actor: Actor, code: string) {
    const view = await this.view(actor)
    const cluster = view?.clusters.find(c => c.code === code)
    // Another cluster is as unknown to a school user as one that does not exist.
    if (!view || !cluster) throw new NotFoundError()
    const [members, entries] = await Promise.all([this.store.members(code), this.store.entries(view.year, code)])
    return { year: view.year, cluster, members, entries }
  }

  /** Records an allocation or spend against a cluster's share; spend beyond what was allocated is refused. */
  async record(actor: Actor, code: string, input: unknown): Promise<void> {
    const { year, cluster } = await this.cluster(actor, code)
    if (!this.mayRecord(actor, cluster)) throw new ForbiddenError()
    const entry = parseOrThrow(entrySchema, input)
    if (entry.kind === 'allocation' && entry.amount > cluster.unallocatedPence)
      throw new ValidationError([
        { field: 'amount', message: 'The allocation is more than the cluster’s share has left to allocate' },
      ])
    if (entry.kind === 'spend' && cluster.spentPence + entry.amount > cluster.allocatedPence)
      throw new ValidationError([{ field: 'amount', message: 'Spend must not be more than the cluster has allocated' }])
    await this.db.transaction().execute(async trx => {
      const id = await new ClusterStore(trx, this.laCode).addEntry({
        cluster_code: code,
        financial_year: year,
        kind: entry.kind,
        description: entry.description,
        amount_pence: entry.amount,
        entry_date: entry.entryDate,
        recorded_by: actor.userId,
      })
      await audit(trx, this.laCode, actor, {
        action: `planning.cluster.${entry.kind}`,
        recordType: 'school_cluster',
        recordId: code,
        details: { entry: id, amount: entry.amount },
      })
    })
  }

  /**
   * Counts each cluster's EHC plans and pupils on SEN support from today's placements at its member
   * schools, in one transaction, so the formula shares the pot on the authority's own records.
   */
  async countFromRecords(actor: Actor): Promise<void> {
    if (!this.mayEditFormula(actor)) throw new ForbiddenError()
    const on = this.clock.today()
    await this.db.transaction().execute(async trx => {
      const store = new ClusterStore(trx, this.laCode)
      const before = await store.clusters()
      const counts = await store.countedMeasures(on)
      await store.setCountedMeasures(counts, on)
      await audit(trx, this.laCode, actor, {
        action: 'planning.clusters.count',
        recordType: 'school_cluster',
        details: {
          on,
          clusters: before.map(c => ({
            code: c.code,
            from: { ehcps: c.ehcps, senSupport: c.sen_support },
            to: counts.get(c.code) ?? { ehcps: 0, senSupport: 0 },
          })),
        },
      })
    })
  }

  /** Records a cluster's pupils on roll and pupils eligible for free school meals (school census figures); 409 when stale. */
  async updateEnteredMeasures(actor: Actor, code: string, input: Record<string, unknown>): Promise<void> {
    if (!this.mayEditFormula(actor)) throw new ForbiddenError()
    const { cluster } = await this.cluster(actor, code)
    const whole = (v: unknown) => {
      const t = typeof v === 'string' ? v.trim().replace(/,/g, '') : ''
      return /^\d{1,7}$/.test(t) ? Number(t) : Number.NaN
    }
    const pupils = whole(input.pupils)
    const deprivation = whole(input.deprivation)
    const problems: { field: string; message: string }[] = []
    if (!Number.isFinite(pupils))
      problems.push({ field: 'pupils', message: 'Pupil numbers must be a whole number, such as 2480' })
    if (!Number.isFinite(deprivation))
      problems.push({
        field: 'deprivation',
        message: 'Pupils eligible for free school meals must be a whole number, such as 560',
      })
    else if (Number.isFinite(pupils) && deprivation > pupils)
      problems.push({
        field: 'deprivation',
        message: 'Pupils eligible for free school meals must not be more than the pupil numbers',
      })
    if (problems.length) throw new ValidationError(problems)
    const version = Number(input.version)
    await this.db.transaction().execute(async trx => {
      const next = await new ClusterStore(trx, this.laCode).updateEnteredMeasures(
        code,
        Number.isInteger(version) ? version : -1,
        { pupils, deprivation },
      )
      if (next === undefined)
        throw new ConflictError('Someone else changed this cluster’s measures since you opened it')
      await audit(trx, this.laCode, actor, {
        action: 'planning.cluster.measures',
        recordType: 'school_cluster',
        recordId: code,
        details: {
          from: { pupils: cluster.measures.pupils, deprivation: cluster.measures.deprivation },
          to: { pupils, deprivation },
        },
      })
    })
  }

  /** Changes the pot and weights: refused (each problem named) when they do not add up, 409 when stale. */
  async updateFormula(actor: Actor, input: Record<string, unknown>): Promise<void> {
    if (!this.mayEditFormula(actor)) throw new ForbiddenError()
    const current = await this.view(actor)
    if (!current) throw new NotFoundError()
    const version = Number(input.version)
    if (!Number.isInteger(version))
      throw new ValidationError([{ field: 'form', message: 'The form is missing its version: open the page again' }])
    const pot = penceOf(input.pot)
    const weights = Object.fromEntries(FACTORS.map(f => [f, basisPoints(input[f])])) as Weights
    const problems = formulaProblems(
      Number.isFinite(pot) ? pot : -1,
      weights,
      current.clusters.map(c => ({ key: c.code, ...c.measures })),
    )
    if (problems.length) throw new ValidationError(problems)
    await this.db.transaction().execute(async trx => {
      const next = await new ClusterStore(trx, this.laCode).updateFormula(current.year, version, {
        pot_pence: pot,
        weight_pupils: weights.pupils,
        weight_ehcps: weights.ehcps,
        weight_sen_support: weights.senSupport,
        weight_deprivation: weights.deprivation,
      })
      if (next === undefined) throw new ConflictError('Someone else changed the cluster formula since you opened it')
      await audit(trx, this.laCode, actor, {
        action: 'planning.cluster-formula.update',
        recordType: 'cluster_formula',
        recordId: String(current.year),
        details: { from: { pot: current.potPence, weights: current.weights }, to: { pot, weights } },
      })
    })
  }
}

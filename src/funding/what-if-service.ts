import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { financialYearEnd, financialYearOf, financialYearStart } from './rules/money.ts'
import { annualPenceFor } from './rules/run.ts'
import { whatIf, type CurrentAward } from './rules/what-if.ts'
import { FundingStore } from './store.ts'
import { RunStore } from './run-store.ts'

// A what-if re-prices every current award under a draft or consultation version, for a Schools Forum
// consultation. It reads pupil-level awards but shows only schools, localities and levels.
const RUNNERS: readonly Role[] = ['la_admin', 'finance_officer', 'send_manager']
const DRAFT_STATUSES = ['draft', 'consultation']
const FY = 'Enter a financial year such as 2026-27'

export function mayWhatIf(actor: Actor): boolean {
  return RUNNERS.includes(actor.role)
}

export const whatIfQuerySchema = z.object({
  version: z.union([z.literal(''), z.uuid('Choose a draft or consultation version')]).optional(),
  year: z
    .string()
    .regex(/^\d{4}-\d{2}$/, FY)
    .refine(y => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), FY)
    .optional(),
})

/** The awards in force during the year, one per child: the latest to start is the current one. */
export function currentAwards(awards: readonly StoredAward[], financialYear: string): CurrentAward[] {
  const byChild = new Map<string, StoredAward>()
  for (const a of awards) {
    const held = byChild.get(a.childId)
    if (!held || a.startDate > held.startDate || (a.startDate === held.startDate && a.awardId > held.awardId))
      byChild.set(a.childId, a)
  }
  return [...byChild.values()].map(a => ({
    awardId: a.awardId,
    childId: a.childId,
    settingId: a.settingId,
    localityCode: a.localityCode,
    settingType: a.settingType,
    currentLevel: a.level,
    currentAnnualPence: annualPenceFor(a, financialYear),
    choices: a.choices,
  }))
}

type StoredAward = Awaited<ReturnType<RunStore['awards']>>[number]

export class WhatIfService {
  private readonly store: RunStore
  private readonly versions: FundingStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new RunStore(db, laCode)
    this.versions = new FundingStore(db, laCode)
  }

  /** The versions a what-if may run: drafts and those out for consultation. */
  async drafts(actor: Actor) {
    if (!mayWhatIf(actor)) throw new ForbiddenError()
    return (await this.versions.listVersions()).filter(v => DRAFT_STATUSES.includes(v.status))
  }

  /** The form's query, and the what-if when it names a version. */
  async run(actor: Actor, input: unknown) {
    if (!mayWhatIf(actor)) throw new ForbiddenError()
    const q = parseOrThrow(whatIfQuerySchema, input)
    const query = { version: q.version ?? '', year: q.year ?? financialYearOf(this.clock.today()) }
    if (!query.version) return { query, result: null }
    const version = await this.versions.findVersion(query.version)
    if (!version || !DRAFT_STATUSES.includes(version.status)) {
      throw new ValidationError([{ field: 'version', message: 'Choose a draft or consultation version' }])
    }
    const rows = await this.store.awards(financialYearStart(query.year), financialYearEnd(query.year))
    const awards = currentAwards(rows, query.year)
    const result = whatIf(version.spec, query.year, awards)
    await audit(this.db, this.laCode, actor, {
      action: 'funding_what_if.run',
      recordType: 'matrix_version',
      recordId: version.id,
      details: {
        year: query.year,
        awards: result.overall.awards,
        notRescored: result.notRescored,
        notTableFunded: result.notTableFunded,
        toBespoke: result.toBespoke,
      },
    })
    const schoolNames = new Map(rows.map(r => [r.settingId, r.settingName]))
    const localityNames = new Map(rows.map(r => [r.localityCode ?? '', r.localityName ?? 'No locality']))
    const byNet = <T extends { netPence: number; key: string }>(groups: T[]) =>
      [...groups].sort((a, b) => a.netPence - b.netPence || a.key.localeCompare(b.key))
    return {
      query,
      version: { id: version.id, name: version.name, status: version.status },
      result: {
        ...result,
        bySchool: byNet(result.bySchool.map(g => ({ ...g, label: schoolNames.get(g.key) ?? g.key }))),
        byLocality: byNet(result.byLocality.map(g => ({ ...g, label: localityNames.get(g.key) ?? g.key }))),
        byLevel: result.byLevel.map(g => ({ ...g, label: `Level ${g.key}` })),
      },
    }
  }

  /** The financial years offered: three back and one ahead of today's. */
  years(): string[] {
    const start = Number(financialYearOf(this.clock.today()).slice(0, 4))
    return [start + 1, start, start - 1, start - 2, start - 3].map(
      y => `${y}-${String((y + 1) % 100).padStart(2, '0')}`,
    )
  }
}

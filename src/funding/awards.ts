import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../platform/errors.ts'
import { parseOrThrow, toFieldErrors } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import type { DB } from '../schema.ts'
import { AwardStore, type AwardRow, type CurrentPlacement, type IssuedDecision } from './award-store.ts'
import { describeLine, explainLine, formatPounds } from './rules/explanation.ts'
import { level8PackageSchema, level8Total, packageLineAmount, packageLineSchema } from './rules/level8.ts'
import { fundedSettingType, type FundedSettingType, type MatrixVersionSpec } from './rules/matrix-version.ts'
import { financialYearEnd, financialYearOf, financialYearStart, fundingLines, tableRate } from './rules/money.ts'
import { checkChoices, missingAreas, scoreAssessment, type Choices, type Score } from './rules/scoring.ts'
import type { StoredLevel8Package } from './tables.ts'

// Deny by default: a role not listed may not do the thing. A school user acts only for pupils who
// attend their school today; LA staff for any child.
const ALLOWED = {
  'award.read': ['la_admin', 'send_manager', 'case_officer', 'school_user'],
  'award.edit': ['la_admin', 'send_manager', 'case_officer', 'school_user'],
} as const satisfies Record<string, readonly Role[]>
export type AwardPermission = keyof typeof ALLOWED

export function mayAward(actor: Actor, permission: AwardPermission): boolean {
  return (ALLOWED[permission] as readonly Role[]).includes(actor.role)
}

function authorise(actor: Actor, permission: AwardPermission): void {
  if (!mayAward(actor, permission)) throw new ForbiddenError()
}

const EDITABLE = ['draft', 'returned'] as const
const STALE = 'This funding matrix was changed by someone else after you opened it'

const idSchema = z.uuid()
const readVersionSchema = z.coerce
  .number({ error: 'The version number you read is missing: reload the page' })
  .int()
  .min(1, 'The version number you read is missing: reload the page')

export const saveAwardSchema = z.object({
  version: readVersionSchema,
  /** Per area or domain: a descriptor code, or null for "no need". A missing key is unanswered. */
  choices: z.record(z.string(), z.string().max(20).nullable()).default({}),
  evidence: z.record(z.string(), z.string().trim().max(5000, 'Enter evidence of at most 5,000 characters')).default({}),
  bandCode: z.string().trim().max(20).nullish(),
  level8: z
    .object({ rationale: z.string().trim().max(5000).default(''), lines: z.array(z.unknown()).max(200).default([]) })
    .nullish(),
})
export const submitAwardSchema = z.object({ version: readVersionSchema })
export type Slot = {
  code: string
  name: string
  descriptors: { code: string; text: string; points: number }[]
}

/** The questions of a version: each area, or each domain of a split area. */
export function slotsOf(spec: MatrixVersionSpec): Slot[] {
  return spec.areas.flatMap(area =>
    area.domains
      ? area.domains.map(d => ({ code: d.code, name: `${area.name}: ${d.name}`, descriptors: d.descriptors }))
      : [{ code: area.code, name: area.name, descriptors: area.descriptors ?? [] }],
  )
}

export type Calculation = {
  score: Score
  financialYear: string
  /** How the annual amount is reached: the version's rate table, a special school's band, or a Level 8 package. */
  basis: 'table' | 'band' | 'level8'
  annualPence: number | null
  explanation: string
}

type Band = { code: string; name: string; annual_pence_per_place: number }

/** Points, level and annual amount for an assessment, with the sentence that explains them. */
export function calculate(
  spec: MatrixVersionSpec,
  settingType: FundedSettingType,
  choices: Choices,
  context: {
    today: string
    bands: Band[]
    bandCode: string | null
    level8: StoredLevel8Package | null
    /** Referred for Level 8 by the panel: funded as the bespoke level whatever the score. */
    level8Referred?: boolean
  },
): Calculation {
  const scored = scoreAssessment(spec, choices)
  const bespokeRow = context.level8Referred ? spec.levels.find(l => l.bespoke) : undefined
  const score: Score = bespokeRow ? { ...scored, level: bespokeRow.level, levelRow: bespokeRow, bespoke: true } : scored
  const financialYear = financialYearOf(context.today)
  const levelName = score.levelRow.label ?? `Level ${score.level}`
  if (settingType === 'special') {
    const band = context.bands.find(b => b.code === context.bandCode)
    return {
      score,
      financialYear,
      basis: 'band',
      annualPence: band?.annual_pence_per_place ?? null,
      explanation: band
        ? `Special schools are funded by provision: band ${band.code} (${band.name}) is ${formatPounds(band.annual_pence_per_place)} a place in ${financialYear}. The matrix score, ${score.total} points (${levelName}), is recorded but does not set the amount.`
        : `Special schools are funded by provision: choose the pupil's band. The matrix score, ${score.total} points (${levelName}), is recorded but does not set the amount.`,
    }
  }
  if (score.bespoke) {
    const lines = context.level8?.lines ?? []
    const total = lines.length ? level8Total(lines) : null
    const why = bespokeRow
      ? `The panel referred this pupil for ${levelName} (the matrix scored ${scored.total} points, ${scored.levelRow.label ?? `Level ${scored.level}`})`
      : `A total of ${score.total} points is ${levelName}`
    return {
      score,
      financialYear,
      basis: 'level8',
      annualPence: total,
      explanation:
        total === null
          ? `${why}: it is funded by a costed package, not the rate table. Add the package's lines.`
          : `${why}: funded by a costed package of ${lines.length} line${lines.length === 1 ? '' : 's'} totalling ${formatPounds(total)} a year, once agreed.`,
    }
  }
  const from = financialYearStart(financialYear)
  const to = financialYearEnd(financialYear)
  try {
    const [line] = fundingLines({ start: from, end: to }, { from, to }, tableRate(spec, settingType, score.level))
    return {
      score,
      financialYear,
      basis: 'table',
      annualPence: line!.annualPence,
      explanation: describeLine(explainLine(spec, score, settingType, line!)),
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    return { score, financialYear, basis: 'table', annualPence: null, explanation: `${error.message}.` }
  }
}

export type AwardView = Awaited<ReturnType<AwardService['getAward']>>

export class AwardService {
  private readonly store: AwardStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new AwardStore(db, laCode)
  }

  /** A child's awards, newest first. A school user sees them only for a pupil at their school. */
  async listForChild(actor: Actor, childId: string) {
    authorise(actor, 'award.read')
    await this.childInScope(actor, childId)
    const awards = await this.store.childAwards(childId)
    const decisions = await this.store.issuedDecisions(awards.map(a => a.id))
    await audit(this.db, this.laCode, actor, {
      action: 'award.list',
      recordType: 'child',
      recordId: childId,
      details: { awards: awards.length },
    })
    // Newest first, so the first decision found for an award is its latest.
    const decisionOf = (id: string) => decisions.find(d => d.award_id === id) ?? null
    return {
      awards: awards.map(a => ({ ...summary(a), decision: decisionSummary(decisionOf(a.id)) })),
      mayStart: mayAward(actor, 'award.edit'),
    }
  }

  /**
   * The awards for the child record page, or null when the actor may not see them (the record page
   * itself refuses and audits that, so nothing is recorded twice).
   */
  async forChildRecord(actor: Actor, childId: string) {
    if (!mayAward(actor, 'award.read') || !idSchema.safeParse(childId).success) return null
    if (actor.role === 'school_user') {
      const placement = await this.store.currentPlacement(childId, this.clock.today())
      if (placement?.setting_id !== actor.settingId) return null
    }
    return this.listForChild(actor, childId)
  }

  /** Starts a matrix for a child under the version that funds their setting today, or resumes an open one. */
  async startAward(actor: Actor, childId: string): Promise<{ id: string; resumed: boolean }> {
    authorise(actor, 'award.edit')
    const placement = await this.childInScope(actor, childId)
    if (!placement) {
      throw new ValidationError([{ field: 'award', message: 'The child has no current school or setting to fund' }])
    }
    const today = this.clock.today()
    const settingType = fundedTypeOf(placement)
    const versions = await this.store.approvedVersions()
    const version = versions.find(v => v.spec.applies.some(a => a.settingType === settingType && a.from <= today))
    if (!version) {
      throw new ValidationError([
        { field: 'award', message: `No approved matrix version funds ${settingType.replace('_', ' ')} settings yet` },
      ])
    }
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      const open = await store.openAward(childId)
      if (open) return { id: open, resumed: true }
      const id = await store.insertAward({
        childId,
        settingId: placement.setting_id,
        versionId: version.id,
        settingType,
        startDate: today,
        createdBy: actor.userId,
        now: this.clock.now(),
      })
      await audit(trx, this.laCode, actor, {
        action: 'award.create',
        recordType: 'award',
        recordId: id,
        details: { childId, matrixVersionId: version.id },
      })
      return { id, resumed: false }
    })
  }

  /** An award with its version's questions and the calculation; every read is audited. */
  async getAward(actor: Actor, awardId: string, childId?: string) {
    authorise(actor, 'award.read')
    const award = await this.loadInScope(actor, 'award.read', awardId, childId)
    await audit(this.db, this.laCode, actor, { action: 'award.read', recordType: 'award', recordId: award.id })
    return this.view(actor, award)
  }

  /** Saves a draft's choices, evidence, band and Level 8 lines, if nobody has changed it since it was read. */
  async saveAward(actor: Actor, awardId: string, input: unknown, childId?: string): Promise<{ version: number }> {
    authorise(actor, 'award.edit')
    const award = await this.loadInScope(actor, 'award.edit', awardId, childId)
    const parsed = parseOrThrow(saveAwardSchema, input)
    if (!isEditable(award))
      throw new ConflictError(`This funding matrix is ${award.status} and can no longer be changed`)
    if (award.version !== parsed.version) throw new ConflictError(STALE, { version: award.version })
    const spec = await this.specOf(award)
    const problems = checkChoices(spec, parsed.choices).filter(p => parsed.choices[p.path] !== undefined)
    const errors: FieldError[] = problems.map(p => ({ field: `choice-${p.path}`, message: p.message }))
    const level8 = parseLevel8(parsed.level8, errors)
    if (errors.length) throw new ValidationError(errors)
    const slots = new Set(slotsOf(spec).map(s => s.code))
    const evidence = Object.fromEntries(Object.entries(parsed.evidence).filter(([k, v]) => slots.has(k) && v !== ''))
    const bands = await this.bandsFor(award)
    const bandCode = parsed.bandCode || null
    if (bandCode && !bands.some(b => b.code === bandCode)) {
      throw new ValidationError([{ field: 'bandCode', message: 'Choose one of the school’s bands' }])
    }
    const calc = calculate(spec, award.funded_setting_type, parsed.choices, {
      today: this.clock.today(),
      bands,
      bandCode,
      level8: level8?.package ?? null,
      level8Referred: award.level8_referred,
    })
    return this.db.transaction().execute(async trx => {
      const next = await this.store.withDb(trx).saveAward(award.id, parsed.version, {
        choices: parsed.choices as Record<string, string | null>,
        evidence,
        totalPoints: calc.score.total,
        level: calc.score.level,
        annualPence: calc.annualPence,
        bandCode,
        level8,
        now: this.clock.now(),
      })
      if (next === null) throw new ConflictError(STALE)
      // Which areas changed is enough for the record; the evidence itself is the child's information.
      await audit(trx, this.laCode, actor, {
        action: 'award.save',
        recordType: 'award',
        recordId: award.id,
        details: { version: next, answered: Object.keys(parsed.choices).length, level: calc.score.level },
      })
      return { version: next }
    })
  }

  /** Submits for agreement: refused, naming each one, while any area is unanswered or lacks evidence. */
  async submitAward(actor: Actor, awardId: string, input: unknown, childId?: string): Promise<{ version: number }> {
    authorise(actor, 'award.edit')
    const award = await this.loadInScope(actor, 'award.edit', awardId, childId)
    const { version } = parseOrThrow(submitAwardSchema, input)
    if (!isEditable(award))
      throw new ConflictError(`This funding matrix is ${award.status} and cannot be submitted again`)
    if (award.version !== version) throw new ConflictError(STALE, { version: award.version })
    const spec = await this.specOf(award)
    const choices = award.choices as Choices
    const missing = new Set(missingAreas(spec, choices))
    const errors: FieldError[] = []
    for (const slot of slotsOf(spec)) {
      if (missing.has(slot.code)) {
        errors.push({ field: `choice-${slot.code}`, message: `Choose a descriptor for ${slot.name}, or no need` })
      } else if (choices[slot.code] !== null && !award.evidence[slot.code]) {
        errors.push({ field: `evidence-${slot.code}`, message: `Enter the evidence for ${slot.name}` })
      }
    }
    const calc = calculate(spec, award.funded_setting_type, choices, {
      today: this.clock.today(),
      bands: await this.bandsFor(award),
      bandCode: award.band_code,
      level8: award.level8_package,
      level8Referred: award.level8_referred,
    })
    if (calc.basis === 'band' && calc.annualPence === null) {
      errors.push({ field: 'bandCode', message: 'Choose the provision band the pupil is funded by' })
    }
    if (calc.basis === 'level8' && !level8PackageSchema.safeParse(storedAsInput(award.level8_package)).success) {
      errors.push({ field: 'level8', message: 'Add the Level 8 package: its rationale and at least one costed line' })
    }
    if (calc.basis === 'table' && calc.annualPence === null && !errors.length) {
      errors.push({ field: 'calculation', message: calc.explanation })
    }
    if (errors.length) throw new ValidationError(errors)
    return this.db.transaction().execute(async trx => {
      const next = await this.store.withDb(trx).markSubmitted(award.id, version, actor.userId, this.clock.now())
      if (next === null) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'award.submit',
        recordType: 'award',
        recordId: award.id,
        details: { version: next, level: calc.score.level },
      })
      return { version: next }
    })
  }

  private async view(actor: Actor, award: AwardRow) {
    const spec = await this.specOf(award)
    const bands = await this.bandsFor(award)
    const choices = award.choices as Choices
    const calculation = calculate(spec, award.funded_setting_type, choices, {
      today: this.clock.today(),
      bands,
      bandCode: award.band_code,
      level8: award.level8_package,
      level8Referred: award.level8_referred,
    })
    const editable = isEditable(award) && mayAward(actor, 'award.edit')
    return {
      award: summary(award),
      spec,
      slots: slotsOf(spec).map(slot => ({
        ...slot,
        chosen: choices[slot.code],
        evidence: typeof award.evidence[slot.code] === 'string' ? (award.evidence[slot.code] as string) : '',
        points: calculation.score.areas.flatMap(a => a.chosen).find(c => c.code === slot.code)?.points ?? 0,
      })),
      bands,
      bandCode: award.band_code,
      level8: award.level8_package,
      calculation,
      editable,
      panel: {
        awaitingSessionDate: ['submitted', 'moderated'].includes(award.status)
          ? await this.store.awaitingSession(award.id)
          : null,
        decision: decisionSummary((await this.store.issuedDecisions([award.id]))[0] ?? null),
      },
      today: this.clock.today(),
    }
  }

  private async specOf(award: AwardRow): Promise<MatrixVersionSpec> {
    const spec = await this.store.versionSpec(award.matrix_version_id)
    if (!spec) throw new NotFoundError()
    return spec
  }

  private async bandsFor(award: Pick<AwardRow, 'funded_setting_type' | 'setting_id'>): Promise<Band[]> {
    if (award.funded_setting_type !== 'special') return []
    return this.store.bands(award.setting_id, financialYearOf(this.clock.today()))
  }

  /** The child's current placement, after refusing (404, audited) a school user whose pupil it is not. */
  private async childInScope(actor: Actor, childId: string): Promise<CurrentPlacement | undefined> {
    if (!idSchema.safeParse(childId).success) throw new NotFoundError()
    const placement = await this.store.currentPlacement(childId, this.clock.today())
    const inScope =
      actor.role === 'school_user' ? placement?.setting_id === actor.settingId : await this.store.childExists(childId)
    if (!inScope) {
      await this.recordDenied(actor, 'award.list', 'child', childId)
      throw new NotFoundError()
    }
    return placement
  }

  private async loadInScope(actor: Actor, action: string, awardId: string, childId?: string): Promise<AwardRow> {
    if (!idSchema.safeParse(awardId).success || (childId !== undefined && !idSchema.safeParse(childId).success)) {
      throw new NotFoundError()
    }
    const award = await this.store.findAward(awardId)
    let inScope = Boolean(award) && (childId === undefined || award!.child_id === childId)
    if (inScope && actor.role === 'school_user') {
      const placement = await this.store.currentPlacement(award!.child_id, this.clock.today())
      inScope = placement?.setting_id === actor.settingId
    }
    if (!inScope) {
      await this.recordDenied(actor, action, 'award', awardId)
      throw new NotFoundError()
    }
    return award!
  }

  private async recordDenied(actor: Actor, action: string, recordType: string, recordId: string) {
    await audit(this.db, this.laCode, actor, { action, recordType, recordId, outcome: 'denied' })
  }
}

function isEditable(award: AwardRow): boolean {
  return (EDITABLE as readonly string[]).includes(award.status)
}

function fundedTypeOf(placement: CurrentPlacement): FundedSettingType {
  if (placement.resourced_provision) return 'resource_base'
  return fundedSettingType.parse(placement.setting_type)
}

/** Lines are checked one by one so each problem names its row; the rationale is needed only to submit. */
function parseLevel8(
  input: { rationale: string; lines: unknown[] } | null | undefined,
  errors: FieldError[],
): { package: StoredLevel8Package; totalPence: number } | null {
  if (!input || (!input.lines.length && !input.rationale)) return null
  const lines: StoredLevel8Package['lines'] = []
  input.lines.forEach((line, i) => {
    const parsed = packageLineSchema.safeParse(line)
    if (parsed.success) lines.push(parsed.data)
    else
      for (const e of toFieldErrors(parsed.error))
        errors.push({ field: `line-${i}-${e.field}`, message: `Line ${i + 1}: ${e.message}` })
  })
  return { package: { rationale: input.rationale, lines }, totalPence: level8Total(lines) }
}

/** The stored package in the shape its schema reads, to check it is complete. */
function storedAsInput(stored: StoredLevel8Package | null) {
  if (!stored) return null
  return {
    rationale: stored.rationale,
    lines: stored.lines.map(l => ({
      description: l.description,
      kind: l.kind,
      quantity: l.quantityHundredths / 100,
      unitPence: l.unitPence,
    })),
  }
}

function summary(award: AwardRow) {
  return {
    id: award.id,
    childId: award.child_id,
    settingId: award.setting_id,
    matrixVersionId: award.matrix_version_id,
    versionName: award.version_name,
    fundedSettingType: award.funded_setting_type,
    status: award.status,
    level: award.level,
    totalPoints: award.total_points === null ? null : Number(award.total_points),
    annualPence: award.annual_pence,
    bandCode: award.band_code,
    level8TotalPence: award.level8_total_pence,
    startDate: award.start_date,
    endDate: award.end_date,
    version: award.version,
    returnedReason: award.returned_reason,
    submittedAt: award.submitted_at,
    agreedAt: award.agreed_at,
    level8Referred: award.level8_referred,
    lines: (award.level8_package?.lines ?? []).map(l => ({ ...l, amountPence: packageLineAmount(l) })),
  }
}

/** The panel's issued decision as the school sees it beside the award. */
function decisionSummary(d: IssuedDecision | null) {
  if (!d) return null
  return {
    id: d.id,
    outcome: d.outcome,
    proposedLevel: d.proposed_level,
    decidedLevel: d.decided_level,
    annualPence: d.annual_pence === null ? null : Number(d.annual_pence),
    reason: d.reason,
    evidenceNeeded: d.evidence_needed,
    startDate: d.start_date,
    issuedAt: d.issued_at,
  }
}

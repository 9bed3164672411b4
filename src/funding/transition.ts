import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import { isIsoDate } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import { formatPounds } from './rules/explanation.ts'
import type { FundedSettingType, MatrixVersionSpec } from './rules/matrix-version.ts'
import { financialYearOf } from './rules/money.ts'
import { annualPenceFor, type Priced } from './rules/run.ts'

// Legacy exceptional funding moving onto the matrix (docs/moderation.md, "Legacy exceptional funding"):
// every exceptional case with its old amount, its new matrix amount and the difference, and the
// protection date until which the funding run pays the higher of the two. Deny by default.
const ALLOWED = {
  'transition.read': ['la_admin', 'send_manager', 'finance_officer', 'panel_member'],
  'transition.protect': ['la_admin', 'send_manager'],
} as const satisfies Record<string, readonly Role[]>

export const TRANSITION_READERS: readonly Role[] = ALLOWED['transition.read']

const may = (actor: Actor, action: keyof typeof ALLOWED) => (ALLOWED[action] as readonly Role[]).includes(actor.role)

const STALE = 'Someone else changed this protection date since you opened the page. Nothing was saved.'

export const protectSchema = z.object({
  protectedUntil: z
    .string()
    .trim()
    .optional()
    .transform(v => v ?? '')
    .refine(v => v === '' || isIsoDate(v), 'Enter the protection date as a real date, such as 2027-08-31'),
  version: z.coerce
    .number({ error: 'This form is out of date: open the case again' })
    .int('This form is out of date: open the case again')
    .positive('This form is out of date: open the case again'),
})

export type MatrixStatus = 'moved' | 'awaiting' | 'not_assessed'

export const MATRIX_STATUS_LABELS: Record<MatrixStatus, string> = {
  moved: 'Moved onto the matrix',
  awaiting: 'Awaiting the panel',
  not_assessed: 'Not yet assessed',
}

export type TransitionCase = {
  legacyId: string
  childId: string
  childName: string
  settingId: string
  settingName: string
  oldAnnualPence: number
  startDate: string
  endDate: string | null
  note: string | null
  status: MatrixStatus
  statusLabel: string
  awardId: string | null
  awardStart: string | null
  awardEnd: string | null
  level: number | null
  /** The agreed award's annual amount in the financial year, priced as the funding run prices it. */
  newAnnualPence: number | null
  /** New less old: negative when the matrix pays less. */
  differencePence: number | null
  differenceText: string
  protectedUntil: string | null
  version: number
}

/** '−£4,450.00', '+£200.00' or '£0.00': a change in pounds with a true minus sign. */
export function signedPounds(pence: number): string {
  if (pence === 0) return formatPounds(0)
  return `${pence < 0 ? '−' : '+'}${formatPounds(Math.abs(pence))}`
}

const dateText = (d: unknown): string | null =>
  d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10)

export class TransitionService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {}

  mayProtect(actor: Actor): boolean {
    return may(actor, 'transition.protect')
  }

  /** The financial year the new amounts are priced for: today's. */
  financialYear(): string {
    return financialYearOf(this.clock.today())
  }

  /** Every exceptional case and the summary. The read is audited with the count only. */
  async list(actor: Actor) {
    if (!may(actor, 'transition.read')) throw new ForbiddenError()
    const cases = await this.cases(this.db)
    await audit(this.db, this.laCode, actor, {
      action: 'transition.read',
      recordType: 'legacy_funding',
      details: { cases: cases.length },
    })
    const today = this.clock.today()
    const moved = cases.filter(c => c.status === 'moved')
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0)
    const movedOld = sum(moved.map(c => c.oldAnnualPence))
    const movedNew = sum(moved.map(c => c.newAnnualPence ?? 0))
    return {
      financialYear: this.financialYear(),
      cases,
      summary: {
        cases: cases.length,
        moved: moved.length,
        awaiting: cases.filter(c => c.status === 'awaiting').length,
        notAssessed: cases.filter(c => c.status === 'not_assessed').length,
        oldAnnualPence: sum(cases.map(c => c.oldAnnualPence)),
        movedOldAnnualPence: movedOld,
        movedNewAnnualPence: movedNew,
        movedDifferenceText: signedPounds(movedNew - movedOld),
        protected: cases.filter(c => c.protectedUntil !== null && c.protectedUntil >= today).length,
      },
    }
  }

  /** One case; the read is audited. Not an exceptional amount of this authority: not found. */
  async case(actor: Actor, legacyId: string) {
    if (!may(actor, 'transition.read')) throw new ForbiddenError()
    const found = await this.findCase(this.db, legacyId)
    await audit(this.db, this.laCode, actor, {
      action: 'transition.read',
      recordType: 'legacy_funding',
      recordId: found.legacyId,
    })
    return { financialYear: this.financialYear(), case: found }
  }

  /**
   * Sets or clears the protection date of a case linked to its agreed award. The form's version must
   * be the row's: if someone else saved first, nothing is overwritten (409).
   */
  async protect(actor: Actor, legacyId: string, input: unknown): Promise<{ changed: boolean }> {
    if (!may(actor, 'transition.protect')) throw new ForbiddenError()
    const form = parseOrThrow(protectSchema, input)
    const until = form.protectedUntil || null
    return this.db.transaction().execute(async trx => {
      const found = await this.findCase(trx, legacyId)
      if (found.version !== form.version) throw new ConflictError(STALE, { version: found.version })
      if (found.status !== 'moved' || found.awardStart === null) {
        throw new ValidationError([
          {
            field: 'protectedUntil',
            message: 'A protection date can be set only once the pupil’s matrix award is agreed by the panel',
          },
        ])
      }
      if (until !== null && until < found.awardStart) {
        throw new ValidationError([
          {
            field: 'protectedUntil',
            message: `The protection date must be on or after the day the matrix award starts (${found.awardStart})`,
          },
        ])
      }
      if (until === found.protectedUntil) return { changed: false }
      const updated = await trx
        .updateTable('legacy_funding')
        .set({ protected_until: until, version: sql<number>`version + 1`, updated_at: sql<string>`now()` })
        .where('la_code', '=', this.laCode)
        .where('id', '=', found.legacyId)
        .where('version', '=', form.version)
        .returning('id')
        .executeTakeFirst()
      if (!updated) throw new ConflictError(STALE)
      await audit(trx, this.laCode, actor, {
        action: 'transition.protect',
        recordType: 'legacy_funding',
        recordId: found.legacyId,
        details: { protected: until !== null, hadProtection: found.protectedUntil !== null },
      })
      return { changed: true }
    })
  }

  private async findCase(db: Kysely<DB>, legacyId: string): Promise<TransitionCase> {
    if (!z.uuid().safeParse(legacyId).success) throw new NotFoundError()
    const [found] = await this.cases(db, legacyId)
    if (!found) throw new NotFoundError()
    return found
  }

  /** The exceptional cases (or one), each with its linked award priced for this financial year. */
  private async cases(db: Kysely<DB>, legacyId?: string): Promise<TransitionCase[]> {
    let query = db
      .selectFrom('legacy_funding as f')
      .innerJoin('child as c', join => join.onRef('c.la_code', '=', 'f.la_code').onRef('c.id', '=', 'f.child_id'))
      .innerJoin('setting as s', 's.id', 'f.setting_id')
      .leftJoin('award as a', join => join.onRef('a.la_code', '=', 'f.la_code').onRef('a.id', '=', 'f.award_id'))
      .leftJoin('matrix_version as v', join =>
        join.onRef('v.la_code', '=', 'a.la_code').onRef('v.id', '=', 'a.matrix_version_id'),
      )
      .select([
        'f.id as legacyId',
        'f.child_id as childId',
        'c.first_name',
        'c.last_name',
        'f.setting_id as settingId',
        's.name as settingName',
        'f.annual_pence as oldAnnualPence',
        'f.start_date as startDate',
        'f.end_date as endDate',
        'f.note',
        'f.award_id as awardId',
        'f.protected_until as protectedUntil',
        'f.version',
        'a.status as awardStatus',
        'a.setting_id as awardSettingId',
        'a.funded_setting_type as settingType',
        'a.level',
        'a.annual_pence as awardAnnualPence',
        'a.start_date as awardStart',
        'a.end_date as awardEnd',
        'a.band_code as bandCode',
        'v.spec',
      ])
      .where('f.la_code', '=', this.laCode)
      .where('f.kind', '=', 'exceptional')
      .orderBy('s.name')
      .orderBy('c.last_name')
      .orderBy('c.first_name')
      .orderBy('f.start_date')
    if (legacyId) query = query.where('f.id', '=', legacyId)
    const rows = await query.execute()
    if (!rows.length) return []

    // Awaiting the panel: the child has a matrix submitted to it, or decided but not yet issued.
    let waiting = db
      .selectFrom('award')
      .select('child_id')
      .distinct()
      .where('la_code', '=', this.laCode)
      .where('status', 'in', ['submitted', 'moderated'])
    waiting = legacyId
      ? waiting.where('child_id', '=', rows[0]!.childId)
      : waiting.where('child_id', 'in', eb =>
          eb
            .selectFrom('legacy_funding')
            .select('child_id')
            .where('la_code', '=', this.laCode)
            .where('kind', '=', 'exceptional'),
        )
    const awaiting = new Set((await waiting.execute()).map(r => r.child_id))

    const bandSettings = [...new Set(rows.filter(r => r.bandCode).map(r => r.awardSettingId!))]
    const bands = new Map<string, NonNullable<Priced['band']>>()
    if (bandSettings.length) {
      const bandRows = await db
        .selectFrom('special_school_band')
        .select(['setting_id', 'code', 'name', 'financial_year', 'annual_pence_per_place'])
        .where('la_code', '=', this.laCode)
        .where('setting_id', 'in', bandSettings)
        .execute()
      for (const b of bandRows) {
        const key = `${b.setting_id} ${b.code}`
        let band = bands.get(key)
        if (!band) bands.set(key, (band = { code: b.code, name: b.name, annualPenceByYear: {} }))
        band.annualPenceByYear[b.financial_year] = Number(b.annual_pence_per_place)
      }
    }

    const fy = this.financialYear()
    return rows.map(r => {
      const moved = r.awardId !== null && r.awardStatus === 'agreed'
      const status: MatrixStatus = moved ? 'moved' : awaiting.has(r.childId) ? 'awaiting' : 'not_assessed'
      const oldAnnualPence = Number(r.oldAnnualPence)
      let newAnnualPence: number | null = null
      if (moved && r.level !== null && r.awardAnnualPence !== null) {
        const priced: Priced = {
          settingType: r.settingType as FundedSettingType,
          level: Number(r.level),
          annualPence: Number(r.awardAnnualPence),
          spec: (r.spec as MatrixVersionSpec | null) ?? null,
          band: r.bandCode ? (bands.get(`${r.awardSettingId} ${r.bandCode}`) ?? null) : null,
        }
        newAnnualPence = annualPenceFor(priced, fy)
      }
      const differencePence = newAnnualPence === null ? null : newAnnualPence - oldAnnualPence
      return {
        legacyId: r.legacyId,
        childId: r.childId,
        childName: `${r.first_name} ${r.last_name}`,
        settingId: r.settingId,
        settingName: r.settingName,
        oldAnnualPence,
        startDate: dateText(r.startDate)!,
        endDate: dateText(r.endDate),
        note: r.note,
        status,
        statusLabel: MATRIX_STATUS_LABELS[status],
        awardId: r.awardId,
        awardStart: moved ? dateText(r.awardStart) : null,
        awardEnd: moved ? dateText(r.awardEnd) : null,
        level: r.level === null ? null : Number(r.level),
        newAnnualPence,
        differencePence,
        differenceText: differencePence === null ? '' : signedPounds(differencePence),
        protectedUntil: dateText(r.protectedUntil),
        version: Number(r.version),
      }
    })
  }
}

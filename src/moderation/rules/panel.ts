import { z } from 'zod'
import { isIsoDate } from '../../platform/time/dates.ts'
import type { DecisionOutcome } from '../tables.ts'

// The panel's rules, without the database: who may decide a case, whether enough members are
// present, what a decision must say, and how often the panel moved the schools' proposed levels.

export type Member = { id: string; name: string; settingId: string | null; settingName: string | null }

/** Why a member may not decide a case from a school, or null when they may. */
export function conflictOf(member: Member, caseSettingId: string, caseSettingName: string): string | null {
  if (member.settingId !== null && member.settingId === caseSettingId) {
    return `${member.name} belongs to ${caseSettingName}, the school that submitted this matrix, so cannot decide it. Another member must.`
  }
  return null
}

export type Quorum = { met: boolean; present: number; needed: number; message: string | null }

/**
 * Members present who are free of a conflict with the case must reach the panel's quorum before a
 * decision on it counts: a member who may not decide is not counted towards it.
 */
export function quorumFor(present: readonly Member[], quorum: number, caseSettingId: string): Quorum {
  const counted = present.filter(m => m.settingId === null || m.settingId !== caseSettingId).length
  const met = counted >= quorum
  return {
    met,
    present: counted,
    needed: quorum,
    message: met
      ? null
      : `The panel is not quorate for this case: ${counted} ${counted === 1 ? 'member' : 'members'} without a conflict ${counted === 1 ? 'is' : 'are'} recorded as present and ${quorum} ${quorum === 1 ? 'is' : 'are'} needed. Record the attendance first.`,
  }
}

export const OUTCOMES: readonly DecisionOutcome[] = ['agree', 'change_level', 'return', 'refer_level8']

export const OUTCOME_LABELS: Record<DecisionOutcome, string> = {
  agree: 'Agree the proposed level',
  change_level: 'Change the level',
  return: 'Return for more evidence',
  refer_level8: 'Refer for Level 8',
}

const text = (missing: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(2000, 'Enter at most 2,000 characters')

const optionalText = z
  .string()
  .trim()
  .max(2000, 'Enter at most 2,000 characters')
  .optional()
  .transform(v => (v ? v : null))

const optionalDate = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .refine(v => !v || isIsoDate(v), message)
    .transform(v => (v ? v : null))

/**
 * A decision as a member records it. The fields each outcome needs are required only for it, so
 * the error summary names exactly what is missing.
 */
export const decisionSchema = z
  .object({
    version: z.coerce
      .number({ error: 'The version number you read is missing: reload the page' })
      .int()
      .min(1, 'The version number you read is missing: reload the page'),
    outcome: z.enum(['agree', 'change_level', 'return', 'refer_level8'], { error: 'Choose a decision' }),
    level: z.union([z.literal(''), z.coerce.number().int()]).optional(),
    reason: optionalText,
    evidenceNeeded: optionalText,
    startDate: optionalDate('Enter the date funding starts as a real date, for example 2026-11-23'),
    protectedUntil: optionalDate('Enter the protection date as a real date, for example 2027-08-31'),
  })
  .superRefine((d, ctx) => {
    if (d.outcome === 'change_level' && (d.level === undefined || d.level === '')) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: 'Choose the level the panel agrees' })
    }
    if ((d.outcome === 'change_level' || d.outcome === 'refer_level8') && !d.reason) {
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message:
          d.outcome === 'change_level'
            ? 'Enter why the panel changed the level'
            : 'Enter why the panel refers this pupil for Level 8',
      })
    }
    if (d.outcome === 'return' && !d.evidenceNeeded) {
      ctx.addIssue({ code: 'custom', path: ['evidenceNeeded'], message: 'Enter what evidence the school must send' })
    }
    if (d.protectedUntil && d.startDate && d.protectedUntil < d.startDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['protectedUntil'],
        message: 'The protection must end on or after the date funding starts',
      })
    }
  })
export type DecisionInput = z.infer<typeof decisionSchema>

export const supersedeSchema = z.object({
  version: z.coerce
    .number({ error: 'The version number you read is missing: reload the page' })
    .int()
    .min(1, 'The version number you read is missing: reload the page'),
  level: z.coerce.number({ error: 'Choose the corrected level' }).int('Choose the corrected level'),
  reason: text('Enter why the issued decision is superseded'),
})

export type Direction = 'agreed' | 'raised' | 'lowered'

/** Which way the panel moved the school's level: lowered means the school over-scored. */
export function directionOf(proposed: number | null, decided: number | null): Direction | null {
  if (proposed === null || decided === null) return null
  return decided === proposed ? 'agreed' : decided > proposed ? 'raised' : 'lowered'
}

export type ConsistencyRow = {
  key: string
  label: string
  decided: number
  agreed: number
  raised: number
  lowered: number
  /** Of the decisions that set a level, the share the panel changed, in whole per cent. */
  changedPercent: number
  /** Mean of decided − proposed: below zero the schools scored high, above zero low. */
  meanShift: number
}

export type LevelDecision = { proposed: number | null; decided: number | null }

/** Agreed, raised and lowered counts per group, for decisions that set a level. */
export function consistency<T extends LevelDecision>(
  decisions: readonly T[],
  keyOf: (d: T) => string,
  labelOf: (d: T) => string,
): ConsistencyRow[] {
  const rows = new Map<string, ConsistencyRow & { shift: number }>()
  for (const d of decisions) {
    const direction = directionOf(d.proposed, d.decided)
    if (!direction) continue
    const key = keyOf(d)
    let row = rows.get(key)
    if (!row) {
      row = {
        key,
        label: labelOf(d),
        decided: 0,
        agreed: 0,
        raised: 0,
        lowered: 0,
        changedPercent: 0,
        meanShift: 0,
        shift: 0,
      }
      rows.set(key, row)
    }
    row.decided++
    row[direction]++
    row.shift += d.decided! - d.proposed!
  }
  return [...rows.values()]
    .map(({ shift, ...row }) => ({
      ...row,
      changedPercent: Math.round(((row.raised + row.lowered) * 100) / row.decided),
      meanShift: Math.round((shift / row.decided) * 100) / 100,
    }))
    .sort((a, b) => b.raised + b.lowered - (a.raised + a.lowered) || a.label.localeCompare(b.label))
}

/** The broad area of need a SEN2 primary need belongs to (SEND Code of Practice 6.28–6.35). */
export function areaOfNeed(needCode: string | null): string {
  switch (needCode) {
    case 'SLCN':
    case 'ASD':
      return 'Communication and interaction'
    case 'SPLD':
    case 'MLD':
    case 'SLD':
    case 'PMLD':
      return 'Cognition and learning'
    case 'SEMH':
      return 'Social, emotional and mental health'
    case 'VI':
    case 'HI':
    case 'MSI':
    case 'PD':
      return 'Sensory and/or physical'
    default:
      return 'Other or not recorded'
  }
}

/** A group worth a training conversation: at least this many decisions, and this share changed. */
export const TRAINING_THRESHOLD = { decisions: 3, changedPercent: 30 } as const

/** Whether a group's decisions were changed often enough, over enough cases, to suggest training. */
export function needsTraining(row: Pick<ConsistencyRow, 'decided' | 'changedPercent'>): boolean {
  return row.decided >= TRAINING_THRESHOLD.decisions && row.changedPercent >= TRAINING_THRESHOLD.changedPercent
}

/** Every decision that set a level as one row (all zeros when there are none). */
export function consistencyTotal<T extends LevelDecision>(
  decisions: readonly T[],
  label = 'All decisions',
): ConsistencyRow {
  return (
    consistency(
      decisions,
      () => 'all',
      () => label,
    )[0] ?? {
      key: 'all',
      label,
      decided: 0,
      agreed: 0,
      raised: 0,
      lowered: 0,
      changedPercent: 0,
      meanShift: 0,
    }
  )
}

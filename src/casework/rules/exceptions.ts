import { z } from 'zod'
import { addDays, daysBetween, isIsoDate } from '../../platform/time/dates.ts'
import type { Rule } from './clocks.ts'

// Exceptions to the R1, R3 and R5 time limits (regs 5(4), 10(4), 13(3)): the LA may run past the
// deadline when it is impractical to meet it because of one of these. An exception is recorded with
// its reason, dates and who applied it, and it never moves a deadline: a late step stays late, and
// is counted "with exceptions".

export type ExceptionKind = 'school_closure' | 'personal_circumstances' | 'absent_from_area' | 'early_years_closure'

export const EXCEPTION_KINDS: readonly ExceptionKind[] = [
  'school_closure',
  'personal_circumstances',
  'absent_from_area',
  'early_years_closure',
]

export const EXCEPTION_LABELS: Record<ExceptionKind, string> = {
  school_closure: 'School or post-16 institution closed for at least 4 weeks',
  personal_circumstances: 'Exceptional personal circumstances of the child, young person or parent',
  absent_from_area: 'Child, young person or parent away from the area for at least 4 weeks',
  early_years_closure: 'Early years provider closed for at least 4 weeks',
}

/** Closures and absences must last at least 4 continuous weeks. */
export const MINIMUM_DAYS = 28

const LENGTH_RULE: Record<ExceptionKind, boolean> = {
  school_closure: true,
  personal_circumstances: false,
  absent_from_area: true,
  early_years_closure: true,
}

const isoDate = (what: string) =>
  z
    .string({ error: `Enter the ${what} date` })
    .trim()
    .refine(isIsoDate, `Enter the ${what} date as a real date, like 2026-03-05`)

const requiredText = (missing: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(2000, 'Enter at most 2,000 characters')

/**
 * `from` and `to` are the first and last days of the closure, absence or circumstances (inclusive);
 * a closed setting reopens on `to` + 1 day. For a closure, `informationRequestedOn` is when the LA
 * asked the setting for advice or information: it must fall from one week before the closure began
 * until one week before the setting reopened.
 */
export const exceptionSchema = z
  .object({
    kind: z.enum(EXCEPTION_KINDS as [ExceptionKind, ...ExceptionKind[]], { error: 'Choose the kind of exception' }),
    from: isoDate('start'),
    to: isoDate('end'),
    reason: requiredText('Enter the reason for the exception'),
    appliedBy: requiredText('Enter who applied the exception'),
    informationRequestedOn: isoDate('information requested').nullish(),
  })
  .superRefine((e, ctx) => {
    if (!isIsoDate(e.from) || !isIsoDate(e.to)) return
    if (e.to < e.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date must be on or after the start date' })
      return
    }
    if (LENGTH_RULE[e.kind] && daysBetween(e.from, e.to) + 1 < MINIMUM_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'This exception needs at least 4 continuous weeks' })
    }
    if (e.kind === 'school_closure' || e.kind === 'early_years_closure') {
      const requested = e.informationRequestedOn
      if (!requested) {
        ctx.addIssue({
          code: 'custom',
          path: ['informationRequestedOn'],
          message: 'Enter the date the LA asked the setting for information',
        })
      } else if (isIsoDate(requested)) {
        const window = closureRequestWindow(e.from, e.to)
        if (requested < window.from || requested > window.to) {
          ctx.addIssue({
            code: 'custom',
            path: ['informationRequestedOn'],
            message: `The request for information must be between ${window.from} and ${window.to}: from one week before the closure until one week before the setting reopens`,
          })
        }
      }
    }
  })

export type CaseException = z.infer<typeof exceptionSchema>

/** From one week before the closure's first day until one week before it reopens (the day after `to`). */
export function closureRequestWindow(from: string, to: string): { from: string; to: string } {
  return { from: addDays(from, -7), to: addDays(addDays(to, 1), -7) }
}

/** The rules each kind excuses: all four excuse R3 and R5 (regs 10(4), 13(3)); R1 has no early years closure (reg 5(4)). */
const EXCUSES: Record<ExceptionKind, readonly Rule[]> = {
  school_closure: ['R1', 'R3', 'R5'],
  personal_circumstances: ['R1', 'R3', 'R5'],
  absent_from_area: ['R1', 'R3', 'R5'],
  early_years_closure: ['R3', 'R5'],
}

export function appliesTo(exception: Pick<CaseException, 'kind'>, rule: Rule): boolean {
  return EXCUSES[exception.kind].includes(rule)
}

export type Timeliness = { met: boolean; late: number; withException: boolean }

/**
 * Whether a step was done in time. `late` is the number of calendar days after the deadline (0 when
 * met). `withException` is true when an exception that applies to the rule had begun by the time the
 * step was done — met or late; the DfE's "excluding exceptions" measure leaves such cases out either
 * way. The deadline itself is never moved. Without a rule, every exception given is taken to apply.
 */
export function timeliness(
  deadline: string,
  doneOn: string,
  exceptions: readonly Pick<CaseException, 'kind' | 'from'>[],
  rule?: Rule,
): Timeliness {
  if (!isIsoDate(deadline) || !isIsoDate(doneOn)) throw new RangeError(`Not ISO dates: ${deadline}, ${doneOn}`)
  const late = Math.max(0, daysBetween(deadline, doneOn))
  const withException = exceptions.some(e => (rule === undefined || appliesTo(e, rule)) && e.from <= doneOn)
  return { met: late === 0, late, withException }
}

import { z } from 'zod'
import { divideRoundHalfUp } from './money.ts'

// Level 8 is not read from a table: it is a person-centred package, costed line by line and approved
// by panel. Quantities (hours a week × weeks, sessions, items) may have two decimal places, so they
// are held in whole hundredths and each line is rounded half up to pence once; the package's annual
// amount is the sum of its rounded lines. The bounds keep quantity × unit (≤ 10^7 × 10^7) exact in a double.

export const PACKAGE_LINE_KINDS = ['staff', 'equipment', 'therapy', 'other'] as const

const twoDecimalPlaces = (n: number) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9

export const packageLineSchema = z
  .object({
    description: z.string().trim().min(1).max(500),
    kind: z.enum(PACKAGE_LINE_KINDS),
    quantity: z.number().positive().max(100_000).refine(twoDecimalPlaces, 'at most two decimal places'),
    /** Cost of one unit (an hour, a session, an item) in pence. */
    unitPence: z.number().int().min(0).max(10_000_000),
  })
  .transform(({ quantity, ...line }) => ({ ...line, quantityHundredths: Math.round(quantity * 100) }))

export const level8PackageSchema = z.object({
  lines: z.array(packageLineSchema).min(1).max(200),
  /** Why the pupil meets the Level 8 criteria; read by the panel. */
  rationale: z.string().trim().min(1).max(5000),
})
export type PackageLine = z.output<typeof packageLineSchema>
export type Level8Package = z.output<typeof level8PackageSchema>

/** quantity × unit cost, half up to pence. */
export function packageLineAmount(line: Pick<PackageLine, 'quantityHundredths' | 'unitPence'>): number {
  return divideRoundHalfUp(line.quantityHundredths * line.unitPence, 100)
}

export function level8Total(lines: readonly Pick<PackageLine, 'quantityHundredths' | 'unitPence'>[]): number {
  return lines.reduce((s, l) => s + packageLineAmount(l), 0)
}

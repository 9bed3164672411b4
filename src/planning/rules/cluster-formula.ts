// The Norfolk model: a pot delegated to clusters of schools by a formula of weighted factors. Each
// factor's weight is a share of the pot in basis points (the weights must sum to exactly 10,000, i.e.
// 100%); a cluster gets that share in proportion to its measure of the factor. Shares are whole pence
// and sum exactly to the pot: each is rounded down and the pennies left go one each to the largest
// remainders (ties to the earlier cluster), so no penny is made or lost.

export const FACTORS = ['pupils', 'ehcps', 'senSupport', 'deprivation'] as const
export type Factor = (typeof FACTORS)[number]
export const FACTOR_LABELS: Record<Factor, string> = {
  pupils: 'Pupil numbers',
  ehcps: 'EHC plans',
  senSupport: 'Pupils on SEN support',
  deprivation: 'Deprivation (pupils eligible for free school meals)',
}

export type Weights = Record<Factor, number>
export type ClusterMeasures = { key: string } & Record<Factor, number>
export type Problem = { field: string; message: string }

export const WHOLE = 10_000

/** Every problem with a formula, named by field; empty when it adds up. */
export function formulaProblems(potPence: number, weights: Weights, clusters: readonly ClusterMeasures[]): Problem[] {
  const problems: Problem[] = []
  if (!Number.isInteger(potPence) || potPence < 0)
    problems.push({ field: 'pot', message: 'The pot must be an amount in pounds and pence, not negative' })
  for (const f of FACTORS) {
    const w = weights[f]
    if (!Number.isInteger(w) || w < 0 || w > WHOLE)
      problems.push({
        field: f,
        message: `${FACTOR_LABELS[f]} weight must be between 0% and 100%, to 2 decimal places`,
      })
  }
  const sum = FACTORS.reduce((s, f) => s + weights[f], 0)
  if (FACTORS.every(f => Number.isInteger(weights[f])) && sum !== WHOLE)
    problems.push({
      field: FACTORS[0],
      message: `The weights must add up to 100% (they add up to ${(sum / 100).toFixed(2)}%)`,
    })
  for (const f of FACTORS) {
    if (weights[f] > 0 && clusters.reduce((s, c) => s + c[f], 0) <= 0)
      problems.push({
        field: f,
        message: `No cluster has any ${FACTOR_LABELS[f].toLowerCase()}, so that weight cannot be shared`,
      })
  }
  if (!clusters.length) problems.push({ field: 'form', message: 'There are no clusters to share the pot between' })
  return problems
}

/** Largest remainder: whole-pence parts of `total` in proportion to `ideal` (which sums to total). */
export function largestRemainder(total: number, ideal: readonly number[]): number[] {
  const floors = ideal.map(v => Math.floor(v))
  let left = total - floors.reduce((s, v) => s + v, 0)
  const order = ideal.map((v, i) => ({ i, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r || a.i - b.i)
  const out = [...floors]
  // Float error can leave the floors a penny either side of the total; the loop settles it exactly.
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]! += 1
  for (let k = order.length - 1; left < 0; k = (k - 1 + order.length) % order.length) {
    if (out[order[k]!.i]! > 0) {
      out[order[k]!.i]! -= 1
      left++
    }
  }
  return out
}

/** Each cluster's share of the pot in pence, in the clusters' order; they sum exactly to the pot. */
export function clusterShares(potPence: number, weights: Weights, clusters: readonly ClusterMeasures[]): number[] {
  const totals = Object.fromEntries(FACTORS.map(f => [f, clusters.reduce((s, c) => s + c[f], 0)])) as Weights
  const ideal = clusters.map(c =>
    FACTORS.reduce((s, f) => (totals[f] > 0 ? s + (potPence * weights[f] * c[f]) / (WHOLE * totals[f]) : s), 0),
  )
  return largestRemainder(potPence, ideal)
}

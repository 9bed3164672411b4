// The floor for what-if-700k: the same arithmetic over the same 700,000 awards as one plain loop over
// typed arrays, starting from the same encoded columns. What-if can only be this fast; the ratio of
// the two says what its structure (unpriced awards, per-award output, group records) costs.
import { compileVersion, encodeAwards, whatIfColumns } from '../src/funding/rules/what-if.ts'
import { machine, report, summarise } from './lib.ts'
import { AWARDS, draftVersion, FINANCIAL_YEAR, floorLoop, peakRssMb, syntheticAwards } from './what-if-data.ts'

// Taken before this benchmark adds its own load.
const before = machine()

const RUNS = Number(process.env.BENCH_RUNS_WHAT_IF ?? 9)
const WARM_UP = 2

const compiled = compileVersion(draftVersion(), FINANCIAL_YEAR)
const columns = encodeAwards(compiled, syntheticAwards())
const expected = whatIfColumns(compiled, columns).overall.netPence

const times: number[] = []
for (let run = 0; run < WARM_UP + RUNS; run++) {
  const t0 = performance.now()
  const { net } = floorLoop(compiled, columns)
  const ms = performance.now() - t0
  if (net !== expected) throw new Error('The floor loop and what-if disagree')
  if (run >= WARM_UP) times.push(ms)
}

report('what-if-700k-floor', {
  ...summarise(times),
  warm_up: WARM_UP,
  awards: AWARDS,
  net_pence: expected,
  peak_rss_mb: peakRssMb(),
  ...before,
})

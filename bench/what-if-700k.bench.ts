// A Schools Forum what-if at the scale of all of England: a draft matrix version run over 700,000
// current awards in-process (compile the draft, encode the awards, re-score, price, and total per
// school, locality and level). Target: under 1 s. The same process also times the typed-array floor
// (bench/what-if-700k-floor.bench.ts) so the ratio to the plainest possible loop is on this line.
import { compileVersion, encodeAwards, whatIf, whatIfColumns } from '../src/funding/rules/what-if.ts'
import { machine, report, summarise } from './lib.ts'
import { AWARDS, draftVersion, FINANCIAL_YEAR, floorLoop, peakRssMb, syntheticAwards } from './what-if-data.ts'

// Taken before this benchmark adds its own load.
const before = machine()

const RUNS = Number(process.env.BENCH_RUNS_WHAT_IF ?? 9)
const WARM_UP = 2

const generated = performance.now()
const awards = syntheticAwards()
const generateMs = performance.now() - generated
const draft = draftVersion()

const full: number[] = []
const encode: number[] = []
const rescore: number[] = []
const floor: number[] = []
let result = whatIf(draft, FINANCIAL_YEAR, awards)
for (let run = 0; run < WARM_UP + RUNS; run++) {
  let t0 = performance.now()
  result = whatIf(draft, FINANCIAL_YEAR, awards)
  const fullMs = performance.now() - t0

  t0 = performance.now()
  const compiled = compileVersion(draft, FINANCIAL_YEAR)
  const columns = encodeAwards(compiled, awards)
  const encodeMs = performance.now() - t0
  t0 = performance.now()
  const columnsResult = whatIfColumns(compiled, columns)
  const rescoreMs = performance.now() - t0
  t0 = performance.now()
  const floorResult = floorLoop(compiled, columns)
  const floorMs = performance.now() - t0
  if (floorResult.net !== columnsResult.overall.netPence) throw new Error('The floor loop and what-if disagree')

  if (run < WARM_UP) continue
  full.push(fullMs)
  encode.push(encodeMs)
  rescore.push(rescoreMs)
  floor.push(floorMs)
}

const figures = summarise(full)
const rescoreMedian = summarise(rescore).median_ms
const floorMedian = summarise(floor).median_ms
const round = (n: number) => Math.round(n * 100) / 100
report('what-if-700k', {
  ...figures,
  warm_up: WARM_UP,
  awards: AWARDS,
  encode_median_ms: summarise(encode).median_ms,
  rescore_median_ms: rescoreMedian,
  floor_median_ms: floorMedian,
  ratio_to_floor: round(figures.median_ms / floorMedian),
  rescore_ratio_to_floor: round(rescoreMedian / floorMedian),
  target_ms: 1000,
  within_target: figures.median_ms < 1000,
  generate_ms: round(generateMs),
  gaining: result.overall.gaining,
  losing: result.overall.losing,
  net_pence: result.overall.netPence,
  schools: result.bySchool.length,
  localities: result.byLocality.length,
  peak_rss_mb: peakRssMb(),
  ...before,
})

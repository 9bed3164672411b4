// From nothing to serving the demo: a fresh data folder, migrations, the demo authority generated
// and loaded, and GET /health answering 200. This is what a first `npm start` costs.
import fs from 'node:fs'
import { machine, report, startServer, summarise, tempDataDir } from './lib.ts'

// Taken before this benchmark adds its own load.
const before = machine()

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
// Stops early (after at least 3 runs) rather than run past its time budget on a slow machine.
const BUDGET_MS = 100_000

const times: number[] = []
const peaks: number[] = []
const begun = performance.now()
while (times.length < RUNS && (times.length < 3 || performance.now() - begun < BUDGET_MS)) {
  const dataDir = tempDataDir()
  try {
    const server = await startServer(dataDir)
    times.push(server.readyMs)
    const peak = server.peakRssMb()
    if (peak !== null) peaks.push(peak)
    await server.stop()
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

report('start-demo', {
  ...summarise(times),
  samples_ms: times.map(Math.round),
  peak_rss_mb: peaks.length ? Math.max(...peaks) : null,
  database: 'pglite',
  ...before,
})

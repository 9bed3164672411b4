// A finance officer's funding run for the demo authority: the current financial year's lines for every
// agreed award and legacy amount, read from the database and computed in memory, on PGlite.
import fs from 'node:fs'
import { loadFundingDemo } from '../src/funding/demo.ts'
import { FundingRunService } from '../src/funding/runs.ts'
import { loadDemo } from '../src/people/demo/index.ts'
import { analyze, createDb } from '../src/platform/db/index.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { systemClock } from '../src/platform/time/clock.ts'
import { machine, report, summarise, tempDataDir } from './lib.ts'

const before = machine()
const RUNS = Number(process.env.BENCH_RUNS_FUNDING ?? 20)
const LA = '332'

const dataDir = tempDataDir()
const database = await createDb({ dataDir })
try {
  await migrate(database.db)
  const loadStarted = performance.now()
  await loadDemo(database.db, { laCode: LA, asAt: systemClock.today(), scale: 1 })
  await loadFundingDemo(database.db, LA, systemClock.now())
  const demoLoadMs = performance.now() - loadStarted
  await analyze(database.db)
  const service = new FundingRunService(database.db, LA, systemClock)
  const actor = {
    userId: '',
    username: 'bench',
    displayName: 'Bench',
    role: 'finance_officer' as const,
    settingId: null,
    ip: null,
  }
  let lines = 0
  let total = 0
  const once = async () => {
    const { run } = await service.run(actor, {})
    lines = run.lines.length
    total = run.totalPence
  }
  await once()
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    await once()
    times.push(performance.now() - t0)
  }
  report('funding-run-demo', {
    ...summarise(times),
    lines,
    total_pence: total,
    demo_load_ms: Math.round(demoLoadMs),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    database: 'pglite',
    ...before,
  })
} finally {
  await database.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
}

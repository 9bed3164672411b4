// The forecast for the demo authority on PGlite: the demo loaded once into a temporary folder, then the
// whole forecast (eight Januaries of caseload read through the insight caseload, the cohort projection
// five years ahead with a scenario, every breakdown) timed in process, run after run. Target < 500 ms.
import fs from 'node:fs'
import { loadCaseworkDemo } from '../src/casework/demo.ts'
import { loadFundingDemo } from '../src/funding/demo.ts'
import { loadModerationDemo } from '../src/moderation/demo.ts'
import { loadDemo } from '../src/people/demo/index.ts'
import { ForecastService } from '../src/planning/forecast-service.ts'
import { loadSufficiencyDemo } from '../src/planning/sufficiency-demo.ts'
import { analyze, createDb } from '../src/platform/db/index.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { setLogLevel } from '../src/platform/log.ts'
import { systemClock } from '../src/platform/time/clock.ts'
import { machine, report, summarise, tempDataDir } from './lib.ts'

const before = machine()
const RUNS = Number(process.env.BENCH_RUNS_FORECAST ?? 20)
const WARM_UP = 2
const TARGET_MS = 500
const LA = '332'

setLogLevel('warn')
const dataDir = tempDataDir()
const database = await createDb({ dataDir })
try {
  await migrate(database.db)
  await loadDemo(database.db, { laCode: LA, asAt: systemClock.today(), scale: 1 })
  await loadFundingDemo(database.db, LA, systemClock.now())
  await loadModerationDemo(database.db, LA, systemClock.now())
  await loadCaseworkDemo(database.db, LA, systemClock.now())
  await loadSufficiencyDemo(database.db, LA)
  await analyze(database.db)

  const service = new ForecastService(database.db, LA, systemClock)
  const actor = {
    userId: '00000000-0000-4000-8000-000000000000',
    username: 'bench',
    displayName: 'Bench',
    role: 'send_manager' as const,
    settingId: null,
    ip: null,
  }
  const samples: number[] = []
  let plans = 0
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const started = performance.now()
    const view = await service.view(actor, { newPlansPercent: '10', ceasingFrom16Percent: '20', years: '5' }, {})
    if (!view.ok) throw new Error(`the demo forecast declined: ${view.reason}`)
    plans = view.series[0]!.value
    if (i >= WARM_UP) samples.push(performance.now() - started)
  }
  const figures = summarise(samples)
  report('forecast-demo', {
    ...figures,
    target_ms: TARGET_MS,
    pass: figures.median_ms < TARGET_MS,
    plans_at_jump_off: plans,
    years: 5,
    machine_before: before,
    machine_after: machine(),
  })
} finally {
  await database.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
}

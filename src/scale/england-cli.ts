import { parseArgs } from 'node:util'
import { createDb } from '../platform/db/index.ts'
import { migrate } from '../platform/db/migrate.ts'
import { systemClock } from '../platform/time/clock.ts'
import { EnglandRefused, generateEngland } from './england.ts'

export const GENERATE_USAGE = `  generate england --database-url postgres://… [--scale 1] [--seed 1] [--as-at YYYY-MM-DD] [--la 886,332]
                        load synthetic data for every authority in England (about 640,000 EHC plans at
                        --scale 1), sized from the DfE's published figures, into an empty PostgreSQL
                        database; run again with the same options to finish an interrupted load (docs/scale.md)`

const USAGE = `Usage: opensend generate england --database-url postgres://… [--scale 1] [--seed 1] [--as-at YYYY-MM-DD] [--la 886,332]`

/** The seed when none is given: the same England on every machine. */
export const ENGLAND_SEED = 1

export async function generateCommand(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'database-url': { type: 'string' },
        scale: { type: 'string', default: '1' },
        seed: { type: 'string', default: String(ENGLAND_SEED) },
        'as-at': { type: 'string' },
        la: { type: 'string' },
      },
    })
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    return 1
  }
  const { values, positionals } = parsed
  const url = values['database-url'] ?? process.env.DATABASE_URL
  if (positionals.length !== 1 || positionals[0] !== 'england' || !url) {
    console.error(USAGE)
    return 1
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    console.error(
      '--database-url must be a PostgreSQL URL (postgres://…): England is too large for the embedded database',
    )
    return 1
  }
  const database = await createDb({ databaseUrl: url })
  try {
    await migrate(database.db)
    const report = await generateEngland(database.db, {
      scale: Number(values.scale),
      seed: Number(values.seed),
      asAt: values['as-at'] ?? systemClock.today(),
      only: values.la?.split(',').map(code => code.trim()),
      log: line => console.log(line),
    })
    const rows = Object.entries(report.rows).map(([table, n]) => `${table} ${n}`)
    console.log(
      `Loaded ${report.authorities} authorities${report.skipped ? ` (${report.skipped} already loaded)` : ''}: ${report.plans} EHC plans, ${report.senSupport} on SEN support; rows: ${rows.join(', ')}`,
    )
    console.log(
      `Took ${(report.totalMs / 1000).toFixed(1)} s: generating ${(report.generateMs / 1000).toFixed(1)} s, loading ${(report.loadMs / 1000).toFixed(1)} s, indexes and statistics ${(report.indexMs / 1000).toFixed(1)} s`,
    )
    return 0
  } catch (error) {
    if (!(error instanceof EnglandRefused)) throw error
    console.error(`Nothing was loaded: ${error.message}`)
    return 1
  } finally {
    await database.close()
  }
}

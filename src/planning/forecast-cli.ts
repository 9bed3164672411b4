import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { PublishedFileRejected } from '../insight/published-import.ts'
import { readForecastRelease } from './forecast-published.ts'
import { forecast, total, withBands } from './rules/forecast.ts'
import { backtest, ENGLAND_KEY, METHODS, type Backtest } from './rules/forecast-published.ts'

// `opensend forecast backtest` and `opensend forecast published`: the forecast method run on the DfE
// releases as published, to score it against what happened and to project any authority or England.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Where the published releases sit beside the project in development and CI. */
export const SHARED_DATA = path.resolve(root, '../shared/data')

export const FORECAST_USAGE = `  forecast backtest [--data <folder>] [--json]
                        score the forecast on every authority's published caseload (origins January 2019–2022,
                        1–3 years ahead) beside two naive baselines; the folder holds the DfE release zips
                        (default ../shared/data)
  forecast published --release <zip or folder> --la <old LA code, or england> [--years N]
                        forecast plans at each January after the release's last, as JSON`

const pct = (n: number) => `${n >= 0 ? ' ' : ''}${n.toFixed(2)}%`

/** The backtest as a text table: one row per horizon, MAPE and bias per method. */
export function backtestText(result: Backtest): string {
  const lines = [
    `Backtest on ${result.authorities} authorities, origins January ${result.origins.join(', ')}; MAPE (bias) per horizon.`,
    ['Horizon', ...METHODS.map(m => m.padEnd(20))].join('  '),
  ]
  for (const h of result.horizons) {
    const cells = METHODS.map(m => {
      const row = result.rows.find(r => r.method === m && r.horizon === h)!
      return `${row.mape.toFixed(2)}% (${pct(row.bias).trim()})`.padEnd(20)
    })
    lines.push([`${h} year${h === 1 ? ' ' : 's'}`.padEnd(7), ...cells].join('  '))
  }
  lines.push(
    result.beatsBaselines
      ? 'The cohort method beats both baselines at every horizon.'
      : 'The cohort method does NOT beat both baselines at every horizon.',
  )
  if (result.excluded.length) {
    lines.push(`Left out (${result.excluded.length}):`)
    for (const e of result.excluded) lines.push(`  ${e.area} ${e.name}: ${e.reason}`)
  }
  return lines.join('\n')
}

export async function forecastCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  try {
    if (sub === 'backtest') {
      const { values } = parseArgs({
        args: rest,
        options: { data: { type: 'string' }, json: { type: 'boolean' } },
      })
      const result = backtest((await readForecastRelease(values.data ?? SHARED_DATA)).values())
      console.log(values.json ? JSON.stringify(result, null, 2) : backtestText(result))
      return 0
    }
    if (sub === 'published') {
      const { values } = parseArgs({
        args: rest,
        options: { release: { type: 'string' }, la: { type: 'string' }, years: { type: 'string' } },
      })
      const years = Number(values.years ?? 5)
      if (!values.release || !values.la || !Number.isInteger(years) || years < 1 || years > 10) {
        console.error(
          'Usage: opensend forecast published --release <zip or folder> --la <old LA code, or england> [--years 1–10]',
        )
        return 1
      }
      const area = values.la.toLowerCase() === ENGLAND_KEY ? ENGLAND_KEY : values.la
      const series = (await readForecastRelease(values.release)).get(area)
      if (!series) {
        console.error(
          `${values.la}: the release has no figures for that area (give an old LA code such as 332, or england)`,
        )
        return 1
      }
      const outcome = forecast(series.history, years)
      if (!outcome.ok) {
        console.error(`${series.name}: ${outcome.reason}`)
        return 1
      }
      const p = outcome.projection
      const points = withBands(
        p.origin,
        p.years.slice(1).map(y => ({ year: y.year, value: total(p, y.stock) })),
      )
      console.log(JSON.stringify(points))
      return 0
    }
  } catch (error) {
    if (!(error instanceof PublishedFileRejected)) throw error
    console.error(error.message)
    return 1
  }
  console.error(`Usage:\n${FORECAST_USAGE}`)
  return 1
}

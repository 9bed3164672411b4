import type { ForecastPoint } from './rules/forecast.ts'

// The forecast as a server-drawn line chart (the src/insight/charts.ts pattern: inline SVG, named for
// what it shows and for the table that holds the same figures, no script): the projected plans each
// January as a line, the 80% band as a shaded area, and the no-change forecast dashed when a scenario
// moves the line away from it.

export type LineChart = {
  id: string
  title: string
  width: number
  height: number
  /** SVG points for the band's polygon, the scenario line and the no-change line. */
  band: string
  line: string
  baseline: string | null
  xTicks: { x: number; label: string }[]
  yTicks: { y: number; label: string }[]
  dots: { x: number; y: number }[]
  left: number
  right: number
  top: number
  bottom: number
}

const WIDTH = 640
const HEIGHT = 280
const LEFT = 70
const RIGHT = 20
const TOP = 16
const BOTTOM = 36
const fmt = new Intl.NumberFormat('en-GB')

/** A nice round step for about five gridlines across the span. */
function step(span: number): number {
  const raw = span / 5
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)))
  return [1, 2, 5, 10].map(m => m * power).find(s => s >= raw) ?? power * 10
}

export function forecastChart(
  id: string,
  what: string,
  tableCaption: string,
  series: readonly ForecastPoint[],
  baseline: readonly ForecastPoint[] | null,
): LineChart {
  const values = [...series.flatMap(p => [p.low, p.high]), ...(baseline ?? []).map(p => p.value)]
  const s = step(Math.max(1, Math.max(...values) - Math.min(...values)))
  const lo = Math.max(0, Math.floor(Math.min(...values) / s) * s)
  const hi = Math.max(lo + s, Math.ceil(Math.max(...values) / s) * s)
  const n = Math.max(1, series.length - 1)
  const x = (i: number) => Math.round((LEFT + ((WIDTH - LEFT - RIGHT) * i) / n) * 10) / 10
  const y = (v: number) => Math.round((TOP + ((HEIGHT - TOP - BOTTOM) * (hi - v)) / (hi - lo)) * 10) / 10
  const path = (points: readonly ForecastPoint[], pick: (p: ForecastPoint) => number) =>
    points.map((p, i) => `${x(i)},${y(pick(p))}`).join(' ')
  const band = `${path(series, p => p.high)} ${[...series]
    .map((p, i) => `${x(i)},${y(p.low)}`)
    .reverse()
    .join(' ')}`
  const moved = baseline && baseline.some((p, i) => p.value !== series[i]?.value)
  const yTicks: { y: number; label: string }[] = []
  for (let v = lo; v <= hi; v += s) yTicks.push({ y: y(v), label: fmt.format(v) })
  return {
    id,
    title: `Line chart: ${what}, with the 80% band shaded${moved ? ' and the no-change forecast dashed' : ''}. The same figures are in the table “${tableCaption}”.`,
    width: WIDTH,
    height: HEIGHT,
    band,
    line: path(series, p => p.value),
    baseline: moved ? path(baseline, p => p.value) : null,
    xTicks: series.map((p, i) => ({ x: x(i), label: String(p.year) })),
    yTicks,
    dots: series.map((p, i) => ({ x: x(i), y: y(p.value) })),
    left: LEFT,
    right: WIDTH - RIGHT,
    top: TOP,
    bottom: HEIGHT - BOTTOM,
  }
}

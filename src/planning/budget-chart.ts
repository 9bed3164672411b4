import type { TrajectoryYear } from './rules/budget-trajectory.ts'

// The deficit trajectory as a server-drawn line chart (the src/insight/charts.ts pattern: inline SVG,
// named for the table holding the same figures, no script): doing nothing, and each scenario switched on.

const WIDTH = 640
const HEIGHT = 280
// Room on the right for the last year's label, which is centred on the last point.
const [LEFT, RIGHT, TOP, BOTTOM] = [80, 36, 16, 36]
const COLOURS = ['#0b0c0c', '#1d70b8', '#00703c', '#d4351c', '#4c2c92', '#f47738']
const DASHES = ['', '6 4', '2 3', '10 3 2 3', '1 2', '8 2']

export type TrajectoryChart = {
  id: string
  title: string
  width: number
  height: number
  lines: { label: string; points: string; colour: string; dash: string }[]
  xTicks: { x: number; label: string }[]
  yTicks: { y: number; label: string }[]
  left: number
  right: number
}

const millions = (pence: number) => `£${(pence / 100_000_000).toFixed(0)}m`

export function trajectoryChart(
  id: string,
  tableCaption: string,
  series: readonly { label: string; years: readonly TrajectoryYear[] }[],
): TrajectoryChart {
  const values = series.flatMap(s => s.years.map(y => y.cumulativeDeficitPence))
  const span = Math.max(1, Math.max(...values) - Math.min(0, ...values))
  const raw = span / 5
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw)!
  const lo = Math.floor(Math.min(0, ...values) / step) * step
  const hi = Math.max(lo + step, Math.ceil(Math.max(...values) / step) * step)
  const n = Math.max(1, (series[0]?.years.length ?? 1) - 1)
  const x = (i: number) => Math.round((LEFT + ((WIDTH - LEFT - RIGHT) * i) / n) * 10) / 10
  const y = (v: number) => Math.round((TOP + ((HEIGHT - TOP - BOTTOM) * (hi - v)) / (hi - lo)) * 10) / 10
  const yTicks: { y: number; label: string }[] = []
  for (let v = lo; v <= hi; v += step) yTicks.push({ y: y(v), label: millions(v) })
  return {
    id,
    title: `Line chart: the cumulative High Needs deficit at the end of each financial year, ${series
      .map(s => s.label)
      .join(', ')}. The same figures are in the table “${tableCaption}”.`,
    width: WIDTH,
    height: HEIGHT,
    lines: series.map((s, i) => ({
      label: s.label,
      points: s.years.map((yr, j) => `${x(j)},${y(yr.cumulativeDeficitPence)}`).join(' '),
      colour: COLOURS[i % COLOURS.length]!,
      dash: DASHES[i % DASHES.length]!,
    })),
    xTicks: (series[0]?.years ?? []).map((yr, j) => ({
      x: x(j),
      label: `${yr.year}-${String((yr.year + 1) % 100).padStart(2, '0')}`,
    })),
    yTicks,
    left: LEFT,
    right: WIDTH - RIGHT,
  }
}

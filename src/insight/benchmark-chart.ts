// A simple line chart, drawn as SVG by the template from these coordinates. The chart is a picture of
// the table beside it (role="img", labelled by the table's caption): the table is the source.

export type ChartSeries = {
  name: string
  colour: string
  dash: string
  /** Each unbroken run of points as an SVG polyline `points` value; a year with no number breaks the line. */
  segments: string[]
  points: { x: number; y: number }[]
  legendY: number
}
export type LineChart = {
  width: number
  height: number
  plot: { left: number; right: number; top: number; bottom: number }
  yTicks: { y: number; label: string }[]
  xTicks: { x: number; label: string }[]
  series: ChartSeries[]
  empty: boolean
}

// GOV.UK Design System colours; dashes tell the lines apart without colour.
const COLOURS = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92', '#f47738', '#912b88', '#28a197', '#505a5f', '#b58840']
const DASHES = ['', '8 4', '2 3', '12 4 2 4', '4 4', '1 6', '10 2', '6 3 1 3', '3 6']

const WIDTH = 720
const PLOT_HEIGHT = 260
const MARGIN = { left: 64, right: 24, top: 16, bottom: 36 }
const LEGEND_ROW = 22

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks
  const power = 10 ** Math.floor(Math.log10(raw))
  const scaled = raw / power
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power
}

const round = (n: number) => Math.round(n * 10) / 10

export function lineChart(
  names: readonly string[],
  rows: readonly { label: string; values: readonly (number | null)[] }[],
  unit: 'count' | 'percent',
): LineChart {
  const numbers = rows.flatMap(r => r.values.filter((v): v is number => v !== null))
  const height = PLOT_HEIGHT + names.length * LEGEND_ROW + 8
  const plot = { left: MARGIN.left, right: WIDTH - MARGIN.right, top: MARGIN.top, bottom: PLOT_HEIGHT - MARGIN.bottom }
  const legendTop = PLOT_HEIGHT + 8
  if (!numbers.length || !rows.length) {
    return { width: WIDTH, height, plot, yTicks: [], xTicks: [], series: [], empty: true }
  }
  let min = Math.min(0, ...numbers)
  let max = Math.max(...numbers)
  if (max === min) max = min + 1
  const step = niceStep(max - min, 4)
  min = Math.floor(min / step) * step
  max = Math.ceil(max / step) * step
  const y = (v: number) => round(plot.bottom - ((v - min) / (max - min)) * (plot.bottom - plot.top))
  const x = (i: number) =>
    round(
      rows.length === 1 ? (plot.left + plot.right) / 2 : plot.left + (i / (rows.length - 1)) * (plot.right - plot.left),
    )
  const format = new Intl.NumberFormat('en-GB', { maximumFractionDigits: unit === 'percent' ? 1 : 0 })
  const yTicks: LineChart['yTicks'] = []
  for (let v = min; v <= max + step / 2; v += step) yTicks.push({ y: y(v), label: format.format(round(v)) })
  // At most about ten year labels, always the first and the last.
  const every = Math.max(1, Math.ceil(rows.length / 10))
  const xTicks = rows
    .map((r, i) => ({ x: x(i), label: r.label, i }))
    .filter(t => t.i % every === 0 || t.i === rows.length - 1)
    .map(({ x, label }) => ({ x, label }))
  const series = names.map((name, s) => {
    const segments: string[] = []
    const points: { x: number; y: number }[] = []
    let run: string[] = []
    rows.forEach((r, i) => {
      const v = r.values[s]
      if (v === null || v === undefined) {
        if (run.length > 1) segments.push(run.join(' '))
        run = []
        return
      }
      points.push({ x: x(i), y: y(v) })
      run.push(`${x(i)},${y(v)}`)
    })
    if (run.length > 1) segments.push(run.join(' '))
    return {
      name,
      colour: COLOURS[s % COLOURS.length]!,
      dash: DASHES[s % DASHES.length]!,
      segments,
      points,
      legendY: legendTop + s * LEGEND_ROW + LEGEND_ROW / 2,
    }
  })
  return { width: WIDTH, height, plot, yTicks, xTicks, series, empty: false }
}

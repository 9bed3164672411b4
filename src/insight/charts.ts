// Server-drawn charts: each is an inline SVG with role="img" whose name says what it shows and that
// the table beside it holds the same numbers, so nothing is only in the picture and no script runs.

export type Bar = { label: string; value: number; x: number; y: number; width: number; valueText: string }

export type BarChart = {
  id: string
  /** The accessible name: what is counted, and where the numbers are. */
  title: string
  width: number
  height: number
  labelWidth: number
  barHeight: number
  bars: Bar[]
}

const WIDTH = 640
const LABEL_WIDTH = 220
const VALUE_WIDTH = 70
const BAR_HEIGHT = 18
const GAP = 6

const fmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 })

/**
 * A horizontal bar chart of the items, scaled to the largest value (negative values draw as none).
 * `tableCaption` is the caption of the table that holds the same figures.
 */
export function barChart(
  id: string,
  what: string,
  tableCaption: string,
  items: readonly { label: string; value: number | null }[],
  unit = '',
): BarChart {
  const max = Math.max(0, ...items.map(i => i.value ?? 0))
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
  const bars = items.map((item, i) => {
    const value = item.value ?? 0
    return {
      label: item.label.length > 34 ? `${item.label.slice(0, 33)}…` : item.label,
      value,
      x: LABEL_WIDTH,
      y: i * (BAR_HEIGHT + GAP),
      width: max > 0 ? Math.max(0, Math.round((value / max) * span * 10) / 10) : 0,
      valueText: item.value === null ? 'none' : `${fmt.format(value)}${unit}`,
    }
  })
  return {
    id,
    title: `Bar chart: ${what}. The same figures are in the table “${tableCaption}”.`,
    width: WIDTH,
    height: Math.max(BAR_HEIGHT, items.length * (BAR_HEIGHT + GAP) - GAP),
    labelWidth: LABEL_WIDTH,
    barHeight: BAR_HEIGHT,
    bars,
  }
}

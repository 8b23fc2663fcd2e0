/** A point of a series: x is the round, y the value (undefined when the version lacks it). */
export interface SeriesPoint { x: number, y: number }

export interface Box { width: number, height: number, padding: number }

/** [0, largest value], or [0, 1] when nothing is above zero: both series start their axis at zero. */
export function zeroBasedRange (values: readonly number[]): [number, number] {
  const max = Math.max(0, ...values)
  return [0, max > 0 ? max : 1]
}

/** The x range of rounds; a single round sits in the middle of the chart. */
export function roundRange (rounds: readonly number[]): [number, number] {
  if (rounds.length === 0) return [0, 0]
  return [Math.min(...rounds), Math.max(...rounds)]
}

/**
 * Where each point of a series lands inside `box`: x spread over `xRange`, y over the series' own
 * `yRange` (accuracy and loss get one scale each; the left and right axes label them).
 */
export function plotPoints (points: readonly SeriesPoint[], xRange: [number, number], yRange: [number, number], box: Box): SeriesPoint[] {
  const [x0, x1] = xRange
  const [y0, y1] = yRange
  const w = box.width - 2 * box.padding
  const h = box.height - 2 * box.padding
  return points.map(({ x, y }) => ({
    x: round2(box.padding + (x1 === x0 ? w / 2 : ((x - x0) / (x1 - x0)) * w)),
    y: round2(box.padding + h - ((y - y0) / (y1 - y0)) * h)
  }))
}

/** The `points` attribute of an SVG polyline. */
export const polyline = (points: readonly SeriesPoint[]): string => points.map(({ x, y }) => `${x},${y}`).join(' ')

const round2 = (n: number): number => Math.round(n * 100) / 100

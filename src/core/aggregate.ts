import type { AggregationSpec } from './taskSpec.ts'
import { layoutMismatch, layoutOf, type WeightSet } from './tensors.ts'
import { errorKind } from './errors.ts'

/**
 * Combines the round's accepted deltas into one pseudo-gradient. Every honest node must compute
 * the same bytes (and so the same CID) from the same deltas, so:
 *
 * - contributions are put in canonical order (by id, compared as UTF-16 code units, never by
 *   locale) before anything is summed, and the caller's order does not matter;
 * - arithmetic is float64 on the float32 inputs using only +, -, *, / and sqrt, which IEEE-754
 *   rounds exactly the same on every engine, in a fixed loop order; each result is rounded to
 *   float32 once, at the end.
 */

export interface Contribution {
  /** Who sent it, e.g. the provider address or the delta CID; unique within a round. */
  id: string
  delta: WeightSet
}

export type AggregationRule = Pick<AggregationSpec, 'rule' | 'trimFraction' | 'clipRadius' | 'clipIterations'>

export class AggregationError extends errorKind('AGGREGATION') {
  override name = 'AggregationError'
}

export function canonicalOrder (contributions: readonly Contribution[]): Contribution[] {
  const sorted = [...contributions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) throw new AggregationError(`duplicate contribution id "${sorted[i]!.id}"`)
  }
  return sorted
}

export function aggregate (contributions: readonly Contribution[], rule: AggregationRule): WeightSet {
  if (contributions.length === 0) throw new AggregationError('nothing to aggregate: no contributions')
  const sorted = canonicalOrder(contributions)
  const layout = layoutOf(sorted[0]!.delta)
  for (const { id, delta } of sorted) {
    const problem = layoutMismatch(delta, layout)
    if (problem !== null) throw new AggregationError(`contribution "${id}" does not match "${sorted[0]!.id}": ${problem}`)
  }
  const columns = sorted.map(({ delta }) => flatten(delta))
  const combined = combine(columns, rule)
  let offset = 0
  return layout.map(({ name, shape }, t) => {
    const size = sorted[0]!.delta[t]!.values.length
    const values = Float32Array.from(combined.subarray(offset, offset + size))
    offset += size
    return { name, shape, values }
  })
}

function combine (inputs: Float32Array[], rule: AggregationRule): Float64Array {
  switch (rule.rule) {
    case 'mean': return trimmedMean(inputs, 0)
    case 'trimmed-mean': return trimmedMean(inputs, Math.floor(rule.trimFraction * inputs.length))
    case 'median': return median(inputs)
    case 'centered-clip': return centeredClip(inputs, rule.clipRadius, rule.clipIterations)
  }
}

function flatten (delta: WeightSet): Float32Array {
  let size = 0
  for (const { values } of delta) size += values.length
  const flat = new Float32Array(size)
  let offset = 0
  for (const { values } of delta) {
    flat.set(values, offset)
    offset += values.length
  }
  return flat
}

/** Per coordinate: sort, drop `trim` values at each end, average the rest in ascending order. */
function trimmedMean (inputs: Float32Array[], trim: number): Float64Array {
  const n = inputs.length
  const size = inputs[0]!.length
  const out = new Float64Array(size)
  const kept = n - 2 * trim
  if (trim === 0) {
    for (let c = 0; c < size; c++) {
      let sum = 0
      for (let i = 0; i < n; i++) sum += inputs[i]![c]!
      out[c] = sum / n
    }
    return out
  }
  const column = new Float64Array(n)
  for (let c = 0; c < size; c++) {
    for (let i = 0; i < n; i++) column[i] = inputs[i]![c]!
    column.sort()
    let sum = 0
    for (let i = trim; i < n - trim; i++) sum += column[i]!
    out[c] = sum / kept
  }
  return out
}

function median (inputs: Float32Array[]): Float64Array {
  const n = inputs.length
  const size = inputs[0]!.length
  const out = new Float64Array(size)
  const column = new Float64Array(n)
  const mid = n >> 1
  for (let c = 0; c < size; c++) {
    for (let i = 0; i < n; i++) column[i] = inputs[i]![c]!
    column.sort()
    out[c] = n % 2 === 1 ? column[mid]! : (column[mid - 1]! + column[mid]!) / 2
  }
  return out
}

/**
 * Centered clipping (Karimireddy, He and Jaggi, 2021): v <- v + mean_i clip(x_i - v, tau), where
 * clip scales a vector down to norm tau. It starts from the coordinate-wise median, a robust
 * point that needs no state from earlier rounds. Without a radius, tau is the median distance
 * of the inputs from that start, so at least half the inputs move v unclipped whatever the
 * model's scale.
 */
function centeredClip (inputs: Float32Array[], radius: number | undefined, iterations: number): Float64Array {
  const n = inputs.length
  const size = inputs[0]!.length
  const v = median(inputs)
  const distances = new Float64Array(n)
  const measure = (): void => {
    for (let i = 0; i < n; i++) {
      const x = inputs[i]!
      let squares = 0
      for (let c = 0; c < size; c++) {
        const d = x[c]! - v[c]!
        squares += d * d
      }
      distances[i] = Math.sqrt(squares)
    }
  }
  measure()
  const tau = radius ?? medianOf(distances)
  const weights = new Float64Array(n)
  for (let iteration = 0; iteration < iterations; iteration++) {
    if (iteration > 0) measure()
    for (let i = 0; i < n; i++) weights[i] = distances[i]! <= tau ? 1 : tau / distances[i]!
    for (let c = 0; c < size; c++) {
      let step = 0
      for (let i = 0; i < n; i++) step += weights[i]! * (inputs[i]![c]! - v[c]!)
      v[c] = v[c]! + step / n
    }
  }
  return v
}

/** Median of a few numbers, the mean of the middle two for an even count. */
export function medianOf (values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort()
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

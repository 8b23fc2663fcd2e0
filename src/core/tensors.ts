/**
 * Weights and deltas as plain typed arrays, so the protocol math runs the same in a browser, a Web
 * Worker and Node without tfjs.
 *
 * Rounding: every element-wise result is computed in float64 and stored into a Float32Array,
 * which rounds it once to the nearest float32. For a single +, - or * of two float32 values that
 * is exactly the correctly rounded float32 result, so these helpers give the same bytes on every
 * IEEE-754 engine. Reductions (norms) accumulate in float64 in tensor order, then index order.
 */
import { errorKind } from './errors.ts'

export interface NamedTensor {
  name: string
  shape: number[]
  values: Float32Array
}

/** Ordered tensors with unique names: the order is part of the layout and of every encoding. */
export type WeightSet = NamedTensor[]

/** What a weight set must look like without its values: names and shapes, in order. */
export type WeightLayout = Array<{ name: string, shape: number[] }>

export class WeightSetMismatchError extends errorKind('WEIGHT_SET_MISMATCH') {
  override name = 'WeightSetMismatchError'
}

export function shapeSize (shape: readonly number[]): number {
  let size = 1
  for (const dim of shape) size *= dim
  return size
}

/** Number of scalars in the whole set. */
export function totalSize (set: WeightSet): number {
  let size = 0
  for (const tensor of set) size += tensor.values.length
  return size
}

export function layoutOf (set: WeightSet): WeightLayout {
  return set.map(({ name, shape }) => ({ name, shape: [...shape] }))
}

export function shapesEqual (a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i])
}

export function formatShape (shape: readonly number[]): string {
  return `[${shape.join(', ')}]`
}

/**
 * Why `set` does not have `layout` (names, order, shapes, value counts), or null when it does.
 * Callers that only need a yes/no use `sameLayout`; this one exists so errors can name the tensor.
 */
export function layoutMismatch (set: WeightSet, layout: WeightLayout): string | null {
  const difference = layoutDifference(set, layout)
  if (difference !== null) return difference
  const short = set.find((tensor) => tensor.values.length !== shapeSize(tensor.shape))
  return short === undefined ? null : `tensor "${short.name}" has ${short.values.length} values for shape ${formatShape(short.shape)}`
}

/** Why layout `actual` is not `expected` (tensor count, then each tensor's name and shape in order), or null when it is. */
export function layoutDifference (actual: WeightLayout, expected: WeightLayout): string | null {
  if (actual.length !== expected.length) return `expected ${expected.length} tensors, got ${actual.length}`
  for (let i = 0; i < expected.length; i++) {
    const tensor = actual[i]!
    const want = expected[i]!
    if (tensor.name !== want.name) return `tensor ${i} is named "${tensor.name}", expected "${want.name}"`
    if (!shapesEqual(tensor.shape, want.shape)) {
      return `wrong shape for tensor "${tensor.name}": expected ${formatShape(want.shape)}, got ${formatShape(tensor.shape)}`
    }
  }
  return null
}

/** Both sets' value counts are checked too, since element-wise helpers index into both. */
function pairMismatch (a: WeightSet, b: WeightSet): string | null {
  const layout = layoutOf(b)
  return layoutMismatch(b, layout) ?? layoutMismatch(a, layout)
}

export function sameLayout (a: WeightSet, b: WeightSet): boolean {
  return pairMismatch(a, b) === null
}

export function assertSameLayout (a: WeightSet, b: WeightSet, context = 'weight sets'): void {
  const problem = pairMismatch(a, b)
  if (problem !== null) throw new WeightSetMismatchError(`${context} differ: ${problem}`)
}

/** Checks that names are unique and that every tensor holds exactly as many values as its shape. */
export function assertWellFormed (set: WeightSet, context = 'weight set'): void {
  const seen = new Set<string>()
  for (const tensor of set) {
    if (seen.has(tensor.name)) throw new WeightSetMismatchError(`${context}: duplicate tensor name "${tensor.name}"`)
    seen.add(tensor.name)
    if (!tensor.shape.every((dim) => Number.isInteger(dim) && dim >= 0)) {
      throw new WeightSetMismatchError(`${context}: tensor "${tensor.name}" has a bad shape ${formatShape(tensor.shape)}`)
    }
    if (tensor.values.length !== shapeSize(tensor.shape)) {
      throw new WeightSetMismatchError(`${context}: tensor "${tensor.name}" has ${tensor.values.length} values for shape ${formatShape(tensor.shape)}`)
    }
  }
}

export function cloneWeights (set: WeightSet): WeightSet {
  return set.map(({ name, shape, values }) => ({ name, shape: [...shape], values: values.slice() }))
}

export function zerosLike (set: WeightSet): WeightSet {
  return set.map(({ name, shape, values }) => ({ name, shape: [...shape], values: new Float32Array(values.length) }))
}

function zip (a: WeightSet, b: WeightSet, context: string, op: (x: number, y: number) => number): WeightSet {
  assertSameLayout(a, b, context)
  return a.map((tensor, t) => {
    const other = b[t]!.values
    const out = new Float32Array(tensor.values.length)
    for (let i = 0; i < out.length; i++) out[i] = op(tensor.values[i]!, other[i]!)
    return { name: tensor.name, shape: [...tensor.shape], values: out }
  })
}

/** `a - b`; with `a = theta_before` and `b = theta_after` this is the pseudo-gradient delta. */
export function subtractWeights (a: WeightSet, b: WeightSet): WeightSet {
  return zip(a, b, 'subtrahend and minuend', (x, y) => x - y)
}

export function addWeights (a: WeightSet, b: WeightSet): WeightSet {
  return zip(a, b, 'addends', (x, y) => x + y)
}

/**
 * `weight × a + (1 − weight) × b`, element by element (a merge's weighted average): each product
 * and the sum in f64, rounded once to f32.
 */
export function interpolateWeights (a: WeightSet, b: WeightSet, weight: number): WeightSet {
  return zip(a, b, 'the weight sets to average', (x, y) => weight * x + (1 - weight) * y)
}

export function scaleWeights (set: WeightSet, factor: number): WeightSet {
  return set.map(({ name, shape, values }) => ({ name, shape: [...shape], values: values.map((x) => x * factor) }))
}

/** Euclidean norm over every value of the set, accumulated in float64 in a fixed order. */
export function l2Norm (set: WeightSet): number {
  let sum = 0
  for (const { values } of set) {
    for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!
  }
  return Math.sqrt(sum)
}

/** Index of the first non-finite value as `{ name, index }`, or null when every value is finite. */
export function firstNonFinite (set: WeightSet): { name: string, index: number } | null {
  for (const { name, values } of set) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) return { name, index: i }
    }
  }
  return null
}

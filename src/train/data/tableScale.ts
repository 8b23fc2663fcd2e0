/**
 * How an uploaded table's feature columns are scaled: each is z-scored with its own mean and
 * spread over the whole table when it is packed, and the manifest records both, so a viewer can
 * take values in the table's own units and scale them exactly as the training data was.
 */

/** Per feature column, in feature order: a stored feature is `(value - mean[f]) / std[f]`. */
export interface TableScale {
  mean: number[]
  std: number[]
}

/** The mean and population spread of one column; a constant column gets a spread of 1. */
export function columnScale (values: Float32Array): { mean: number, std: number } {
  let sum = 0
  for (const v of values) sum += v
  const mean = sum / values.length
  let sq = 0
  for (const v of values) sq += (v - mean) ** 2
  // A constant column carries no information; dividing by 1 keeps it at zero instead of NaN.
  return { mean, std: Math.sqrt(sq / values.length) || 1 }
}

/**
 * Feature `f` of a row scaled as at upload. Cells are read into float32 first, as the packer
 * holds them, so a value typed into the viewer gives the bits a packed sample has.
 */
export function scaledFeature (value: number, scale: TableScale, f: number): number {
  return (Math.fround(value) - scale.mean[f]!) / scale.std[f]!
}

/** One row of raw values, in feature order, scaled as at upload. */
export function scaleRow (values: readonly number[], scale: TableScale): Float32Array {
  if (values.length !== scale.mean.length) throw new RangeError(`the table has ${scale.mean.length} feature columns, the row has ${values.length} values`)
  return Float32Array.from(values, (v, f) => scaledFeature(v, scale, f))
}

/** Samples as flat typed arrays: cheap to transfer to a worker and to slice into batches. */
export interface Dataset {
  /** count * product(featureShape) values, normalised (pixels in [0, 1], CSV features z-scored) */
  x: Float32Array
  /** class index per sample */
  labels: Int32Array
  /** one sample's shape, channels last: [28, 28, 1] for MNIST, [features] for tables */
  featureShape: number[]
  classes: number
  /** class index -> name, when the source had names (CSV label values, image folder names) */
  classNames?: string[]
}

export function sampleCount (data: Dataset): number {
  return data.labels.length
}

export function featureSize (data: Dataset): number {
  return data.featureShape.reduce((a, b) => a * b, 1)
}

/** A new data set with the samples at `indices`, in that order. */
export function selectSamples (data: Dataset, indices: ArrayLike<number>): Dataset {
  const size = featureSize(data)
  const x = new Float32Array(indices.length * size)
  const labels = new Int32Array(indices.length)
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] as number
    x.set(data.x.subarray(from * size, (from + 1) * size), i * size)
    labels[i] = data.labels[from] as number
  }
  return { ...data, x, labels }
}

/** Samples [start, end): a view, no copy. */
export function sliceSamples (data: Dataset, start: number, end: number): Dataset {
  const size = featureSize(data)
  return { ...data, x: data.x.subarray(start * size, end * size), labels: data.labels.subarray(start, end) }
}

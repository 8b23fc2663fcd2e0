import { describe, expect, it } from 'vitest'
import type { Dataset } from '../../train/data/dataset.ts'
import { datasetSource } from '../../train/data/datasetBlob.ts'
import { shuffleDataset, uploadDataShape } from './uploadPrep.ts'

// Sorted by label, as an image folder arrives: ten samples of class 0, then ten of class 1.
const sorted: Dataset = {
  x: Float32Array.from({ length: 20 }, (_, i) => i),
  labels: Int32Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1)),
  featureShape: [1],
  classes: 2
}

describe('shuffleDataset', () => {
  it('permutes samples with their labels, the same way for the same seed', () => {
    const a = shuffleDataset(sorted, 1)
    expect(a).toEqual(shuffleDataset(sorted, 1))
    expect(Array.from(a.x)).not.toEqual(Array.from(sorted.x))
    expect([...a.x].sort((p, q) => p - q)).toEqual([...sorted.x])
    a.x.forEach((v, i) => { expect(a.labels[i]).toBe(v < 10 ? 0 : 1) })
  })
})

describe('uploadDataShape', () => {
  it('counts the training split after the holdout', () => {
    expect(uploadDataShape(datasetSource(sorted), 'folder', 0.25)).toEqual({ name: 'folder', featureShape: [1], classes: 2, trainSamples: 15 })
  })
})

import { describe, expect, it } from 'vitest'
import { keccak256 } from 'viem'
import { concatDatasets, DatasetBlobError, datasetSource, decodeDataset, encodeDataset, packDataset, splitDataset } from './datasetBlob.ts'
import type { Dataset } from './dataset.ts'

function sample (count: number): Dataset {
  return {
    x: Float32Array.from({ length: count * 6 }, (_, i) => i / 7 - 3),
    labels: Int32Array.from({ length: count }, (_, i) => i % 3),
    featureShape: [2, 3, 1],
    classes: 3,
    classNames: ['a', 'b', 'c']
  }
}

describe('encodeDataset / decodeDataset', () => {
  it('round-trips features, labels, shape and class names', () => {
    const ds = sample(5)
    const back = decodeDataset(encodeDataset(ds))
    expect(back).toEqual(ds)
  })

  it('round-trips a data set without class names', () => {
    const { classNames: _, ...ds } = sample(2)
    expect(decodeDataset(encodeDataset(ds))).toEqual(ds)
  })

  it('decodes from an unaligned view', () => {
    const bytes = encodeDataset(sample(3))
    const padded = new Uint8Array(bytes.length + 1)
    padded.set(bytes, 1)
    expect(decodeDataset(padded.subarray(1)).labels).toEqual(Int32Array.from([0, 1, 2]))
  })

  it('names truncation, bad magic, a bad version and trailing bytes', () => {
    const bytes = encodeDataset(sample(4))
    expect(() => decodeDataset(bytes.subarray(0, 5), 'd.bin')).toThrow(/d.bin.*too short/)
    expect(() => decodeDataset(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/)
    expect(() => decodeDataset(bytes.subarray(0, 20))).toThrow(/truncated inside its header/)
    const bad = bytes.slice()
    bad[0] = 0
    expect(() => decodeDataset(bad)).toThrow(DatasetBlobError)
    expect(() => decodeDataset(bad)).toThrow(/bad magic/)
    const version = bytes.slice()
    version[4] = 9
    expect(() => decodeDataset(version)).toThrow(/version 9/)
    const longer = new Uint8Array(bytes.length + 4)
    longer.set(bytes)
    expect(() => decodeDataset(longer)).toThrow(/trailing bytes/)
  })

  it('refuses a label outside the classes, naming the sample', () => {
    const ds = sample(3)
    ds.labels[2] = 7
    expect(() => decodeDataset(encodeDataset(ds))).toThrow(/sample 2.*label 7/)
  })

  it('refuses to encode features that do not match the samples', () => {
    expect(() => encodeDataset({ ...sample(3), x: new Float32Array(5) })).toThrow(/5 feature values/)
  })
})

describe('splitDataset', () => {
  it('cuts by whole samples under the size limit and concatenates back to the same data set', () => {
    const ds = sample(10)
    const one = encodeDataset(sample(1)).length
    const shards = splitDataset(ds, one + 3 * 28)
    expect(shards.map((s) => s.records)).toEqual([3, 3, 3, 1])
    for (const s of shards) expect(s.bytes.length).toBeLessThanOrEqual(one + 3 * 28)
    expect(concatDatasets(shards.map((s) => decodeDataset(s.bytes)))).toEqual(ds)
  })

  it('fails when one sample does not fit a shard', () => {
    expect(() => splitDataset(sample(2), 40)).toThrow(/does not fit/)
  })
})

describe('packDataset', () => {
  it('hashes the whole encoding from the shards, as keccak256 of encodeDataset', () => {
    const ds = { ...sample(10), classNames: ['a', 'b', 'c'] }
    const one = encodeDataset(sample(1)).length
    const done: number[] = []
    const packed = packDataset(datasetSource(ds), one + 3 * 28, (d) => { done.push(d) })
    expect(packed.dataHash).toBe(keccak256(encodeDataset(ds)))
    expect(packed.shards.map((s) => s.records)).toEqual([3, 3, 3, 1])
    expect(done).toEqual([0.3, 0.6, 0.9, 1])
  })
})

describe('concatDatasets', () => {
  it('refuses parts of different shapes, naming the shard', () => {
    const other = { ...sample(1), featureShape: [6], classNames: ['a', 'b', 'c'] }
    expect(() => concatDatasets([sample(1), other])).toThrow(/shard 1.*shape 6/)
  })
})

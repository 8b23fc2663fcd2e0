import { describe, expect, it } from 'vitest'
import { MNIST_MLP_LAYOUT, randomWeights } from '../../testing/randomWeights.ts'
import { decodeTaskSpec, defaultMnistSpec, encodeTaskSpec, InvalidTaskSpecError, parseTaskSpec } from '../taskSpec.ts'
import { decodeDelta, encodeDelta, readDeltaEncoding } from './codec.ts'
import { deltaEncoding, toTaskEncoding, trainerScheme } from './taskEncoding.ts'

const model = { template: 'mlp', inputShape: [784], classes: 10 }
const specWith = (delta: unknown): ReturnType<typeof parseTaskSpec> => parseTaskSpec({ model, seed: 1, delta }, 'spec.json')

function issuesOf (delta: unknown): string {
  try {
    specWith(delta)
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTaskSpecError)
    return (error as Error).message
  }
  throw new Error('expected the spec to be rejected')
}

describe('the task spec\'s delta section', () => {
  it('is absent by default, which means int8 with 256 values per scale, and leaves older specs\' bytes alone', () => {
    const spec = defaultMnistSpec()
    expect(spec.delta).toBeUndefined()
    expect(new TextDecoder().decode(encodeTaskSpec(spec))).not.toContain('delta')
    expect(deltaEncoding(spec)).toEqual({ scheme: 'int8', chunkSize: 256 })
  })

  it('fills each scheme\'s defaults, and the parsed spec parses back to itself', () => {
    expect(specWith({}).delta).toEqual({ scheme: 'int8', chunkSize: 256 })
    expect(specWith({ scheme: 'float32' }).delta).toEqual({ scheme: 'float32' })
    expect(specWith({ scheme: 'int8', chunkSize: 1024 }).delta).toEqual({ scheme: 'int8', chunkSize: 1024 })
    const topk = specWith({ scheme: 'topk', errorFeedback: false })
    expect(topk.delta).toEqual({ scheme: 'topk', chunkSize: 4096, fraction: 0.01, bits: 2 })
    expect(decodeTaskSpec(encodeTaskSpec(topk))).toEqual(topk)
    expect(deltaEncoding(topk)).toEqual({ scheme: 'topk', chunkSize: 4096, bits: 2, topK: 41 })
    expect(deltaEncoding(specWith({ scheme: 'topk', chunkSize: 1000, fraction: 0.05, bits: 4 }))).toEqual({ scheme: 'topk', chunkSize: 1000, bits: 4, topK: 50 })
    expect(deltaEncoding(specWith({ scheme: 'topk', chunkSize: 100, fraction: 0.005 }))).toEqual({ scheme: 'topk', chunkSize: 100, bits: 2, topK: 1 })
    expect(deltaEncoding(specWith({ scheme: 'float32' }))).toEqual({ scheme: 'float32' })
  })

  it('refuses what a scheme does not have, bad values and error feedback, naming the field', () => {
    expect(issuesOf({ scheme: 'int8', fraction: 0.1 })).toContain('delta.fraction: only topk has fraction, not int8')
    expect(issuesOf({ bits: 2 })).toContain('delta.bits: only topk has bits, not int8')
    expect(issuesOf({ scheme: 'float32', chunkSize: 16 })).toContain('delta.chunkSize: only int8 or topk has chunkSize, not float32')
    expect(issuesOf({ scheme: 'topk', bits: 3 })).toContain('delta.bits: must be 2 or 4')
    expect(issuesOf({ scheme: 'topk', chunkSize: 65537 })).toContain('delta.chunkSize: must be at most 65536 for topk')
    expect(issuesOf({ scheme: 'topk', chunkSize: 1.5 })).toContain('delta.chunkSize:')
    expect(issuesOf({ scheme: 'topk', fraction: 0 })).toContain('delta.fraction:')
    expect(issuesOf({ scheme: 'topk', fraction: 1.5 })).toContain('delta.fraction:')
    expect(issuesOf({ scheme: 'topk', fraction: 0.0001 })).toContain('delta.fraction: keeps no value of a 4096-value chunk')
    expect(issuesOf({ scheme: 'topk', errorFeedback: true })).toContain("delta.errorFeedback: is not supported: a shard's replicas are redrawn every round")
    expect(issuesOf({ scheme: 'zstd' })).toContain('delta.scheme:')
    expect(issuesOf({ scheme: 'topk', k: 41 })).toMatch(/delta: .*k/)
  })
})

describe('from a trainer\'s delta to the task\'s bytes', () => {
  const delta = randomWeights(5, MNIST_MLP_LAYOUT, 1e-3)
  const opts = { layout: MNIST_MLP_LAYOUT, maxBytes: 1 << 24 }

  it('asks trainers for the task\'s encoding when its name says it all, else for lossless float32', () => {
    expect(trainerScheme({ scheme: 'int8', chunkSize: 256 })).toBe('int8')
    expect(trainerScheme({ scheme: 'float32' })).toBe('float32')
    expect(trainerScheme({ scheme: 'int8', chunkSize: 1024 })).toBe('float32')
    expect(trainerScheme({ scheme: 'topk', chunkSize: 4096, bits: 2, topK: 41 })).toBe('float32')
  })

  it('keeps bytes already in the task\'s encoding, and encodes the rest as the task says', () => {
    const int8 = encodeDelta(delta)
    expect(toTaskEncoding(int8, { scheme: 'int8', chunkSize: 256 }, opts)).toBe(int8)
    const topk = { scheme: 'topk', chunkSize: 4096, bits: 4, topK: 41 } as const
    const fromFloat32 = toTaskEncoding(encodeDelta(delta, { scheme: 'float32' }), topk, opts)
    expect(fromFloat32).toEqual(encodeDelta(delta, topk))
    expect(toTaskEncoding(fromFloat32, topk, opts)).toBe(fromFloat32)
    // Another k is another encoding: decoded and encoded again.
    expect(readDeltaEncoding(toTaskEncoding(fromFloat32, { ...topk, topK: 20 }, opts))).toEqual({ ...topk, topK: 20 })
    const wide = toTaskEncoding(int8, { scheme: 'int8', chunkSize: 1024 }, opts)
    expect(wide).toEqual(encodeDelta(decodeDelta(int8, { maxBytes: 1 << 24 }), { chunkSize: 1024 }))
  })
})

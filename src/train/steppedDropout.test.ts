import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { SteppedDropout } from './steppedDropout.ts'
import { useNodeBackend } from '../testing/mnist.ts'

beforeAll(async () => { await useNodeBackend('cpu') })

/** The masks a fresh layer draws over `steps` training calls on an all-ones input. */
function masks (seed: number, steps: number): number[][] {
  const layer = new SteppedDropout(0.5, seed, { name: `d${seed}` })
  const ones = tf.ones([1, 64])
  const out = Array.from({ length: steps }, () => Array.from((layer.apply(ones, { training: true }) as tf.Tensor).dataSync()))
  ones.dispose()
  return out
}

describe('SteppedDropout', () => {
  it('draws a new mask at every step, scaled to keep the expectation', () => {
    const [first, second] = masks(7, 2) as [number[], number[]]
    expect(first).not.toEqual(second)
    for (const v of [...first, ...second]) expect([0, 2]).toContain(v)
  })

  it('draws the same sequence of masks on every replica with the same seed', () => {
    expect(masks(7, 3)).toEqual(masks(7, 3))
    expect(masks(7, 1)).not.toEqual(masks(8, 1))
  })

  it('is the identity outside training', () => {
    const layer = new SteppedDropout(0.5, 7, { name: 'eval' })
    const x = tf.tensor2d([[1, 2, 3]])
    expect(Array.from((layer.apply(x, { training: false }) as tf.Tensor).dataSync())).toEqual([1, 2, 3])
  })
})

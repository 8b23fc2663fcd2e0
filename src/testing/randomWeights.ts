import { Rng } from '../core/random.ts'
import type { WeightLayout, WeightSet } from '../core/tensors.ts'

/** Test data: a layout's worth of normal values times `scale`, reproducible from `seed`. */
export function randomWeights (seed: number, layout: WeightLayout, scale = 1): WeightSet {
  const rng = new Rng(seed)
  return layout.map(({ name, shape }) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1))
    for (let i = 0; i < values.length; i++) values[i] = rng.nextNormal() * scale
    return { name, shape: [...shape], values }
  })
}

/** The bundled MNIST MLP's layout (784-128-10), the size the protocol runs at in the demo. */
export const MNIST_MLP_LAYOUT: WeightLayout = [
  { name: 'dense/kernel', shape: [784, 128] },
  { name: 'dense/bias', shape: [128] },
  { name: 'dense_1/kernel', shape: [128, 10] },
  { name: 'dense_1/bias', shape: [10] }
]

export const SMALL_LAYOUT: WeightLayout = [
  { name: 'a/kernel', shape: [7, 5] },
  { name: 'a/bias', shape: [5] },
  { name: 'b/kernel', shape: [5, 3] },
  { name: 'scalar', shape: [] }
]

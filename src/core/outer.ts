import type { OuterSpec } from './taskSpec.ts'
import { assertSameLayout, zerosLike, type WeightSet } from './tensors.ts'

/**
 * DiLoCo's outer step: SGD with Nesterov momentum on the aggregated pseudo-gradient
 * delta = theta_before - theta_after (so it points uphill, like a gradient):
 *
 *   m     <- mu * m + delta
 *   theta <- theta - lr * (delta + mu * m)
 *
 * The momentum is part of the model version: the next round's step needs it, and every node must
 * hold the same bytes. Each element is computed in float64 from the float32 inputs and rounded to
 * float32 once; theta's update uses the rounded new momentum, exactly as it is stored.
 */
export interface OuterState {
  params: WeightSet
  momentum: WeightSet
}

export type OuterOptions = Pick<OuterSpec, 'learningRate' | 'momentum'>

/** `momentum` null means the first round: a zero buffer. */
export function outerStep (params: WeightSet, delta: WeightSet, momentum: WeightSet | null, opts: OuterOptions): OuterState {
  assertSameLayout(delta, params, 'delta and params')
  const buffer = momentum ?? zerosLike(params)
  assertSameLayout(buffer, params, 'momentum and params')
  const { learningRate: lr, momentum: mu } = opts
  const nextParams: WeightSet = []
  const nextMomentum: WeightSet = []
  params.forEach(({ name, shape, values: theta }, t) => {
    const d = delta[t]!.values
    const m = buffer[t]!.values
    const newTheta = new Float32Array(theta.length)
    const newM = new Float32Array(theta.length)
    for (let i = 0; i < theta.length; i++) {
      newM[i] = mu * m[i]! + d[i]!
      newTheta[i] = theta[i]! - lr * (d[i]! + mu * newM[i]!)
    }
    nextParams.push({ name, shape: [...shape], values: newTheta })
    nextMomentum.push({ name, shape: [...shape], values: newM })
  })
  return { params: nextParams, momentum: nextMomentum }
}

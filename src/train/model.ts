/** The tfjs side of an Architecture: build the model, move weights in and out as a WeightSet. */
import * as tf from '@tensorflow/tfjs'
import { layoutMismatch, type NamedTensor, type WeightSet } from '../core/tensors.ts'
import { weightLayout, type Architecture, type LayerSpec } from '../core/architecture.ts'
import { WeightMismatchError } from './errors.ts'
import { SteppedDropout } from './steppedDropout.ts'
import { transformerInitialWeights } from '../core/transformer.ts'

function tfLayer (layer: LayerSpec, seed: number, inputShape: number[] | undefined): tf.layers.Layer {
  const common = { name: layer.name, ...(inputShape === undefined ? {} : { inputShape }) }
  const kernelInitializer = tf.initializers.glorotUniform({ seed })
  switch (layer.kind) {
    case 'dense':
      return tf.layers.dense({ ...common, units: layer.units, activation: layer.activation, useBias: layer.useBias, kernelInitializer })
    case 'conv2d':
      return tf.layers.conv2d({ ...common, filters: layer.filters, kernelSize: layer.kernelSize, strides: layer.strides, padding: layer.padding, activation: layer.activation, useBias: layer.useBias, kernelInitializer })
    case 'maxPooling2d':
      return tf.layers.maxPooling2d({ ...common, poolSize: layer.poolSize, strides: layer.strides, padding: layer.padding })
    case 'flatten':
      return tf.layers.flatten(common)
    case 'dropout':
      return new SteppedDropout(layer.rate, seed, common)
    case 'activation':
      return tf.layers.activation({ ...common, activation: layer.activation })
  }
}

/** Builds the model; `seed` fixes the initial weights, so version 0 is the same everywhere. */
export function buildModel (arch: Architecture, seed: number): tf.Sequential {
  return tf.sequential({
    layers: arch.layers.map((layer, i) => tfLayer(layer, (seed + i * 7919) >>> 0, i === 0 ? arch.inputShape : undefined))
  })
}

function layersWithWeights (model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.weights.length > 0)
}

/**
 * Reads the weights as a WeightSet named `layer/kernel`, `layer/bias`. tfjs renames variables
 * when a name repeats in one process, so names come from the layers, not the variables.
 */
export async function readWeights (model: tf.LayersModel): Promise<WeightSet> {
  const out: NamedTensor[] = []
  for (const layer of layersWithWeights(model)) {
    for (const variable of layer.weights) {
      const short = variable.originalName.slice(variable.originalName.lastIndexOf('/') + 1)
      const values = await variable.read().data() as Float32Array
      out.push({ name: `${layer.name}/${short}`, shape: variable.shape.map((d) => d ?? 0), values: new Float32Array(values) })
    }
  }
  return out
}

/** Checks `weights` against the architecture: same names, order and shapes, nothing extra. */
export function checkWeights (arch: Architecture, weights: WeightSet): void {
  const problem = layoutMismatch(weights, weightLayout(arch))
  if (problem !== null) throw new WeightMismatchError(`weights do not fit the model: ${problem}`)
}

export function writeWeights (model: tf.LayersModel, arch: Architecture, weights: WeightSet): void {
  checkWeights(arch, weights)
  let at = 0
  for (const layer of layersWithWeights(model)) {
    const count = layer.weights.length
    const slice = weights.slice(at, at + count)
    at += count
    // Variables take their own reference to the data, so the tidy may free these tensors.
    tf.tidy(() => layer.setWeights(slice.map((w) => tf.tensor(w.values, w.shape))))
  }
}

/** Version 0 of a model: the seeded initial weights, as a WeightSet. */
export async function initialWeights (arch: Architecture, seed: number): Promise<WeightSet> {
  if (arch.transformer !== undefined) return transformerInitialWeights(arch.transformer, seed)
  const model = buildModel(arch, seed)
  try {
    return await readWeights(model)
  } finally {
    model.dispose()
  }
}

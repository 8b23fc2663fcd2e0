/**
 * A version as a tfjs layers model: `model.json` (topology + weights manifest) and one weights
 * file, the two files `tf.loadLayersModel('…/model.json')` reads. tfjs is imported only when a
 * download is asked for.
 */
import type { WeightSet } from '../../core/tensors.ts'
import type { Architecture } from '../../core/architecture.ts'

export interface TfjsModelFiles {
  /** model.json text; its manifest names `weightsFile` */
  modelJson: string
  weights: Uint8Array
}

/**
 * A transformer is a function, not a layers model: its model.json carries the transformer's shape
 * as its topology (format `mlbridge-char-transformer`) and a standard weights manifest, so
 * `tf.io.loadWeights` reads the weights by name and src/train/lm/transformer.ts runs them.
 */
function transformerFiles (arch: Architecture, weights: WeightSet, weightsFile: string): TfjsModelFiles {
  const bytes = new Uint8Array(weights.reduce((n, w) => n + w.values.length * 4, 0))
  let at = 0
  for (const w of weights) {
    bytes.set(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength), at)
    at += w.values.byteLength
  }
  const modelJson = {
    format: 'mlbridge-char-transformer',
    generatedBy: 'ML Bridge',
    modelTopology: { transformer: arch.transformer },
    weightsManifest: [{ paths: [weightsFile], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }]
  }
  return { modelJson: JSON.stringify(modelJson), weights: bytes }
}

export async function tfjsModelFiles (arch: Architecture, weights: WeightSet, weightsFile: string): Promise<TfjsModelFiles> {
  if (arch.transformer !== undefined) return transformerFiles(arch, weights, weightsFile)
  const tf = await import('@tensorflow/tfjs')
  const { buildModel, writeWeights } = await import('../../train/model.ts')
  await tf.ready()
  // Dropout is the identity at inference and has no weights; leaving it out keeps the file loadable
  // by plain tfjs (the trainer's seeded dropout is a custom layer tfjs would not know).
  const inference: Architecture = { ...arch, layers: arch.layers.filter((layer) => layer.kind !== 'dropout') }
  const model = buildModel(inference, 0)
  let saved: import('@tensorflow/tfjs').io.ModelArtifacts | undefined
  try {
    writeWeights(model, inference, weights)
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
    }))
  } finally {
    model.dispose()
  }
  if (saved?.weightSpecs === undefined || saved.weightData === undefined) throw new Error('tfjs saved no weights for this model')
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [weightsFile], weights: saved.weightSpecs }]
  }
  return { modelJson: JSON.stringify(modelJson), weights: new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData)) }
}

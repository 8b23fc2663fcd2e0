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

export async function tfjsModelFiles (arch: Architecture, weights: WeightSet, weightsFile: string): Promise<TfjsModelFiles> {
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

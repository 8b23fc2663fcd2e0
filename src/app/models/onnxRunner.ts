/**
 * Runs an exported version in this tab with ONNX Runtime Web (WASM). The runtime and its binary
 * load only when the viewer is used; the binary comes from the app itself, never a CDN.
 */
import type { Architecture } from '../../core/architecture.ts'
import type { WeightSet } from '../../core/tensors.ts'
import type { Dataset } from '../../train/data/dataset.ts'
import { scorePredictions, type Scores } from '../../train/scores.ts'

export interface OnnxRunner {
  /** class probabilities, `arch.classes` per sample, for samples laid out as `arch.inputShape` */
  predict: (x: Float32Array) => Promise<Float32Array>
  release: () => Promise<void>
}

/** Exports the version to ONNX and starts a session on it; the exporter, like the runtime, loads only now. */
export async function startOnnxRunner (arch: Architecture, weights: WeightSet): Promise<OnnxRunner> {
  const [ort, { ortWasmPath }, { createOnnxSession, predictOnnx }, { exportOnnx }] = await Promise.all([
    import('onnxruntime-web'), import('../../train/wasmAssets.ts'), import('../../train/onnx/runOnnx.ts'), import('../../train/onnx/exportOnnx.ts')
  ])
  ort.env.wasm.wasmPaths = { wasm: ortWasmPath }
  const { session } = await createOnnxSession(exportOnnx(arch, weights), ['wasm'])
  const size = arch.inputShape.reduce((a, b) => a * b, 1)
  return {
    predict: async (x) => {
      if (x.length === 0 || x.length % size !== 0) throw new RangeError(`the model takes samples of ${size} values, got ${x.length}`)
      return await predictOnnx(session, x, arch.inputShape)
    },
    release: async () => { await session.release() }
  }
}

/** Scores the runner on held-out samples exactly as the aggregator does (`scorePredictions`). */
export async function scoreHeldOut (runner: OnnxRunner, test: Dataset): Promise<Scores> {
  return scorePredictions(await runner.predict(test.x), test.labels, test.classes)
}

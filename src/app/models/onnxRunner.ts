/**
 * Runs an exported version in this tab with ONNX Runtime Web (WASM). The runtime and its binary
 * load only when the viewer is used; the binary comes from the app itself, never a CDN.
 */
import type { Architecture } from '../../core/architecture.ts'
import type { WeightSet } from '../../core/tensors.ts'
import { checkSamples, type ModelRunner } from './modelRunner.ts'

/** Exports the version to ONNX and starts a session on it; the exporter, like the runtime, loads only now. */
export async function startOnnxRunner (arch: Architecture, weights: WeightSet): Promise<ModelRunner> {
  const [ort, { ortWasmPath }, { createOnnxSession, predictOnnx }, { exportOnnx }] = await Promise.all([
    import('onnxruntime-web'), import('../../train/wasmAssets.ts'), import('../../train/onnx/runOnnx.ts'), import('../../train/onnx/exportOnnx.ts')
  ])
  ort.env.wasm.wasmPaths = { wasm: ortWasmPath }
  const { session } = await createOnnxSession(exportOnnx(arch, weights), ['wasm'])
  return {
    predict: async (x) => {
      checkSamples(arch, x)
      return await predictOnnx(session, x, arch.inputShape)
    },
    release: async () => { await session.release() }
  }
}

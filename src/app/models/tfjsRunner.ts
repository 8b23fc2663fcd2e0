/**
 * Runs a version with tfjs in this tab (WASM backend, binaries from the app), the counterpart of
 * onnxRunner.ts: the text generator offers both, so a user can see the two runtimes agree.
 * tfjs loads only when asked for.
 */
import type { Architecture } from '../../core/architecture.ts'
import type { WeightSet } from '../../core/tensors.ts'
import type { OnnxRunner } from './onnxRunner.ts'

export async function startTfjsRunner (arch: Architecture, weights: WeightSet): Promise<OnnxRunner> {
  const [{ registerBackends, useBackend }, { tfjsWasmPaths }, { predictTfjs }] = await Promise.all([
    import('../../train/backend.ts'), import('../../train/wasmAssets.ts'), import('../../train/predict.ts')
  ])
  await registerBackends(tfjsWasmPaths)
  await useBackend('wasm')
  const size = arch.inputShape.reduce((a, b) => a * b, 1)
  return {
    predict: async (x) => {
      if (x.length === 0 || x.length % size !== 0) throw new RangeError(`the model takes samples of ${size} values, got ${x.length}`)
      return await predictTfjs(arch, weights, x)
    },
    release: async () => {}
  }
}

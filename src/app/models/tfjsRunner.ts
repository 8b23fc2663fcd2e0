/**
 * Runs a version with tfjs in this tab (WASM backend, binaries from the app), the counterpart of
 * onnxRunner.ts: the text generator offers both, so a user can see the two runtimes agree.
 * tfjs loads only when asked for.
 */
import type { Architecture } from '../../core/architecture.ts'
import type { WeightSet } from '../../core/tensors.ts'
import { checkSamples, type ModelRunner } from './modelRunner.ts'

export async function startTfjsRunner (arch: Architecture, weights: WeightSet): Promise<ModelRunner> {
  const [{ registerBackends, useBackend }, { tfjsWasmPaths }, { predictTfjs }] = await Promise.all([
    import('../../train/backend.ts'), import('../../train/wasmAssets.ts'), import('../../train/predict.ts')
  ])
  await registerBackends(tfjsWasmPaths)
  await useBackend('wasm')
  return {
    predict: async (x) => {
      checkSamples(arch, x)
      return await predictTfjs(arch, weights, x)
    },
    release: async () => {}
  }
}

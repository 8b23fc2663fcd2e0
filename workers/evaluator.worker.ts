/// <reference lib="webworker" />
/**
 * The evaluator: exports a version to ONNX and scores it with ONNX Runtime Web (WebGPU where the
 * browser has it, else WASM). It never loads tfjs, so what it reports is what any ONNX consumer gets.
 */
import * as Comlink from 'comlink'
import { env } from 'onnxruntime-web'
import type { Dataset } from '../src/train/data/dataset.ts'
import { fetchMnist } from '../src/train/data/mnistAsset.ts'
import { exportOnnx } from '../src/train/onnx/exportOnnx.ts'
import { createOnnxSession, predictOnnx, type OrtProvider } from '../src/train/onnx/runOnnx.ts'
import { scoreModel } from '../src/train/scores.ts'
import { ortWasmPath } from '../src/train/wasmAssets.ts'
import type { EvaluationData, EvaluatorApi } from '../src/train/workerApi.ts'

env.wasm.wasmPaths = { wasm: ortWasmPath }
// Threads need cross-origin isolation, which the app does not ask for.
env.wasm.numThreads = 1

let mnistTest: Promise<Dataset> | undefined

async function dataOf (data: EvaluationData): Promise<Dataset> {
  if (data.kind === 'samples') return data.data
  mnistTest ??= fetchMnist(new URL(import.meta.env.BASE_URL, self.location.origin)).then((split) => split.test)
  return await mnistTest
}

function defaultProviders (): OrtProvider[] {
  return 'gpu' in navigator ? ['webgpu', 'wasm'] : ['wasm']
}

const api: EvaluatorApi = {
  async evaluate ({ architecture: arch, weights, data, providers }) {
    const started = performance.now()
    const samples = await dataOf(data)
    const onnx = exportOnnx(arch, weights)
    const { session, provider } = await createOnnxSession(onnx, providers ?? defaultProviders())
    try {
      // a transformer's window is a whole sequence of predictions: smaller batches run faster
      const probabilities = await predictOnnx(session, samples.x, arch.inputShape, arch.transformer === undefined ? 256 : 32)
      return { ...scoreModel(arch, probabilities, samples), provider, onnxBytes: onnx.length, durationMs: performance.now() - started }
    } finally {
      await session.release()
    }
  },

  async exportOnnx (architecture, weights) {
    const onnx = exportOnnx(architecture, weights)
    return Comlink.transfer(onnx, [onnx.buffer])
  }
}

Comlink.expose(api)

/**
 * Runs an exported version with ONNX Runtime Web. The same module serves the evaluator worker
 * (browser build of onnxruntime-web, WebGPU or WASM) and Node tests (its Node build, WASM).
 */
import * as ort from 'onnxruntime-web'
import { ONNX_INPUT, ONNX_OUTPUT } from './exportOnnx.ts'

export type OrtProvider = 'webgpu' | 'wasm'

export async function createOnnxSession (model: Uint8Array, providers: readonly OrtProvider[] = ['wasm']): Promise<{ session: ort.InferenceSession, provider: OrtProvider }> {
  let lastError: unknown
  // One provider at a time, so the caller learns which one actually runs the model.
  for (const provider of providers) {
    try {
      return { session: await ort.InferenceSession.create(model, { executionProviders: [provider] }), provider }
    } catch (error) {
      lastError = error
    }
  }
  throw lastError instanceof Error ? lastError : new Error(`no ONNX Runtime provider could load the model (${providers.join(', ')})`)
}

/**
 * One output (class probabilities unless `output` names another, such as a transformer's logits)
 * for `count` samples of `inputShape`, run in batches of `batchSize`.
 */
export async function predictOnnx (session: ort.InferenceSession, x: Float32Array, inputShape: readonly number[], batchSize = 256, output = ONNX_OUTPUT): Promise<Float32Array> {
  const size = inputShape.reduce((a, b) => a * b, 1)
  const count = x.length / size
  const chunks: Float32Array[] = []
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start)
    const input = new ort.Tensor('float32', x.slice(start * size, (start + n) * size), [n, ...inputShape])
    // Only `output` comes back: a transformer's logits would double what is copied out of the runtime.
    const outputs = await session.run({ [ONNX_INPUT]: input }, [output])
    const result = outputs[output] as ort.Tensor
    chunks.push(new Float32Array(await result.getData() as Float32Array))
    input.dispose()
    result.dispose()
  }
  const out = new Float32Array(chunks.reduce((a, c) => a + c.length, 0))
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}

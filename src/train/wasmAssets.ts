/**
 * The WASM binaries of tfjs and ONNX Runtime, served by the app itself (Vite `?url` imports):
 * the engine never fetches code from a CDN. Browser and worker code only.
 */
import tfjsWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import tfjsWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import tfjsWasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url'

export const tfjsWasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': tfjsWasm,
  'tfjs-backend-wasm-simd.wasm': tfjsWasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': tfjsWasmThreadedSimd
}

/** The JSEP build: one binary for ONNX Runtime's WASM and WebGPU execution providers. */
export const ortWasmPath = ortWasm

/** Node: where tfjs-backend-wasm's binaries are on disk (the browser gets them from wasmAssets.ts). */
import { createRequire } from 'node:module'
import { dirname } from 'node:path'

export function nodeWasmPaths (): string {
  const require = createRequire(import.meta.url)
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`
}

/** Node: tfjs on the WASM binaries from node_modules, or the plain CPU backend (no probe). */
import { chooseBackend } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import { nodeWasmPaths } from './nodeWasmPaths.ts'

export async function useNodeBackend (backend: BackendName = 'wasm'): Promise<void> {
  await chooseBackend({ override: backend, wasmPaths: nodeWasmPaths() })
}

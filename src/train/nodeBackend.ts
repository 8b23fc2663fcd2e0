/**
 * Node: tfjs on the machine's GPU through Dawn (nodeWebgpu.ts), on the WASM binaries from
 * node_modules, or on the plain CPU backend. No timing probe: where Dawn finds a hardware adapter,
 * it trains faster than WASM on every model worth a GPU, and a software one is refused.
 */
import { errorMessage } from '../core/errors.ts'
import { chooseBackend, probeBackend, registerBackends } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import { BackendUnavailableError } from './errors.ts'
import { nodeWasmPaths } from './nodeWasmPaths.ts'
import { findWebGpu, within, type WebGpuFound, type WebGpuLoader } from './nodeWebgpu.ts'

/** `auto`: WebGPU where Dawn finds a GPU, else WASM. */
export type NodeBackendRequest = 'auto' | 'webgpu' | 'wasm' | 'cpu'

export interface NodeBackendChoice {
  backend: BackendName
  /** the adapter WebGPU trains on */
  adapter?: string
  /** why `auto` is not on WebGPU */
  fallback?: string
}

export interface NodeBackendDeps {
  loadWebGpu?: WebGpuLoader
  /** puts tfjs on the adapter found and checks that it trains; throws BackendUnavailableError if not */
  startWebGpu?: (found: WebGpuFound) => Promise<void>
}

/**
 * Switches this process's tfjs to `request` and says what it got. Only `auto` falls back, to WASM,
 * with the reason; an explicit `webgpu` that cannot start throws BackendUnavailableError.
 */
export async function useNodeBackend (request: NodeBackendRequest = 'wasm', deps: NodeBackendDeps = {}): Promise<NodeBackendChoice> {
  if (request === 'wasm' || request === 'cpu') {
    await chooseBackend({ override: request, wasmPaths: nodeWasmPaths() })
    return { backend: request }
  }
  try {
    return await useWebGpu(request === 'webgpu', deps)
  } catch (error) {
    if (request === 'webgpu' || !(error instanceof BackendUnavailableError)) throw error
    await chooseBackend({ override: 'wasm', wasmPaths: nodeWasmPaths() })
    return { backend: 'wasm', fallback: error.message }
  }
}

/** The line the provider prints: the backend, and the adapter or why there is none. */
export function describeNodeBackend (choice: NodeBackendChoice): string {
  if (choice.adapter !== undefined) return `training on tfjs ${choice.backend} (adapter: ${choice.adapter})`
  if (choice.fallback !== undefined) return `training on tfjs ${choice.backend}: ${choice.fallback}`
  return `training on tfjs ${choice.backend}`
}

async function useWebGpu (allowSoftware: boolean, deps: NodeBackendDeps): Promise<NodeBackendChoice> {
  const found = await findWebGpu({ allowSoftware, ...(deps.loadWebGpu === undefined ? {} : { load: deps.loadWebGpu }) })
  if (!found.ok) throw new BackendUnavailableError(`no WebGPU adapter (${found.reason})`)
  await (deps.startWebGpu ?? startWebGpu)(found)
  return { backend: 'webgpu', adapter: `${found.description}${found.software ? ', software' : ''}` }
}

/** Device creation and the first shaders can hang on a broken driver; a minute is ample on a working one. */
const START_TIMEOUT_MS = 60_000

async function startWebGpu (found: WebGpuFound): Promise<void> {
  try {
    found.install()
    await registerBackends(nodeWasmPaths())
  } catch (error) {
    throw new BackendUnavailableError(`WebGPU on ${found.description} failed to start: ${errorMessage(error)}`)
  }
  // A few real training steps, as the browser's probe does: a device that starts can still fail its shaders.
  const probe = await within(probeBackend('webgpu', undefined, 1), START_TIMEOUT_MS, `WebGPU on ${found.description} did not train a step`)
  if (probe.ms === null) throw new BackendUnavailableError(`WebGPU on ${found.description} cannot train: ${probe.error ?? 'unknown error'}`)
}

/**
 * Backend names and the remembered pick, without tfjs: the main thread persists what the trainer
 * worker probed (workers have no localStorage) and should not load tfjs to do so.
 */
import type { Architecture } from '../core/architecture.ts'

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu'
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu']

/** localStorage satisfies this; workers, which have none, get the pick from the main thread. */
export interface BackendStore {
  getItem: (key: string) => string | null
  setItem: (key: string, value: string) => void
}

export const BACKEND_STORE_KEY = 'mlbridge.train.backend'

export interface BackendProbe {
  backend: BackendName
  /** mean time of one probe step, or null when the backend could not start */
  ms: number | null
  error?: string
}

export interface BackendChoice {
  backend: BackendName
  source: 'override' | 'remembered' | 'probe'
  probes: BackendProbe[]
}

export function isBackendName (value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKENDS as readonly string[]).includes(value)
}

/** Store key per kind of model (layer kinds and activations): what suits an MLP may not run a CNN. */
export function backendStoreKey (arch?: Architecture): string {
  if (arch === undefined) return `${BACKEND_STORE_KEY}:probe`
  if (arch.transformer !== undefined) return `${BACKEND_STORE_KEY}:transformer`
  const kinds = [...new Set(arch.layers.map((l) => 'activation' in l ? `${l.kind}:${l.activation}` : l.kind))].sort()
  return `${BACKEND_STORE_KEY}:${kinds.join(',')}`
}

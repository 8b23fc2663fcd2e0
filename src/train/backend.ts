/**
 * Which tfjs backend trains on this device. Names alone mislead (WebGPU on SwiftShader is slower
 * than WASM), so every available backend runs the same short workload and the fastest wins. The
 * pick is remembered so later sessions skip the probe; a user or test can override it.
 */
import * as tf from '@tensorflow/tfjs'
import { Rng } from '../core/random.ts'
import { architectureFromSpec, type Architecture } from '../core/architecture.ts'
import { BackendUnavailableError } from './errors.ts'
import { backendStoreKey, BACKENDS, isBackendName, type BackendChoice, type BackendName, type BackendProbe, type BackendStore } from './backendChoice.ts'
import { initialWeights } from './model.ts'
import { trainShard } from './trainShard.ts'

/** WASM binaries by file name, served by the app (never a CDN): see wasmAssets.ts. */
export type WasmPaths = string | Record<string, string>

const registered = new Set<BackendName>(['cpu', 'webgl'])

function inBrowser (): boolean {
  return tf.env().getBool('IS_BROWSER')
}

function hasWebGpu (): boolean {
  return (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu !== undefined
}

/** Backends worth trying here: Node has no WebGL, and WebGPU only where navigator.gpu exists. */
export function candidateBackends (): BackendName[] {
  return BACKENDS.filter((b) => (b !== 'webgl' || inBrowser()) && (b !== 'webgpu' || hasWebGpu()))
}

/** Loads the WASM and (where it can exist) WebGPU backends; safe to call more than once. */
export async function registerBackends (wasmPaths?: WasmPaths): Promise<void> {
  if (!registered.has('wasm')) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    if (wasmPaths !== undefined) wasm.setWasmPaths(wasmPaths)
    registered.add('wasm')
  }
  if (!registered.has('webgpu') && hasWebGpu()) {
    await import('@tensorflow/tfjs-backend-webgpu')
    registered.add('webgpu')
  }
}

/** Switches tfjs to `backend`; throws BackendUnavailableError when it cannot start here. */
export async function useBackend (backend: BackendName): Promise<void> {
  if (backend === 'webgl' && !inBrowser()) throw new BackendUnavailableError('webgl is only available in a browser')
  let ok = false
  try {
    ok = await tf.setBackend(backend)
    await tf.ready()
  } catch (error) {
    throw new BackendUnavailableError(`${backend} failed to start: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!ok || tf.getBackend() !== backend) throw new BackendUnavailableError(`${backend} is not available on this device`)
}

/** What the probe trains when no model is given: a small MNIST-sized MLP. */
const PROBE_MODEL: Architecture = architectureFromSpec({ template: 'mlp', inputShape: [784], classes: 10, hidden: [128], activation: 'relu' })
const PROBE_BATCH = 32

/**
 * Times a few real training steps of `model` on random data. Real steps, not a matmul, because
 * backends lack kernels unevenly (WASM has no Conv2DBackpropFilter, TanhGrad or SigmoidGrad):
 * a backend that cannot train the model fails here instead of mid-round.
 */
export async function probeBackend (backend: BackendName, arch: Architecture = PROBE_MODEL, steps = 3): Promise<BackendProbe> {
  try {
    await useBackend(backend)
    const size = arch.inputShape.reduce((a, b) => a * b, 1)
    const rng = new Rng(1)
    // A transformer's sample is a window of token ids, each one a prediction: two windows are a real batch.
    const vocab = arch.transformer?.vocab
    const batch = vocab === undefined ? PROBE_BATCH : 2
    const data = {
      x: Float32Array.from({ length: batch * size }, () => vocab === undefined ? rng.nextFloat() : rng.nextInt(vocab)),
      labels: Int32Array.from({ length: batch }, (_, i) => i % arch.classes),
      featureShape: arch.inputShape,
      classes: arch.classes
    }
    const request = { architecture: arch, training: { optimizer: 'sgd', learningRate: 0.01, localSteps: steps, batchSize: batch } as const, weights: await initialWeights(arch, 1), data, seed: 1 }
    // The first run compiles shaders or kernels; only the warm one counts.
    await trainShard(request)
    const { metrics } = await trainShard(request)
    return { backend, ms: metrics.durationMs / steps }
  } catch (error) {
    return { backend, ms: null, error: error instanceof Error ? error.message : String(error) }
  }
}

export interface ChooseBackendOptions {
  /** the model to train; the probe times it and the pick is remembered per kind of model */
  architecture?: Architecture
  /** use this backend, no probe (fails if it cannot start) */
  override?: BackendName
  store?: BackendStore
  candidates?: BackendName[]
  wasmPaths?: WasmPaths
}

/** Picks, switches to and remembers the backend. Leaves tfjs on the chosen backend. */
export async function chooseBackend (options: ChooseBackendOptions = {}): Promise<BackendChoice> {
  await registerBackends(options.wasmPaths)
  if (options.override !== undefined) {
    await useBackend(options.override)
    return { backend: options.override, source: 'override', probes: [] }
  }
  const candidates = options.candidates ?? candidateBackends()
  const key = backendStoreKey(options.architecture)
  const remembered = options.store?.getItem(key)
  if (isBackendName(remembered) && candidates.includes(remembered)) {
    try {
      await useBackend(remembered)
      return { backend: remembered, source: 'remembered', probes: [] }
    } catch {
      // The device changed (driver, browser flag): probe again.
    }
  }
  const probes: BackendProbe[] = []
  for (const backend of candidates) probes.push(await probeBackend(backend, options.architecture))
  const best = probes.filter((p) => p.ms !== null).sort((a, b) => (a.ms as number) - (b.ms as number))[0]
  if (best === undefined) throw new BackendUnavailableError(`no backend could start: ${probes.map((p) => `${p.backend} (${p.error ?? 'failed'})`).join(', ')}`)
  await useBackend(best.backend)
  options.store?.setItem(key, best.backend)
  return { backend: best.backend, source: 'probe', probes }
}

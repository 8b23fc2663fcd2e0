/**
 * WebGPU in Node through Dawn (the optional `webgpu` package). The binding is imported only when
 * asked for and its adapter checked before tfjs sees it, so a machine without a GPU, a Vulkan
 * loader or the package gets a reason instead of a crash or a hang.
 */
import { errorMessage } from '../core/errors.ts'
import { BackendUnavailableError } from './errors.ts'

/** The parts of a WebGPU adapter looked at here; Dawn's GPUAdapter has them all. */
export interface WebGpuAdapter {
  readonly info: { readonly vendor: string, readonly architecture: string, readonly description: string, readonly isFallbackAdapter?: boolean }
  readonly limits: Readonly<Record<TfjsLimit, number>>
}

export interface WebGpu {
  requestAdapter: (options?: { powerPreference?: 'high-performance' | 'low-power' }) => Promise<WebGpuAdapter | null>
}

/** What the `webgpu` package exports: Dawn's `navigator.gpu`, and the GPU* globals tfjs reads (GPUBufferUsage…). */
export interface WebGpuBinding {
  create: (flags: string[]) => WebGpu
  globals: object
}

export type WebGpuLoader = () => Promise<WebGpuBinding>

const loadDawn: WebGpuLoader = async () => await import('webgpu')

export interface WebGpuFound {
  ok: true
  /** vendor, architecture and driver, for the operator */
  description: string
  /** a CPU implementation (SwiftShader, lavapipe) rather than a GPU */
  software: boolean
  /** makes it `navigator.gpu` for tfjs-backend-webgpu, which looks once, when it is imported */
  install: () => void
}

export type WebGpuSearch = WebGpuFound | { ok: false, reason: string }

/**
 * The workgroup and binding limits tfjs-backend-webgpu's shaders are written for (WebGPU's core
 * defaults); a compatibility-mode adapter has less and fails at the first shader.
 */
const TFJS_LIMITS = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxStorageBuffersPerShaderStage: 8
} as const
type TfjsLimit = keyof typeof TFJS_LIMITS

export interface FindWebGpuOptions {
  load?: WebGpuLoader
  /** how long Dawn may take to enumerate adapters (default 10 s) */
  timeoutMs?: number
  /** accept a software adapter: it works, but trains slower than WASM */
  allowSoftware?: boolean
}

/** Loads the binding and asks it for a high-performance adapter; says why when there is no usable one. */
export async function findWebGpu (options: FindWebGpuOptions = {}): Promise<WebGpuSearch> {
  let binding: WebGpuBinding
  try {
    binding = await (options.load ?? loadDawn)()
  } catch (error) {
    return { ok: false, reason: `the webgpu package did not load: ${errorMessage(error)}` }
  }
  let gpu: WebGpu
  let adapter: WebGpuAdapter | null
  try {
    gpu = binding.create([])
    adapter = await within(gpu.requestAdapter({ powerPreference: 'high-performance' }), options.timeoutMs ?? 10_000, 'Dawn did not answer the adapter request')
  } catch (error) {
    return { ok: false, reason: `the adapter request failed: ${errorMessage(error)}` }
  }
  if (adapter === null) return { ok: false, reason: 'Dawn found no usable GPU: no driver it can use (Vulkan on Linux), or none with the features WebGPU needs' }
  const description = describeAdapter(adapter)
  const software = adapter.info.isFallbackAdapter === true
  if (software && options.allowSoftware !== true) return { ok: false, reason: `only a software adapter, slower than WASM: ${description}` }
  const short = Object.entries(TFJS_LIMITS).filter(([name, least]) => adapter.limits[name as TfjsLimit] < least)
  if (short.length > 0) {
    return { ok: false, reason: `${description} lacks what tfjs needs: ${short.map(([name, least]) => `${name} ${adapter.limits[name as TfjsLimit]} < ${least}`).join(', ')}` }
  }
  return { ok: true, description, software, install: () => { installWebGpu(binding.globals, gpu) } }
}

function installWebGpu (globals: object, gpu: WebGpu): void {
  Object.assign(globalThis, globals)
  const scope = globalThis as { navigator?: object }
  // Node 21+ has a navigator of its own (without gpu); Node 20 has none.
  if (scope.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, writable: true, configurable: true })
  } else {
    Object.defineProperty(scope.navigator, 'gpu', { value: gpu, writable: true, configurable: true })
  }
}

function describeAdapter (adapter: WebGpuAdapter): string {
  const { vendor, architecture, description } = adapter.info
  const name = [vendor, architecture].filter((part) => part !== '').join(' ') || 'unnamed adapter'
  return description === '' ? name : `${name} (${description})`
}

/** `promise`, or a BackendUnavailableError after `ms`: a broken driver can leave a request pending forever. */
export async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new BackendUnavailableError(`${what} within ${ms / 1000} s`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

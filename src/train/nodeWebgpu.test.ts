import { afterEach, describe, expect, it } from 'vitest'
import { BackendUnavailableError } from './errors.ts'
import { findWebGpu, within, type WebGpu, type WebGpuAdapter, type WebGpuLoader } from './nodeWebgpu.ts'
import { failingBinding, fakeAdapter, fakeBinding } from '../testing/webgpu.ts'

const reasonFor = async (load: WebGpuLoader, options: { timeoutMs?: number } = {}): Promise<string> => {
  const search = await findWebGpu({ load, ...options })
  if (search.ok) throw new Error('expected no adapter')
  return search.reason
}

describe('findWebGpu', () => {
  it('says why when the binding does not load, has no adapter, or never answers', async () => {
    expect(await reasonFor(failingBinding('libvulkan.so.1: cannot open shared object file')))
      .toBe('the webgpu package did not load: libvulkan.so.1: cannot open shared object file')
    expect(await reasonFor(async () => ({ create: () => { throw new Error('bad flag') }, globals: {} }))).toBe('the adapter request failed: bad flag')
    expect(await reasonFor(fakeBinding(async () => null))).toMatch(/^Dawn found no usable GPU/)
    const started = Date.now()
    expect(await reasonFor(fakeBinding(async () => await new Promise<never>(() => {})), { timeoutMs: 20 }))
      .toBe('the adapter request failed: Dawn did not answer the adapter request within 0.02 s')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('refuses a software adapter unless allowed, and one with less than tfjs needs', async () => {
    const swiftshader = fakeAdapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true })
    expect(await reasonFor(fakeBinding(async () => swiftshader))).toBe('only a software adapter, slower than WASM: google swiftshader (SwiftShader driver 5.0.0)')
    expect(await findWebGpu({ load: fakeBinding(async () => swiftshader), allowSoftware: true })).toMatchObject({ ok: true, software: true })
    expect(await reasonFor(fakeBinding(async () => fakeAdapter({}, { maxComputeInvocationsPerWorkgroup: 128, maxStorageBuffersPerShaderStage: 4 }))))
      .toBe('nvidia hopper (NVIDIA H100 80GB HBM3) lacks what tfjs needs: maxComputeInvocationsPerWorkgroup 128 < 256, maxStorageBuffersPerShaderStage 4 < 8')
  })

  it('asks for the high-performance adapter and names it', async () => {
    const asked: unknown[] = []
    const search = await findWebGpu({ load: fakeBinding(async (options) => { asked.push(options); return fakeAdapter({ architecture: '' }) }) })
    expect(asked).toEqual([{ powerPreference: 'high-performance' }])
    expect(search).toMatchObject({ ok: true, description: 'nvidia (NVIDIA H100 80GB HBM3)', software: false })
  })

  describe('install', () => {
    const scope = globalThis as { navigator?: { gpu?: unknown }, GPUBufferUsage?: unknown }
    // Node 21+ has a navigator (without gpu), Node 20 none: put back what was there.
    const hadNavigator = scope.navigator !== undefined
    afterEach(() => {
      delete scope.GPUBufferUsage
      if (hadNavigator) delete scope.navigator?.gpu
      else delete scope.navigator
    })

    it('makes the adapter\'s GPU navigator.gpu and its globals global, where tfjs-backend-webgpu looks', async () => {
      const requestAdapter = async (): Promise<WebGpuAdapter> => fakeAdapter()
      const search = await findWebGpu({ load: fakeBinding(requestAdapter, { GPUBufferUsage: { STORAGE: 128 } }) })
      if (!search.ok) throw new Error(search.reason)
      search.install()
      expect((scope.navigator?.gpu as WebGpu).requestAdapter).toBe(requestAdapter)
      expect(scope.GPUBufferUsage).toEqual({ STORAGE: 128 })
    })
  })
})

describe('within', () => {
  it('passes the result through, or rejects with BackendUnavailableError when it takes too long', async () => {
    expect(await within(Promise.resolve(3), 1000, 'three')).toBe(3)
    await expect(within(new Promise(() => {}), 10, 'the device')).rejects.toThrow(new BackendUnavailableError('the device within 0.01 s'))
  })
})

import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { architectureFromSpec } from '../core/architecture.ts'
import { failingBinding, fakeAdapter, fakeBinding } from '../testing/webgpu.ts'
import { BackendUnavailableError } from './errors.ts'
import { initialWeights } from './model.ts'
import { describeNodeBackend, useNodeBackend } from './nodeBackend.ts'
import type { WebGpuFound } from './nodeWebgpu.ts'
import { trainShard } from './trainShard.ts'

const h100 = fakeBinding(async () => fakeAdapter())
const noAdapter = fakeBinding(async () => null)

describe('useNodeBackend', () => {
  it('auto falls back to WASM, with the reason, when the binding does not load or Dawn finds no adapter', async () => {
    const failed = await useNodeBackend('auto', { loadWebGpu: failingBinding('libvulkan.so.1: cannot open shared object file') })
    expect(failed).toEqual({ backend: 'wasm', fallback: 'no WebGPU adapter (the webgpu package did not load: libvulkan.so.1: cannot open shared object file)' })
    expect(tf.getBackend()).toBe('wasm')
    await useNodeBackend('cpu')
    expect(await useNodeBackend('auto', { loadWebGpu: noAdapter })).toMatchObject({ backend: 'wasm', fallback: expect.stringMatching(/^no WebGPU adapter \(Dawn found no usable GPU/) as string })
    expect(tf.getBackend()).toBe('wasm')
  })

  it('auto takes a hardware adapter that trains, and falls back from one that does not', async () => {
    const started: WebGpuFound[] = []
    expect(await useNodeBackend('auto', { loadWebGpu: h100, startWebGpu: async (found) => { started.push(found) } }))
      .toEqual({ backend: 'webgpu', adapter: 'nvidia hopper (NVIDIA H100 80GB HBM3)' })
    expect(started.map((f) => f.description)).toEqual(['nvidia hopper (NVIDIA H100 80GB HBM3)'])
    const broken = async (): Promise<void> => { throw new BackendUnavailableError('WebGPU on nvidia hopper cannot train: device lost') }
    expect(await useNodeBackend('auto', { loadWebGpu: h100, startWebGpu: broken })).toEqual({ backend: 'wasm', fallback: 'WebGPU on nvidia hopper cannot train: device lost' })
  })

  it('auto passes on an error that is not about the backend: a bug should not pass for a missing GPU', async () => {
    await expect(useNodeBackend('auto', { loadWebGpu: h100, startWebGpu: async () => { throw new TypeError('oops') } })).rejects.toThrow(TypeError)
  })

  it('explicit webgpu fails with the reason instead of falling back, and accepts a software adapter', async () => {
    await useNodeBackend('cpu')
    const refused = useNodeBackend('webgpu', { loadWebGpu: noAdapter })
    await expect(refused).rejects.toBeInstanceOf(BackendUnavailableError)
    await expect(refused).rejects.toThrow(/^no WebGPU adapter \(Dawn found no usable GPU/)
    expect(tf.getBackend()).toBe('cpu')
    const swiftshader = fakeBinding(async () => fakeAdapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true }))
    expect(await useNodeBackend('auto', { loadWebGpu: swiftshader, startWebGpu: async () => {} })).toMatchObject({ backend: 'wasm', fallback: expect.stringContaining('only a software adapter') as string })
    expect(await useNodeBackend('webgpu', { loadWebGpu: swiftshader, startWebGpu: async () => {} }))
      .toEqual({ backend: 'webgpu', adapter: 'google swiftshader (SwiftShader driver 5.0.0), software' })
  })

  it('words the provider\'s line', () => {
    expect(describeNodeBackend({ backend: 'webgpu', adapter: 'nvidia hopper (NVIDIA H100 80GB HBM3)' })).toBe('training on tfjs webgpu (adapter: nvidia hopper (NVIDIA H100 80GB HBM3))')
    expect(describeNodeBackend({ backend: 'wasm', fallback: 'no WebGPU adapter (Dawn found no usable GPU)' })).toBe('training on tfjs wasm: no WebGPU adapter (Dawn found no usable GPU)')
    expect(describeNodeBackend({ backend: 'cpu' })).toBe('training on tfjs cpu')
  })

  it('auto, with the real binding, lands on a backend that trains, and says which and why', async () => {
    const started = Date.now()
    const choice = await useNodeBackend('auto')
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(tf.getBackend()).toBe(choice.backend)
    // Here: WebGPU on a GPU machine, else WASM with the reason (no GPU, no Vulkan, or only a software adapter).
    if (choice.backend === 'webgpu') expect(choice.adapter).toBeTruthy()
    else expect(choice).toMatchObject({ backend: 'wasm', fallback: expect.stringMatching(/^no WebGPU adapter \(.+\)$|^WebGPU on /) as string })
    const arch = architectureFromSpec({ template: 'mlp', inputShape: [4], classes: 2, hidden: [8], activation: 'relu' })
    const data = { x: Float32Array.from({ length: 32 }, (_, i) => (i % 7) / 7), labels: Int32Array.from({ length: 8 }, (_, i) => i % 2), featureShape: [4], classes: 2 }
    const { metrics } = await trainShard({ architecture: arch, training: { optimizer: 'sgd', learningRate: 0.1, localSteps: 2, batchSize: 4 }, weights: await initialWeights(arch, 1), data, seed: 1 })
    expect(metrics.backend).toBe(choice.backend)
    expect(Number.isFinite(metrics.lastLoss)).toBe(true)
  }, 60_000)
})

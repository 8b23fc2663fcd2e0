/** Shared by the unit tests: a stand-in for Dawn's binding and adapter, for machines with and without a GPU. */
import type { WebGpu, WebGpuAdapter, WebGpuLoader } from '../train/nodeWebgpu.ts'

export function fakeAdapter (info: Partial<WebGpuAdapter['info']> = {}, limits: Partial<WebGpuAdapter['limits']> = {}): WebGpuAdapter {
  return {
    info: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3', isFallbackAdapter: false, ...info },
    limits: { maxComputeInvocationsPerWorkgroup: 1024, maxComputeWorkgroupSizeX: 1024, maxStorageBuffersPerShaderStage: 10, ...limits }
  }
}

/** A binding whose one GPU answers the adapter request with `requestAdapter`. */
export function fakeBinding (requestAdapter: WebGpu['requestAdapter'], globals: object = {}): WebGpuLoader {
  return async () => ({ create: () => ({ requestAdapter }), globals })
}

export const failingBinding = (message: string): WebGpuLoader => async () => { throw new Error(message) }

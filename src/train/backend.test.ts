import { describe, expect, it } from 'vitest'
import { parseTaskSpec } from '../core/taskSpec.ts'
import { architectureFromSpec } from '../core/architecture.ts'
import { chooseBackend, probeBackend } from './backend.ts'
import { backendStoreKey, type BackendStore } from './backendChoice.ts'
import { BackendUnavailableError } from './errors.ts'
import { nodeWasmPaths } from './nodeWasmPaths.ts'

function memoryStore (): BackendStore & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => { data.set(k, v) } }
}

const cnn = architectureFromSpec(parseTaskSpec({ model: { template: 'cnn', inputShape: [8, 8, 1], classes: 2, filters: [2], hidden: [4] }, seed: 1 }).model)

describe('chooseBackend', () => {
  it('probes the candidates, picks the fastest, remembers it per kind of model', async () => {
    const store = memoryStore()
    const first = await chooseBackend({ store, wasmPaths: nodeWasmPaths() })
    expect(first.source).toBe('probe')
    expect(first.probes.map((p) => p.backend)).toEqual(['wasm', 'cpu'])
    expect(first.probes.every((p) => p.ms !== null && p.ms > 0)).toBe(true)
    const fastest = [...first.probes].sort((a, b) => (a.ms as number) - (b.ms as number))[0]?.backend
    expect(first.backend).toBe(fastest)
    expect(store.data.get(backendStoreKey())).toBe(first.backend)
    expect(await chooseBackend({ store })).toMatchObject({ backend: first.backend, source: 'remembered' })
    expect(store.data.has(backendStoreKey(cnn))).toBe(false)
  })

  it('fails a backend that lacks a kernel the model needs: WASM cannot train a CNN', async () => {
    const probe = await probeBackend('wasm', cnn, 1)
    expect(probe.ms).toBeNull()
    expect(probe.error).toContain('wasm backend cannot train this model: it has no Conv2DBackpropFilter kernel')
    const choice = await chooseBackend({ architecture: cnn, candidates: ['wasm', 'cpu'] })
    expect(choice.backend).toBe('cpu')
  })

  it('honours an override and refuses one that cannot start', async () => {
    expect(await chooseBackend({ override: 'cpu' })).toEqual({ backend: 'cpu', source: 'override', probes: [] })
    await expect(chooseBackend({ override: 'webgl' })).rejects.toBeInstanceOf(BackendUnavailableError)
  })
})

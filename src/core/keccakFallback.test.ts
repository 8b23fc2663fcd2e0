import { keccak256 } from 'viem'
import { describe, expect, it, vi } from 'vitest'

const load = vi.hoisted(() => ({ fail: true, tries: 0 }))
vi.mock('hash-wasm', async (original) => {
  load.tries++
  if (load.fail) throw new Error('WebAssembly is disabled')
  return await original()
})

describe('keccakBytes without WebAssembly', () => {
  it('gives keccak256 all the same, and loads the WebAssembly hasher once it can', async () => {
    const { keccakBytes } = await import('./keccak.ts')
    const bytes = Uint8Array.from({ length: 4099 }, (_, i) => (i * 7) & 0xff)
    expect(await keccakBytes(bytes)).toBe(keccak256(bytes))
    expect(load.tries).toBe(1)
    load.fail = false
    vi.resetModules()
    expect(await keccakBytes(bytes)).toBe(keccak256(bytes))
    expect(load.tries).toBe(2)
  })
})

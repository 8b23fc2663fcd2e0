import type { Address, Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { Emitter } from '../core/events.ts'
import { ProviderContext, StepTimeoutError, type ProviderDeps } from './context.ts'
import { emptyState, MemoryStateStore, systemClock } from './state.ts'
import type { ArtifactStore, ProviderEvents } from './types.ts'

const ME = '0x00000000000000000000000000000000000000a1' as Address

/** An artifact store whose gets hang until their signal aborts (a holder that went away mid-transfer). */
const hanging: ArtifactStore = {
  put: async () => '0x01' as Hex,
  get: async (_cid, _kind, options) => await new Promise((_resolve, reject) => {
    options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }, { once: true })
  })
}

function contextWith (timeouts: { stepTimeoutMs: number, transferTimeoutMs: number }): ProviderContext {
  const chain = { account: ME, readVersion: async () => ({ modelCid: '0x01cc' as Hex, commitHash: '0x00' as Hex }) }
  const deps = { chain, artifacts: hanging, clock: systemClock, ...timeouts, state: new MemoryStateStore(), taskId: 1n, pipeline: true } as unknown as ProviderDeps
  return new ProviderContext(deps, new Emitter<ProviderEvents>(), emptyState(1n, ME), 'key')
}

describe('transfers', () => {
  it('a delta or version fetch that hangs fails after the transfer deadline, not the step\'s', async () => {
    const ctx = contextWith({ stepTimeoutMs: 60_000, transferTimeoutMs: 50 })
    const started = Date.now()
    await expect(ctx.deltaOf('0x01aa')).rejects.toBeInstanceOf(StepTimeoutError)
    await expect(ctx.modelOf(1n)).rejects.toBeInstanceOf(StepTimeoutError)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

/** The loop's persisted state: an in-memory store (tests) and the system clock. */
import type { Address } from 'viem'
import type { Clock, ProviderState, ProviderStateStore } from './types.ts'

export function emptyState (taskId: bigint, account: Address): ProviderState {
  return { version: 1, taskId: taskId.toString(), account, joined: false, results: {}, versions: {}, accepted: 0, step: null }
}

export function stateKey (taskId: bigint, account: Address): string {
  return `mlbridge.provider/${account.toLowerCase()}/${taskId}`
}

/** Keeps JSON copies, so a reload in a test sees exactly what a real store would give back. */
export class MemoryStateStore implements ProviderStateStore {
  readonly saved = new Map<string, string>()
  async load (key: string): Promise<ProviderState | undefined> {
    const json = this.saved.get(key)
    return json === undefined ? undefined : JSON.parse(json) as ProviderState
  }

  async save (key: string, state: ProviderState): Promise<void> {
    this.saved.set(key, JSON.stringify(state))
  }
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => await new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) { reject(signal.reason); return }
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason) }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

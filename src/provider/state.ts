/** The loop's persisted state: an in-memory store (tests) and the system clock. */
import type { Address } from 'viem'
import type { Clock, ProviderState, ProviderStateStore } from './types.ts'

export function emptyState (taskId: bigint, account: Address): ProviderState {
  return { version: 1, taskId: taskId.toString(), account, joined: false, results: {}, versions: {}, accepted: 0, step: null }
}

/** Rounds before the current one whose results and version records are kept (a challenge of the last version, a reveal after a reload). */
export const STATE_ROUNDS_KEPT = 2

/**
 * Forgets results and version records of rounds more than STATE_ROUNDS_KEPT before `round`: the
 * state is saved in full at every step, and a task runs for up to 10,000 rounds.
 */
export function pruneState (state: ProviderState, round: number): void {
  for (const [key, result] of Object.entries(state.results)) if (result.round < round - STATE_ROUNDS_KEPT) delete state.results[key]
  for (const key of Object.keys(state.versions)) if (Number(key) < round - STATE_ROUNDS_KEPT) delete state.versions[key]
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

/**
 * Runs provider loops on a local chain until each ends, as the integration tests do: once every
 * loop has joined, chain time jumps past the joining window so the task starts. Services that work
 * beside the providers (a referee) run on the same signal and stop with them.
 */
import type { LoopOutcome, ProviderLoop } from '../../src/provider/providerLoop.ts'

export async function runLoops (
  loops: readonly ProviderLoop[],
  opts: { timeTravel: (seconds: number) => Promise<void>, joinWindow: number, timeoutMs?: number, beside?: (signal: AbortSignal) => Promise<void> }
): Promise<LoopOutcome[]> {
  const joined = Promise.all(loops.map(async (loop) => await new Promise<void>((resolve) => {
    const off = loop.on('action', (a) => { if (a.name === 'joinTask') { off(); resolve() } })
  })))
  const controller = new AbortController()
  const guard = setTimeout(() => { controller.abort(new Error('the task did not complete in time')) }, opts.timeoutMs ?? 60_000)
  const beside = opts.beside?.(controller.signal)
  const runs = loops.map(async (loop) => await loop.run(controller.signal))
  try {
    await joined
    await opts.timeTravel(opts.joinWindow + 1)
    return await Promise.all(runs)
  } finally {
    clearTimeout(guard)
    controller.abort()
    await Promise.allSettled([...runs, beside])
  }
}

/**
 * Whose turn it is to pin a CID. Requests for one CID run one at a time: every replica of a round
 * pins the same version at once, and concurrent pins of one CID race in the pin datastore
 * (AlreadyPinned, or ENOENT on disk). A request waits for those before it holding nothing (no
 * fetch slot, no stall clock: its caller takes those when its turn comes), then finds the content
 * held. A member's request preempts the open-task requests (any wallet may make them) queued or
 * running before it: anyone may ask for a round's version under task 0 and feed it slowly, and
 * every replica's request would otherwise wait behind it.
 */
export interface PinTurns {
  /**
   * runs `pin` once every request for `key` before it has ended or been preempted; `preempted`
   * aborts when a member's request for the same key preempts this one (only if `open`)
   */
  run: <T>(key: string, open: boolean, pin: (preempted: AbortSignal) => Promise<T>) => Promise<T>
  /** keys with requests queued or running */
  readonly size: number
}

interface Turn { open: boolean, preempt: AbortController, done: Promise<unknown> }

/** `stopping` ends every wait at once: each request then runs and finds the service stopping. */
export function createPinTurns (stopping: AbortSignal): PinTurns {
  const turns = new Map<string, Turn[]>()
  return {
    run: async (key, open, pin) => {
      const ahead = turns.get(key) ?? []
      if (!open) for (const turn of ahead) if (turn.open) turn.preempt.abort()
      const preempt = new AbortController()
      const cut = AbortSignal.any([preempt.signal, stopping])
      const done = (async () => {
        await new Promise<void>((resolve) => {
          cut.addEventListener('abort', () => { resolve() }, { once: true })
          void Promise.allSettled(ahead.map(async (turn) => await turn.done)).then(() => { resolve() })
        })
        return await pin(preempt.signal)
      })()
      const mine: Turn = { open, preempt, done }
      turns.set(key, [...ahead, mine])
      try {
        return await done
      } finally {
        const left = (turns.get(key) ?? []).filter((turn) => turn !== mine)
        if (left.length === 0) turns.delete(key)
        else turns.set(key, left)
      }
    },
    get size () { return turns.size }
  }
}

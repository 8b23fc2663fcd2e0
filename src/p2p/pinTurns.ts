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
   * runs `pin` once every request for `key` before it has ended or been preempted, or answers
   * `full` at once when `maxWaiting` requests for `key` are waiting already (for a member's
   * request, not counting the open ones it preempts); `preempted` aborts when a member's request
   * for the same key preempts this one (only if `open`)
   */
  run: <T>(key: string, open: boolean, pin: (preempted: AbortSignal) => Promise<T>, full: () => T) => Promise<T>
  /** keys with requests queued or running */
  readonly size: number
}

interface Queue {
  /** settles once every request queued so far has ended */
  tail: Promise<void>
  /** requests queued or running */
  count: number
  /** the preemption of each open request queued or running */
  open: Set<AbortController>
}

/**
 * `stopping` ends every wait at once: each request then runs and finds the service stopping.
 * Each request waits on the one promise its queue had when it came (so a long queue costs each
 * request the same), with listeners it removes once its wait is over (the `stopping` signal lives
 * as long as the service).
 */
export function createPinTurns (stopping: AbortSignal, maxWaiting = 64): PinTurns {
  const queues = new Map<string, Queue>()
  const waitFor = async (tail: Promise<void>, preempt: AbortSignal): Promise<void> => {
    if (preempt.aborted || stopping.aborted) return
    let cut = (): void => {}
    try {
      await Promise.race([tail, new Promise<void>((resolve) => {
        cut = resolve
        preempt.addEventListener('abort', cut)
        stopping.addEventListener('abort', cut)
      })])
    } finally {
      preempt.removeEventListener('abort', cut)
      stopping.removeEventListener('abort', cut)
    }
  }
  return {
    run: async (key, open, pin, full) => {
      let queue = queues.get(key)
      if (queue !== undefined) {
        // preempted first: the open requests a member's would wait behind end at once, so they
        // cannot keep it out either by filling the queue
        if (!open) for (const earlier of queue.open) earlier.abort()
        if ((open ? queue.count : queue.count - queue.open.size) > maxWaiting) return full()
      } else {
        queue = { tail: Promise.resolve(), count: 0, open: new Set() }
        queues.set(key, queue)
      }
      const preempt = new AbortController()
      if (open) queue.open.add(preempt)
      const ahead = queue.tail
      const done = (async () => {
        await waitFor(ahead, preempt.signal)
        return await pin(preempt.signal)
      })()
      queue.tail = Promise.allSettled([ahead, done]).then(() => {})
      queue.count++
      try {
        return await done
      } finally {
        queue.open.delete(preempt)
        if (--queue.count === 0) queues.delete(key)
      }
    },
    get size () { return queues.size }
  }
}

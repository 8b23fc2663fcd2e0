/**
 * Runs at most `max` jobs at once, the rest in the order they came; a job that fails frees its
 * place like one that succeeds. A freed place goes straight to the next job waiting, so a job
 * arriving meanwhile cannot take it and put `max + 1` jobs in flight.
 */
export function concurrencyLimit (max: number): <T>(job: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrencyLimit: max must be a positive integer, got ${max}`)
  let running = 0
  const waiting: Array<() => void> = []
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (running < max) running++
    else await new Promise<void>((resolve) => { waiting.push(resolve) })
    try {
      return await job()
    } finally {
      const next = waiting.shift()
      if (next === undefined) running--
      else next()
    }
  }
}

/** Many shared jobs at once, or one exclusive job alone. */
export interface ExclusiveGate {
  /** Runs `job` beside other shared ones; an abort of `signal` while it still waits for its turn rejects with the signal's reason. */
  shared: <T>(job: () => Promise<T>, signal?: AbortSignal) => Promise<T>
  /**
   * Waits for the shared jobs running, holds back those that arrive meanwhile (so a steady stream
   * of them cannot starve it), then runs alone.
   */
  exclusive: <T>(job: () => Promise<T>) => Promise<T>
}

export function exclusiveGate (): ExclusiveGate {
  let running = 0
  // an exclusive job holds the gate or waits for the shared ones to finish
  let closed = false
  let drained: (() => void) | undefined
  const sharedWaiting: Array<() => void> = []
  const exclusiveWaiting: Array<() => void> = []
  const reopen = (): void => {
    const next = exclusiveWaiting.shift()
    // the gate stays closed for the next exclusive job: nothing shared was let in meanwhile
    if (next !== undefined) return next()
    closed = false
    running += sharedWaiting.length
    for (const admit of sharedWaiting.splice(0)) admit()
  }
  return {
    shared: async (job, signal) => {
      signal?.throwIfAborted()
      if (closed) await turnOf(sharedWaiting, signal)
      else running++
      try {
        return await job()
      } finally {
        if (--running === 0) drained?.()
      }
    },
    exclusive: async (job) => {
      if (closed) {
        await new Promise<void>((resolve) => { exclusiveWaiting.push(resolve) })
      } else {
        closed = true
        if (running > 0) await new Promise<void>((resolve) => { drained = resolve })
        drained = undefined
      }
      try {
        return await job()
      } finally {
        reopen()
      }
    }
  }
}

/** Waits in `queue` until called; an abort meanwhile leaves the queue (so it is never admitted) and rejects. */
async function turnOf (queue: Array<() => void>, signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      const at = queue.indexOf(admit)
      if (at >= 0) queue.splice(at, 1)
      reject(signal!.reason)
    }
    // once admitted, the job runs (and sees the abort through its own signal)
    const admit = (): void => { signal?.removeEventListener('abort', onAbort); resolve() }
    queue.push(admit)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

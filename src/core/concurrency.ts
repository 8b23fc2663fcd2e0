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

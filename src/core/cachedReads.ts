/** A read kept with the time it was made. */
export interface CachedRead<T> {
  value: T
  readAt: number
}

/**
 * One value per key read from somewhere slow (the chain), kept for a while: concurrent reads of a
 * key share one, a failed read is not kept, and past `maxKeys` the least recently read key goes
 * (with `maxKeys` 0 nothing is kept: only reads under way are shared). Asked with `maxAgeMs`, it
 * answers from what it keeps if that is younger, else reads again.
 */
export function cachedReads<T> (read: (key: string) => Promise<T>, opts: { maxKeys: number, now?: () => number }): (key: string, maxAgeMs: number) => Promise<CachedRead<T>> {
  const now = opts.now ?? Date.now
  const entries = new Map<string, CachedRead<T>>()
  const reading = new Map<string, Promise<CachedRead<T>>>()
  const load = async (key: string): Promise<CachedRead<T>> => {
    let pending = reading.get(key)
    if (pending === undefined) {
      pending = read(key).then((value) => {
        const entry = { value, readAt: now() }
        entries.delete(key)
        entries.set(key, entry)
        if (entries.size > opts.maxKeys) entries.delete(entries.keys().next().value as string)
        return entry
      }).finally(() => { reading.delete(key) })
      reading.set(key, pending)
    }
    return await pending
  }
  return async (key, maxAgeMs) => {
    const entry = entries.get(key)
    // a clock stepped back makes no entry younger than it is
    const age = entry === undefined ? -1 : now() - entry.readAt
    return entry !== undefined && age >= 0 && age < maxAgeMs ? entry : await load(key)
  }
}

import { describe, expect, it } from 'vitest'
import { cachedReads } from './cachedReads.ts'

describe('cachedReads', () => {
  it('shares a read under way, keeps it for maxAgeMs, and does not keep a failure', async () => {
    let t = 0
    let reads = 0
    let fail = false
    const read = cachedReads(async (key) => {
      reads++
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (fail) throw new Error('rpc down')
      return `${key}#${reads}`
    }, { maxKeys: 2, now: () => t })
    // concurrent asks, even with no age allowed, share the read under way
    const both = await Promise.all([read('a', 0), read('a', 0)])
    expect(both.map((r) => r.value)).toEqual(['a#1', 'a#1'])
    t = 999
    expect((await read('a', 1000)).value).toBe('a#1')
    expect((await read('a', 999)).value).toBe('a#2')
    fail = true
    await expect(read('b', 1000)).rejects.toThrow('rpc down')
    fail = false
    expect((await read('b', 1000)).value).toBe('b#4')
  })

  it('drops the least recently read key past maxKeys', async () => {
    let reads = 0
    const read = cachedReads(async (key) => `${key}#${++reads}`, { maxKeys: 2, now: () => 0 })
    for (const key of ['a', 'b', 'c']) await read(key, 1000)
    expect((await read('b', 1000)).value).toBe('b#2')
    expect((await read('a', 1000)).value).toBe('a#4')
  })

  it('keeps nothing with maxKeys 0, and trusts no entry when the clock stepped back', async () => {
    let reads = 0
    const shareOnly = cachedReads(async (key) => `${key}#${++reads}`, { maxKeys: 0, now: () => 0 })
    expect([(await shareOnly('a', 1000)).value, (await shareOnly('a', 1000)).value]).toEqual(['a#1', 'a#2'])
    let t = 100
    const kept = cachedReads(async (key) => `${key}#${++reads}`, { maxKeys: 1, now: () => t })
    expect((await kept('a', 1000)).value).toBe('a#3')
    t = 50
    expect((await kept('a', 1000)).value).toBe('a#4')
  })
})

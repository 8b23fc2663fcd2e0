import { describe, expect, it } from 'vitest'
import { concurrencyLimit } from './concurrency.ts'

const tick = async (): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, 1)) }

describe('concurrencyLimit', () => {
  it('never runs more than max jobs at once, and runs them all in arrival order', async () => {
    const limit = concurrencyLimit(3)
    let running = 0
    let peak = 0
    const started: number[] = []
    const jobs = Array.from({ length: 10 }, async (_, i) => await limit(async () => {
      started.push(i)
      peak = Math.max(peak, ++running)
      await tick()
      running--
      return i
    }))
    expect(await Promise.all(jobs)).toEqual([...Array(10).keys()])
    expect(peak).toBe(3)
    expect(started).toEqual([...Array(10).keys()])
  })

  it('frees the place of a failed job, and the failure reaches its caller only', async () => {
    const limit = concurrencyLimit(1)
    const failed = limit(async () => { throw new Error('boom') })
    const next = limit(async () => 'ran')
    await expect(failed).rejects.toThrow('boom')
    expect(await next).toBe('ran')
  })

  it('does not let a job that arrives as a place frees jump the queue', async () => {
    const limit = concurrencyLimit(1)
    let running = 0
    let peak = 0
    const job = async (): Promise<void> => { peak = Math.max(peak, ++running); await tick(); running-- }
    const first = limit(job)
    const queued = limit(job)
    await first
    // the place went to `queued` already: this one waits behind it
    const late = limit(job)
    await Promise.all([queued, late])
    expect(peak).toBe(1)
  })

  it('refuses a limit that is not a positive integer', () => {
    expect(() => concurrencyLimit(0)).toThrow(/positive integer, got 0/)
  })
})

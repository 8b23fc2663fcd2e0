import { describe, expect, it } from 'vitest'
import { concurrencyLimit, exclusiveGate } from './concurrency.ts'

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

describe('exclusiveGate', () => {
  /** A job that records when it starts and ends, and ends when the test says. */
  function controlled (log: string[], name: string): { job: () => Promise<string>, finish: () => void } {
    let finish = (): void => {}
    const done = new Promise<void>((resolve) => { finish = resolve })
    return { job: async () => { log.push(`${name}+`); await done; log.push(`${name}-`); return name }, finish }
  }

  it('runs shared jobs together, and an exclusive one alone: after those running, before those that came after it', async () => {
    const gate = exclusiveGate()
    const log: string[] = []
    const [a, b, x, c] = ['a', 'b', 'x', 'c'].map((n) => controlled(log, n)) as [ReturnType<typeof controlled>, ReturnType<typeof controlled>, ReturnType<typeof controlled>, ReturnType<typeof controlled>]
    const runs = [gate.shared(a.job), gate.shared(b.job), gate.exclusive(x.job), gate.shared(c.job)]
    await tick()
    expect(log).toEqual(['a+', 'b+'])
    a.finish()
    await tick()
    expect(log).toEqual(['a+', 'b+', 'a-'])
    b.finish()
    await tick()
    expect(log).toEqual(['a+', 'b+', 'a-', 'b-', 'x+'])
    x.finish()
    await tick()
    expect(log).toEqual(['a+', 'b+', 'a-', 'b-', 'x+', 'x-', 'c+'])
    c.finish()
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'x', 'c'])
  })

  it('runs two exclusive jobs one after the other, and reopens after one that failed', async () => {
    const gate = exclusiveGate()
    const log: string[] = []
    const x = controlled(log, 'x')
    const first = gate.exclusive(x.job)
    const failed = gate.exclusive(async () => { log.push('y'); throw new Error('boom') })
    const after = gate.shared(async () => { log.push('s'); return 's' })
    await tick()
    expect(log).toEqual(['x+'])
    x.finish()
    await expect(failed).rejects.toThrow('boom')
    expect(await after).toBe('s')
    expect(await first).toBe('x')
    expect(log).toEqual(['x+', 'x-', 'y', 's'])
  })

  it('lets a shared job waiting behind an exclusive one give up on its signal, and keeps the gate sound', async () => {
    const gate = exclusiveGate()
    const log: string[] = []
    const x = controlled(log, 'x')
    const sweep = gate.exclusive(x.job)
    const controller = new AbortController()
    const waiting = gate.shared(async () => { log.push('aborted job ran'); return 'no' }, controller.signal)
    const other = gate.shared(async () => { log.push('s'); return 's' })
    await tick()
    controller.abort(new Error('put cancelled'))
    await expect(waiting).rejects.toThrow('put cancelled')
    expect(log).toEqual(['x+'])
    x.finish()
    expect(await sweep).toBe('x')
    expect(await other).toBe('s')
    // the aborted job was never counted as running: a later exclusive job is not left waiting for it
    const y = controlled(log, 'y')
    const next = gate.exclusive(y.job)
    await tick()
    y.finish()
    expect(await next).toBe('y')
    expect(log).toEqual(['x+', 'x-', 's', 'y+', 'y-'])
    await expect(gate.shared(async () => 'late', AbortSignal.abort(new Error('already')))).rejects.toThrow('already')
  })
})

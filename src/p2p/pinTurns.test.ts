import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { createPinTurns } from './pinTurns.ts'

/** A pin that ends when told to (or when preempted), recording when it started. */
function gate (log: string[], name: string): { pin: (preempted: AbortSignal) => Promise<string>, end: () => void } {
  let end = (): void => {}
  const ended = new Promise<void>((resolve) => { end = resolve })
  return {
    pin: async (preempted) => {
      log.push(`start ${name}`)
      if (preempted.aborted) return `${name} preempted`
      await Promise.race([ended, new Promise((resolve) => { preempted.addEventListener('abort', resolve, { once: true }) })])
      return preempted.aborted ? `${name} preempted` : `${name} done`
    },
    end
  }
}

const full = (): string => 'full'
const tick = async (): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, 0)) }

describe('pin turns', () => {
  it('runs requests for one key one at a time, a waiting one starting only at its turn', async () => {
    const turns = createPinTurns(new AbortController().signal)
    const log: string[] = []
    const [a, b] = [gate(log, 'a'), gate(log, 'b')]
    const other = gate(log, 'other')
    const results = [turns.run('cid', false, a.pin, full), turns.run('cid', false, b.pin, full), turns.run('cid2', false, other.pin, full)]
    await tick()
    expect(log).toEqual(['start a', 'start other'])
    a.end()
    await tick()
    expect(log).toEqual(['start a', 'start other', 'start b'])
    b.end()
    other.end()
    expect(await Promise.all(results)).toEqual(['a done', 'b done', 'other done'])
    expect(turns.size).toBe(0)
  })

  it('attack (open request in front): a member\'s request preempts the open requests running or queued before it, not the members\'', async () => {
    const turns = createPinTurns(new AbortController().signal)
    const log: string[] = []
    const [squatter, queued, member, later] = [gate(log, 'squatter'), gate(log, 'queued'), gate(log, 'member'), gate(log, 'later open')]
    const first = turns.run('v', true, squatter.pin, full)
    const second = turns.run('v', true, queued.pin, full)
    await tick()
    expect(log).toEqual(['start squatter'])
    const third = turns.run('v', false, member.pin, full)
    expect(await first).toBe('squatter preempted')
    expect(await second).toBe('queued preempted')
    await tick()
    expect(log.at(-1)).toBe('start member')
    // an open request after the member waits for it: only a member's request preempts, and only open ones
    const fourth = turns.run('v', true, later.pin, full)
    member.end()
    expect(await third).toBe('member done')
    later.end()
    expect(await fourth).toBe('later open done')
  })

  it('ends every wait when the service stops', async () => {
    const stopping = new AbortController()
    const turns = createPinTurns(stopping.signal)
    const log: string[] = []
    const [a, b] = [gate(log, 'a'), gate(log, 'b')]
    const results = [turns.run('cid', false, a.pin, full), turns.run('cid', false, b.pin, full)]
    await tick()
    stopping.abort()
    await tick()
    expect(log).toEqual(['start a', 'start b'])
    a.end()
    b.end()
    expect(await Promise.all(results)).toEqual(['a done', 'b done'])
  })

  it('answers full past maxWaiting requests waiting for one key, and leaves no listener on the stopping signal', async () => {
    const stopping = new AbortController()
    const turns = createPinTurns(stopping.signal, 2)
    const log: string[] = []
    const gates = ['a', 'b', 'c'].map((name) => gate(log, name))
    const results = gates.map(async (g) => await turns.run('cid', false, g.pin, full))
    expect(await turns.run('cid', false, gate(log, 'd').pin, full)).toBe('full')
    await tick()
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(2)
    for (const g of gates) g.end()
    expect(await Promise.all(results)).toEqual(['a done', 'b done', 'c done'])
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0)
    expect(turns.size).toBe(0)
  })

  it('attack (a full queue of open requests): a member\'s request preempts them rather than being refused as full', async () => {
    const turns = createPinTurns(new AbortController().signal, 2)
    const log: string[] = []
    const squatters = ['s1', 's2', 's3'].map((name) => gate(log, name))
    const held = squatters.map(async (g) => await turns.run('v', true, g.pin, full))
    expect(await turns.run('v', true, gate(log, 's4').pin, full)).toBe('full')
    const member = gate(log, 'member')
    const mine = turns.run('v', false, member.pin, full)
    expect(await Promise.all(held)).toEqual(['s1 preempted', 's2 preempted', 's3 preempted'])
    await tick()
    member.end()
    expect(await mine).toBe('member done')
  })
})

import { describe, expect, it } from 'vitest'
import { PhaseClock, TIMED_ROUNDS } from './timing.ts'

describe('PhaseClock', () => {
  it('charges each step until the next one to its round and category', () => {
    const clock = new PhaseClock()
    clock.enter('joining', undefined, 0)
    clock.enter('fetching', 0, 100)
    clock.enter('training', 0, 150)
    clock.enter('uploading', 0, 1150)
    clock.enter('committing', 0, 1200)
    clock.enter('aggregating', 0, 1300)
    clock.enter('proposing', 0, 1700)
    clock.enter('waiting', 1, 1800)
    const t = clock.timings(2000)
    expect(t.get(-1)).toEqual({ train: 0, transfer: 0, chain: 100, aggregate: 0, wait: 0 })
    expect(t.get(0)).toEqual({ train: 1000, transfer: 100, chain: 100, aggregate: 500, wait: 0 })
    expect(t.get(1)).toEqual({ train: 0, transfer: 0, chain: 0, aggregate: 0, wait: 200 })
  })

  it('does not count the same interval twice when read while a step runs', () => {
    const clock = new PhaseClock()
    clock.enter('training', 2, 0)
    expect(clock.timings(300).get(2)?.train).toBe(300)
    expect(clock.timings(500).get(2)?.train).toBe(500)
  })

  it('keeps the last TIMED_ROUNDS rounds (and the time before the first), not every round of a long task', () => {
    const clock = new PhaseClock()
    clock.enter('joining', undefined, 0)
    for (let round = 0; round < 1000; round++) clock.enter('training', round, 10 + round * 10)
    const rounds = [...clock.timings(20_000).keys()].sort((a, b) => a - b)
    expect(rounds).toEqual([-1, ...Array.from({ length: TIMED_ROUNDS }, (_, i) => 1000 - TIMED_ROUNDS + i)])
  })
})

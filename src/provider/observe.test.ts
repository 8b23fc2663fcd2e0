import { describe, expect, it } from 'vitest'
import type { Address } from 'viem'
import { Patience, standInTurn } from './observe.ts'

const A: Address = '0x000000000000000000000000000000000000000a'
const B: Address = '0x000000000000000000000000000000000000000b'
const C: Address = '0x000000000000000000000000000000000000000c'
const D: Address = '0x000000000000000000000000000000000000000d'

describe('standing in for a late aggregator', () => {
  it('gives the winners after the aggregator turns in their order, then everyone else', () => {
    expect([A, B, C, D].map((me) => standInTurn([A, B, C], me))).toEqual([0, 0, 1, 3])
    expect(standInTurn(undefined, A)).toBe(0)
  })

  it('ends a later turn a quarter of the wait later per step, all from the first look', () => {
    let now = 0
    const patience = new Patience({ now: () => now }, 1000)
    expect([0, 1, 2].map((turn) => patience.over('decided/3', turn))).toEqual([false, false, false])
    now = 1001
    expect([0, 1, 2].map((turn) => patience.over('decided/3', turn))).toEqual([true, false, false])
    now = 1251
    expect([0, 1, 2].map((turn) => patience.over('decided/3', turn))).toEqual([true, true, false])
    // another wait starts from its own first look
    expect(patience.over('decided/4')).toBe(false)
  })
})

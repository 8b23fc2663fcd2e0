import { describe, expect, it } from 'vitest'
import { bondLosses, TimeSplit } from './metrics.ts'

describe('time split', () => {
  it('charges each interval between two steps to the first step\'s kind', () => {
    let now = 0
    const split = new TimeSplit(() => now)
    split.step('fetching')
    now = 1000
    split.step('training')
    now = 4000
    split.step('uploading')
    now = 4500
    split.step('committing')
    now = 5000
    split.step('waiting')
    now = 9000
    split.step('aggregating')
    now = 9250
    split.close()
    expect(split.seconds).toEqual({ transfer: 1.5, train: 3, chain: 0.5, wait: 4, aggregate: 0.25 })
  })
})

describe('bond losses', () => {
  it('charges a forfeited bond to the challenger that held the key last, in chain order', () => {
    const held = [
      { at: [5n, 0] as const, key: '0xk1', payer: '0xA' },
      // k1 settled (released) in block 6, then challenged again by B
      { at: [7n, 2] as const, key: '0xk1', payer: '0xB' },
      { at: [7n, 0] as const, key: '0xk2', payer: '0xA' }
    ]
    const forfeited = [
      { at: [8n, 0] as const, key: '0xk1', amount: 10n },
      { at: [7n, 1] as const, key: '0xk2', amount: 100n },
      { at: [9n, 0] as const, key: '0xunknown', amount: 1n }
    ]
    expect(bondLosses(held, forfeited)).toEqual(new Map([['0xa', 100n], ['0xb', 10n]]))
  })
})

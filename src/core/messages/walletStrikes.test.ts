import { describe, expect, it } from 'vitest'
import { createWalletStrikes } from './walletStrikes.ts'

const W = '0x00000000000000000000000000000000000000aa'

describe('wallet strikes', () => {
  it('bans a wallet at the limit within the window, for banMs, whatever the letter case', () => {
    const s = createWalletStrikes({ limit: 3, windowMs: 1000, banMs: 5000 })
    s.strike(W, 0)
    s.strike(W, 500)
    expect(s.bannedUntil(W, 600)).toBeUndefined()
    s.strike(W.toUpperCase().replace('0X', '0x') as `0x${string}`, 900)
    expect(s.bannedUntil(W, 1000)).toBe(5900)
    expect(s.bannedUntil(W, 5900)).toBeUndefined()
  })

  it('forgets strikes older than the window', () => {
    const s = createWalletStrikes({ limit: 3, windowMs: 1000, banMs: 5000 })
    s.strike(W, 0)
    s.strike(W, 100)
    s.strike(W, 1200)
    expect(s.bannedUntil(W, 1200)).toBeUndefined()
  })
})

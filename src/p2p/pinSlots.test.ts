import { describe, expect, it } from 'vitest'
import { createPinSlots } from './pinSlots.ts'

describe('pin slots', () => {
  it('gives a peer and a wallet only their share, and frees a slot once', () => {
    const slots = createPinSlots({ total: 3, perPeer: 2, perWallet: 2, open: 3 })
    const a1 = slots.take('peerA', '0xAA')
    const a2 = slots.take('peerA', '0xaa')
    expect(a1.ok && a2.ok).toBe(true)
    expect(slots.take('peerA', '0xbb')).toEqual({ ok: false, reason: 'peer peerA already has 2 pins in progress, wait for one to end' })
    // the same wallet behind a fresh peer ID gets no more
    expect(slots.take('peerB', '0xAa')).toEqual({ ok: false, reason: 'wallet 0xAa already has 2 pins in progress, wait for one to end' })
    const b = slots.take('peerB', '0xbb')
    expect(b.ok).toBe(true)
    expect(slots.take('peerC', '0xcc')).toEqual({ ok: false, reason: '3 pins in progress, try again later' })
    if (!a1.ok) throw new Error('unreachable')
    a1.release()
    a1.release()
    expect(slots.active()).toBe(2)
    expect(slots.take('peerC', '0xcc').ok).toBe(true)
    expect(slots.take('peerD', '0xdd').ok).toBe(false)
  })

  it('gives requests for open tasks only their part of the slots', () => {
    const slots = createPinSlots({ total: 4, perPeer: 2, perWallet: 2, open: 2 })
    const open = [slots.take('peerA', '0xaa', true), slots.take('peerB', '0xbb', true)]
    expect(slots.take('peerC', '0xcc', true)).toEqual({ ok: false, reason: '2 pins of tasks anyone may pin for in progress, try again later' })
    // a member's request takes one of the rest
    expect(slots.take('peerC', '0xcc').ok).toBe(true)
    const first = open[0]!
    if (!first.ok) throw new Error('unreachable')
    first.release()
    first.release()
    expect(slots.take('peerD', '0xdd', true).ok).toBe(true)
    expect(slots.take('peerE', '0xee', true).ok).toBe(false)
  })
})

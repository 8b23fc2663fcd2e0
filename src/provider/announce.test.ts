import { describe, expect, it } from 'vitest'
import { Emitter } from '../core/events.ts'
import { announce, REPEAT_MS } from './announce.ts'
import type { ProviderEvents } from './types.ts'

function setup (): { loop: Emitter<ProviderEvents>, sent: Array<[string, unknown]>, clock: { t: number } } {
  const loop = new Emitter<ProviderEvents>()
  const sent: Array<[string, unknown]> = []
  const clock = { t: 1_000_000 }
  announce(loop, { publish: async (kind, body) => { sent.push([kind, body]) } }, () => clock.t)
  return { loop, sent, clock }
}

describe('announce', () => {
  it('announces a batch of commits (one action per shard) once, and each later phase', () => {
    const { loop, sent, clock } = setup()
    for (const shard of [0, 1, 2]) loop.emit('action', { name: 'commitResult', round: 3, shard })
    clock.t += 900
    for (const shard of [0, 1, 2]) loop.emit('action', { name: 'revealResult', round: 3, shard })
    loop.emit('action', { name: 'proposeVersion', round: 3 })
    loop.emit('action', { name: 'trainShard', round: 3 })
    expect(sent).toEqual([
      ['rounds', { round: 3, phase: 'commit' }],
      ['rounds', { round: 3, phase: 'reveal' }],
      ['rounds', { round: 3, phase: 'final' }]
    ])
  })

  it('announces the same phase again once the repeat window has passed (a re-run\'s commit), and each round apart', () => {
    const { loop, sent, clock } = setup()
    loop.emit('action', { name: 'commitResult', round: 3, shard: 0 })
    loop.emit('action', { name: 'commitResult', round: 4, shard: 0 })
    clock.t += REPEAT_MS
    loop.emit('action', { name: 'commitResult', round: 3, shard: 1 })
    expect(sent.map(([, body]) => body)).toEqual([{ round: 3, phase: 'commit' }, { round: 4, phase: 'commit' }, { round: 3, phase: 'commit' }])
  })

  it('announces every artifact, with its CID as a string', () => {
    const { loop, sent } = setup()
    const cid = '0x01551220' + 'ab'.repeat(32)
    loop.emit('artifact', { kind: 'delta', cid: cid as `0x${string}`, size: 10, round: 1, shard: 0 })
    loop.emit('artifact', { kind: 'delta', cid: cid as `0x${string}`, size: 10, round: 1, shard: 1 })
    expect(sent).toHaveLength(2)
    expect(sent[0]).toEqual(['artifacts', { kind: 'delta', cid: expect.stringMatching(/^bafk/), size: 10, round: 1, shard: 0 }])
  })
})

import { describe, expect, it } from 'vitest'
import { groupTaskPeers, shortAddress, shortPeerId } from './taskPeers.ts'
import type { TaskPeer } from './taskChannel.ts'

const peer = (peerId: string, over: Partial<TaskPeer> = {}): TaskPeer => ({
  peerId, wallet: `0x${peerId.padStart(40, '0')}` as `0x${string}`, backend: 'wasm', throughput: 10, status: 'idle', lastSeen: 1000, connection: 'none', ...over
})

describe('groupTaskPeers', () => {
  it('is empty when no task is joined', () => {
    expect(groupTaskPeers([], [{ peerId: 'a', type: 'direct' }])).toEqual([])
  })

  it('keeps a joined task with no peers yet', () => {
    expect(groupTaskPeers([{ taskId: '3', peers: [] }])).toEqual([{ taskId: '3', peers: [] }])
  })

  it('groups per task and takes connection types from the open connections', () => {
    const groups = groupTaskPeers([
      { taskId: '2', peers: [peer('c'), peer('a')] },
      { taskId: '1', peers: [peer('b', { connection: 'direct' })] }
    ], [{ peerId: 'a', type: 'direct' }, { peerId: 'c', type: 'relayed' }])
    expect(groups.map(g => [g.taskId, g.peers.map(p => [p.peerId, p.connection])])).toEqual([
      // b's channel thought it direct, but no connection is open any more
      ['1', [['b', 'none']]],
      ['2', [['a', 'direct'], ['c', 'relayed']]]
    ])
  })

  it('keeps the channel\'s own connection type without a connection list', () => {
    expect(groupTaskPeers([{ taskId: '1', peers: [peer('b', { connection: 'relayed' })] }])[0]!.peers[0]!.connection).toBe('relayed')
  })

  it('a peer in two tasks is listed in each, with the same connection type', () => {
    const groups = groupTaskPeers([{ taskId: '1', peers: [peer('a')] }, { taskId: '2', peers: [peer('a')] }], [{ peerId: 'a', type: 'direct' }])
    expect(groups.map(g => g.peers.map(p => `${g.taskId}:${p.peerId}:${p.connection}`))).toEqual([['1:a:direct'], ['2:a:direct']])
  })

  it('merges a task joined twice, the latest presence of a peer winning', () => {
    const groups = groupTaskPeers([
      { taskId: '1', peers: [peer('a', { lastSeen: 2000, throughput: 50, backend: 'webgpu' })] },
      { taskId: '1', peers: [peer('a', { lastSeen: 1000 }), peer('b')] }
    ], [])
    expect(groups).toHaveLength(1)
    expect(groups[0]!.peers.map(p => [p.peerId, p.backend, p.throughput, p.connection])).toEqual([['a', 'webgpu', 50, 'none'], ['b', 'wasm', 10, 'none']])
  })

  it('orders numeric task IDs numerically, others after them', () => {
    const ids = groupTaskPeers(['10', 'x', '9', '100', 'a'].map(taskId => ({ taskId, peers: [] }))).map(g => g.taskId)
    expect(ids).toEqual(['9', '10', '100', 'a', 'x'])
  })

  it('does not modify its input', () => {
    const input = [{ taskId: '1', peers: [peer('a', { connection: 'relayed' })] }]
    groupTaskPeers(input, [{ peerId: 'a', type: 'direct' }])
    expect(input[0]!.peers[0]!.connection).toBe('relayed')
  })
})

describe('short forms', () => {
  it('shortens peer IDs and wallet addresses', () => {
    expect(shortPeerId('12D3KooWAbCdEfGhIjKlMnOpQrStUvWxYz')).toBe('12D3KooW…StUvWxYz')
    expect(shortPeerId('QmShort')).toBe('QmShort')
    expect(shortAddress('0x1234567890abcdef1234567890abcdef12345678')).toBe('0x1234…5678')
  })
})

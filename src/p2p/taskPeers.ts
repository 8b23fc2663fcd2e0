import type { PeerConnection } from './connections.ts'
import type { TaskPeer } from './taskChannel.ts'

/** One joined task channel as the node reports it: the task and the providers it heard of. */
export interface JoinedTask {
  taskId: string
  peers: readonly TaskPeer[]
}

/** A task's peers as the UI shows them: one row per peer, with how this node reaches it now. */
export interface TaskPeerGroup {
  taskId: string
  peers: TaskPeer[]
}

export type TaskPeerConnection = TaskPeer['connection']

/**
 * Groups the peers of the joined task channels per task (a task joined twice is one group,
 * a peer listed by both channels one row, its latest presence winning) and, when `connections`
 * (the node's open connections, `NetworkStatus.connections`) is given, takes each peer's
 * connection type from it, so the task list never disagrees with the connected-peer list:
 * 'direct' (an unlimited connection, WebRTC between browsers), 'relayed' (only a circuit
 * relay hop) or 'none' (heard of through gossip, not connected). Groups sort by task ID,
 * peers by peer ID.
 */
export function groupTaskPeers (tasks: readonly JoinedTask[], connections?: readonly PeerConnection[]): TaskPeerGroup[] {
  const typeOf = connections == null ? undefined : new Map(connections.map(c => [c.peerId, c.type]))
  const byTask = new Map<string, Map<string, TaskPeer>>()
  for (const task of tasks) {
    let peers = byTask.get(task.taskId)
    if (peers == null) byTask.set(task.taskId, peers = new Map())
    for (const peer of task.peers) {
      const seen = peers.get(peer.peerId)
      if (seen != null && seen.lastSeen >= peer.lastSeen) continue
      peers.set(peer.peerId, { ...peer, connection: typeOf == null ? peer.connection : typeOf.get(peer.peerId) ?? 'none' })
    }
  }
  return [...byTask]
    .sort(([a], [b]) => compareTaskIds(a, b))
    .map(([taskId, peers]) => ({ taskId, peers: [...peers.values()].sort((a, b) => a.peerId.localeCompare(b.peerId)) }))
}

/** numeric task IDs (on-chain ones are) in numeric order, others after them lexically */
function compareTaskIds (a: string, b: string): number {
  const numeric = /^\d+$/
  if (numeric.test(a) && numeric.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
  if (numeric.test(a) !== numeric.test(b)) return numeric.test(a) ? -1 : 1
  return a.localeCompare(b)
}

/** `12D3KooW…abcd1234`: enough to tell peers apart in a list */
export function shortPeerId (peerId: string): string {
  return peerId.length <= 16 ? peerId : `${peerId.slice(0, 8)}…${peerId.slice(-8)}`
}

/** `0x1234…abcd` */
export function shortAddress (address: string): string {
  return address.length <= 12 ? address : `${address.slice(0, 6)}…${address.slice(-4)}`
}

export const CONNECTION_LABELS: Record<TaskPeerConnection, string> = {
  direct: 'direct WebRTC',
  relayed: 'relayed (signalling only)',
  none: 'not connected'
}

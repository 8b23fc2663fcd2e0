import { multiaddr } from '@multiformats/multiaddr'
import { encodeTaskMessage, InvalidMessageError, taskTopics, type AnyTaskMessage, type MessageSigner, type Presence, type TaskMembership, type TaskMessage, type TopicBodyInputs, type TopicKind } from '../core/messages/index.ts'
import { peerIdOf } from './addresses.ts'
import { connectionTypeOf, type ConnectionType } from './connections.ts'
import { Emitter } from '../core/events.ts'
import type { TopicGuard } from './topicGuard.ts'
import type { P2PLibp2p } from './types.ts'
import type { Message } from '@libp2p/gossipsub'

/** A provider of the task, as its signed presence describes it. */
export interface TaskPeer {
  peerId: string
  wallet: `0x${string}`
  backend: Presence['backend']
  throughput: number
  status: Presence['status']
  /** unix ms of the last presence */
  lastSeen: number
  connection: ConnectionType | 'none'
}

export interface TaskChannelEvents extends Record<string, unknown> {
  /** every verified message, any topic of the task */
  message: AnyTaskMessage
  rounds: TaskMessage<'rounds'>
  presence: TaskMessage<'presence'>
  artifacts: TaskMessage<'artifacts'>
  endorsements: TaskMessage<'endorsements'>
  /** the task's peers changed (joined, left, connection type) */
  peers: TaskPeer[]
}

/** What this peer says about itself in presence messages. */
export type PresenceInfo = Pick<TopicBodyInputs['presence'], 'backend' | 'throughput' | 'status'>

export interface TaskChannelInit {
  libp2p: P2PLibp2p
  taskId: string
  guard: TopicGuard
  /** the same membership the guard's verifier asks: this peer publishes only what others accept */
  membership: TaskMembership
  /** absent: listen only (a viewer); present: may publish */
  signer?: MessageSigner
  /** absent: this peer does not announce itself (viewers), so others will not dial it */
  presence?: () => PresenceInfo
  /** @default 10 s */
  announceIntervalMs?: number
  /** a peer not heard from for this long leaves the list @default 3 × announceIntervalMs */
  peerTtlMs?: number
  /** direct connections this channel opens to task peers; beyond it, peers are listed but not dialled @default 8 */
  maxPeers?: number
  /** @default 10 s */
  dialTimeoutMs?: number
  now?: () => number
}

type BodyOf<K extends TopicKind> = Omit<TopicBodyInputs[K], 'type' | 'taskId'>

export interface TaskChannel extends Emitter<TaskChannelEvents> {
  readonly taskId: string
  readonly topics: Record<TopicKind, string>
  publish: <K extends TopicKind>(kind: K, body: BodyOf<K>) => Promise<void>
  /** publish presence now (also done on an interval and when a peer joins) */
  announce: () => Promise<void>
  peers: () => TaskPeer[]
  leave: () => void
}

const TYPE_OF: Record<TopicKind, string> = { rounds: 'round', presence: 'presence', artifacts: 'artifact', endorsements: 'endorsement' }

/**
 * Joins the gossip topics of a task and keeps the task's peers connected: presence
 * messages carry the sender's WebRTC address, and a peer dials the providers it hears of
 * (bounded), so providers end up in each other's gossip mesh and bitswap reach instead of
 * depending on the relay. Only messages the topic guard verified are emitted.
 */
export function joinTask (init: TaskChannelInit): TaskChannel {
  const { libp2p, taskId, guard } = init
  const pubsub = libp2p.services.pubsub
  const topics = taskTopics(taskId)
  const interval = init.announceIntervalMs ?? 10_000
  const ttl = init.peerTtlMs ?? 3 * interval
  const maxPeers = init.maxPeers ?? 8
  const dialTimeout = init.dialTimeoutMs ?? 10_000
  const now = init.now ?? Date.now
  const self = libp2p.peerId.toString()

  const channel = new Emitter<TaskChannelEvents>() as TaskChannel
  const known = new Map<string, Omit<TaskPeer, 'connection'>>()
  const lastDial = new Map<string, number>()
  const firstSeen = new Map<string, number>()
  const dialing = new Set<string>()
  let left = false
  let lastPeersKey = ''

  const peers = (): TaskPeer[] => [...known.values()]
    .map(p => ({ ...p, connection: connectionTypeOf(libp2p, p.peerId) ?? 'none' as const }))
    .sort((a, b) => a.peerId.localeCompare(b.peerId))

  const emitPeersIfChanged = (): void => {
    const list = peers()
    const key = JSON.stringify(list.map(p => [p.peerId, p.connection, p.status, p.backend]))
    if (key === lastPeersKey) return
    lastPeersKey = key
    channel.emit('peers', list)
  }

  const directTaskPeers = (): number => [...known.keys()].filter(id => connectionTypeOf(libp2p, id) === 'direct').length

  const maybeDial = (msg: TaskMessage<'presence'>): void => {
    const id = msg.peerId
    if (id === self || dialing.has(id) || connectionTypeOf(libp2p, id) === 'direct') return
    if (directTaskPeers() >= maxPeers) return
    // both sides hear each other's presence at about the same time; two WebRTC dials crossing
    // each other tend to both fail (seen here: each side's ICE waits for the other's connection).
    // The lower peer ID dials; the other one only if that did not happen within two intervals.
    if (!firstSeen.has(id)) firstSeen.set(id, now())
    if (self > id && now() - (firstSeen.get(id) ?? 0) < 2 * interval) return
    // after a failure, wait for a few presences rather than hammering an unreachable peer
    if (now() - (lastDial.get(id) ?? 0) < 2 * interval && lastDial.has(id)) return
    // only addresses of the sender itself: a presence must not make peers dial third parties
    const addrs = msg.body.addrs.filter(a => a.includes('/webrtc') && peerIdOf(a) === id)
    if (addrs.length === 0) return
    dialing.add(id)
    lastDial.set(id, now())
    libp2p.dial(addrs.map(a => multiaddr(a)), { signal: AbortSignal.timeout(dialTimeout) })
      .then(() => { lastDial.delete(id) }, () => { /* retried on a later presence */ })
      .finally(() => { dialing.delete(id); emitPeersIfChanged() })
  }

  const onMessage = (evt: CustomEvent<Message>): void => {
    const msg = guard.verified(evt.detail)
    // unverified, or another task: neither reaches listeners
    if (msg == null || msg.taskId !== taskId || left) return
    if (msg.kind === 'presence') {
      known.set(msg.peerId, {
        peerId: msg.peerId, wallet: msg.from, backend: msg.body.backend, throughput: msg.body.throughput, status: msg.body.status, lastSeen: now()
      })
      maybeDial(msg)
    }
    channel.emit('message', msg)
    channel.emit(msg.kind, msg as never)
    emitPeersIfChanged()
  }

  const publish = async <K extends TopicKind>(kind: K, body: BodyOf<K>): Promise<void> => {
    if (init.signer == null) throw new Error('this task channel has no signer: it can only listen')
    // peers refuse a non-member's messages and penalize the peer that sent them; a provider
    // announces itself from the moment it follows a task, which is before its join is mined
    if (!await init.membership.isMember(taskId, init.signer.wallet)) {
      throw new InvalidMessageError('not-member', `wallet ${init.signer.wallet} is not a member of task ${taskId} (yet): nothing is published`)
    }
    const full = { ...body, type: TYPE_OF[kind], taskId } as unknown as TopicBodyInputs[K]
    await pubsub.publish(topics[kind], await encodeTaskMessage(init.signer, taskId, kind, full, { now }))
  }

  const announce = async (): Promise<void> => {
    if (init.presence == null || left) return
    const addrs = libp2p.getMultiaddrs().map(ma => ma.toString()).filter(a => a.includes('/webrtc')).slice(0, 8)
    await publish('presence', { ...init.presence(), addrs })
  }

  let announceTimer: ReturnType<typeof setTimeout> | undefined
  const announceSoon = (): void => {
    if (init.presence == null || left) return
    clearTimeout(announceTimer)
    // several subscription changes arrive together when a peer joins; answer them once
    announceTimer = setTimeout(() => { announce().catch(() => {}) }, 200)
  }
  const onSubscriptionChange = (evt: CustomEvent<{ subscriptions: Array<{ topic: string, subscribe: boolean }> }>): void => {
    if (evt.detail.subscriptions.some(s => s.subscribe && s.topic === topics.presence)) announceSoon()
  }

  const tick = setInterval(() => {
    const cutoff = now() - ttl
    for (const [id, p] of known) {
      if (p.lastSeen >= cutoff) continue
      known.delete(id)
      firstSeen.delete(id)
    }
    emitPeersIfChanged()
    announce().catch(() => {})
  }, interval)
  const onConnectionChange = (): void => { emitPeersIfChanged() }

  for (const topic of Object.values(topics)) {
    guard.protect(topic)
    pubsub.subscribe(topic)
  }
  pubsub.addEventListener('message', onMessage)
  pubsub.addEventListener('subscription-change', onSubscriptionChange)
  libp2p.addEventListener('connection:open', onConnectionChange)
  libp2p.addEventListener('connection:close', onConnectionChange)
  announceSoon()

  return Object.assign(channel, {
    taskId,
    topics,
    publish,
    announce,
    peers,
    leave: () => {
      if (left) return
      left = true
      clearInterval(tick)
      clearTimeout(announceTimer)
      pubsub.removeEventListener('message', onMessage)
      pubsub.removeEventListener('subscription-change', onSubscriptionChange)
      libp2p.removeEventListener('connection:open', onConnectionChange)
      libp2p.removeEventListener('connection:close', onConnectionChange)
      for (const topic of Object.values(topics)) {
        pubsub.unsubscribe(topic)
        guard.release(topic)
      }
    }
  })
}

/**
 * Tells a task's peers what this provider did, so their loops look at the chain at once: each
 * action that moves a round (a commit, a reveal, a decision, a version, a round start) as a
 * `rounds` message, each artifact it stored as an `artifacts` message. Gossip is a hint; the chain
 * is the truth, and every peer also polls it.
 */
import { hexToBytes } from 'viem'
import { CID } from 'multiformats/cid'
import type { Emitter } from '../core/events.ts'
import type { TopicBodyInputs } from '../core/messages/index.ts'
import type { TaskGossip } from './host.ts'
import type { ProviderEvents } from './types.ts'

/** The phase each announced action means for the task's peers. */
const PHASE_OF: Record<string, TopicBodyInputs['rounds']['phase'] | undefined> = {
  commitResult: 'commit',
  revealResult: 'reveal',
  finalizeShard: 'aggregate',
  proposeVersion: 'final',
  confirmVersion: 'final',
  advance: 'open'
}

/**
 * A phase announced again within this long says nothing new: a batched commit or reveal is one
 * action per shard, and each copy costs every peer a signed message. A later one (a re-run's
 * commit in the same round) is announced again.
 */
export const REPEAT_MS = 2000

/** Announces `loop`'s actions and artifacts on `gossip` until the returned function is called. */
export function announce (
  loop: Pick<Emitter<ProviderEvents>, 'on'>,
  gossip: Pick<TaskGossip, 'publish'>,
  now: () => number = Date.now
): () => void {
  const send = (publish: Promise<void>): void => { publish.catch(() => {}) }
  const lastSent = new Map<string, number>()
  const offAction = loop.on('action', (a) => {
    const phase = PHASE_OF[a.name]
    if (phase === undefined || a.round === undefined) return
    const key = `${a.round}:${phase}`
    const at = now()
    if (at - (lastSent.get(key) ?? -Infinity) < REPEAT_MS) return
    for (const [k, t] of lastSent) if (at - t >= REPEAT_MS) lastSent.delete(k)
    lastSent.set(key, at)
    send(gossip.publish('rounds', { round: a.round, phase }))
  })
  const offArtifact = loop.on('artifact', (a) => {
    send(gossip.publish('artifacts', { kind: a.kind, cid: CID.decode(hexToBytes(a.cid)).toString(), size: a.size, round: a.round, ...(a.shard === undefined ? {} : { shard: a.shard }) }))
  })
  return () => { offAction(); offArtifact() }
}

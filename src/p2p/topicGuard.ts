import { TopicValidatorResult, type GossipSub, type Message } from '@libp2p/gossipsub'
import { InvalidMessageError, parseTaskTopic, type AnyTaskMessage, type InvalidMessageReason, type MessageVerifier } from '../core/messages/index.ts'
import { Emitter } from '../core/events.ts'
import type { PeerId } from '@libp2p/interface'

export interface RejectedMessage {
  topic: string
  /** the peer that forwarded it to us (gossipsub penalizes this one) */
  from: string
  reason: string
}

export interface TopicGuardEvents extends Record<string, unknown> {
  rejected: RejectedMessage
}

/**
 * Installs a validator on task topics: a message reaches the application only after the
 * verifier accepted it, and a rejected one counts as an invalid delivery in the sender's
 * gossipsub score (`verdictOf` says when it does not). The decoded message is kept per gossip
 * message object, so listeners never decode or trust raw bytes themselves.
 */
export interface TopicGuard extends Emitter<TopicGuardEvents> {
  /** validate `topic` from now on (no-op for topics that are not task topics) */
  protect: (topic: string) => void
  release: (topic: string) => void
  /** the verified message behind a gossip message, undefined if it was never accepted */
  verified: (msg: Message) => AnyTaskMessage | undefined
}

/**
 * Score parameters for one task topic. Only invalid deliveries are punished: task topics are
 * quiet for minutes between rounds, so the default mesh-delivery deficit penalty would punish
 * honest peers for silence.
 */
export const TASK_TOPIC_SCORE = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 3600,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 10,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.9,
  meshMessageDeliveriesCap: 10,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.9,
  // squared in the score: one bad message costs 10, two 40, three 90, past the graylist (-80);
  // WALLET_STRIKES.limit is that same three
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.99
}

/**
 * Reasons that depend on what this receiver knows (its clock, its replay memory, its view of the
 * chain and of wallets' strikes): an honest peer that forwarded the message may know otherwise,
 * so only the author's own peer is penalized for them; a forwarder's copy is just dropped.
 */
const LOCAL_VIEW_REASONS: ReadonlySet<InvalidMessageReason> = new Set(['stale', 'replayed', 'not-member', 'penalized'])

export function verdictOf (err: unknown, fromAuthor: boolean): TopicValidatorResult {
  if (!(err instanceof InvalidMessageError)) return TopicValidatorResult.Reject
  // a chain outage is nobody's fault
  if (err.reason === 'unverifiable') return TopicValidatorResult.Ignore
  return LOCAL_VIEW_REASONS.has(err.reason) && !fromAuthor ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject
}

export function createTopicGuard (pubsub: GossipSub, verifier: MessageVerifier): TopicGuard {
  const verified = new WeakMap<Message, AnyTaskMessage>()
  const guard = new Emitter<TopicGuardEvents>() as TopicGuard

  const validate = async (propagator: PeerId, msg: Message): Promise<TopicValidatorResult> => {
    try {
      // unsigned gossip has no libp2p key to bind the wallet's statement to
      if (msg.type !== 'signed') throw new InvalidMessageError('wrong-peer', 'gossip message is not signed by a peer')
      verified.set(msg, await verifier.verify(msg.data, { topic: msg.topic, peerId: msg.from.toString() }))
      return TopicValidatorResult.Accept
    } catch (err) {
      guard.emit('rejected', { topic: msg.topic, from: propagator.toString(), reason: err instanceof Error ? err.message : String(err) })
      return verdictOf(err, msg.type === 'signed' && propagator.equals(msg.from))
    }
  }

  guard.protect = (topic) => {
    if (parseTaskTopic(topic) == null || pubsub.topicValidators.has(topic)) return
    pubsub.topicValidators.set(topic, validate)
    scoreParams(pubsub)?.set(topic)
  }
  guard.release = (topic) => {
    if (pubsub.topicValidators.get(topic) !== validate) return
    pubsub.topicValidators.delete(topic)
    scoreParams(pubsub)?.delete(topic)
  }
  guard.verified = (msg) => verified.get(msg)
  return guard
}

/**
 * Gossipsub scores only topics listed in its score parameters, and task topics appear at run
 * time; the implementation keeps them in a plain object it reads on every score computation, so
 * adding the entry there is what makes Reject cost the sender.
 */
function scoreParams (pubsub: GossipSub): { set: (topic: string) => void, delete: (topic: string) => void } | undefined {
  const topics = (pubsub as unknown as { score?: { params?: { topics?: Record<string, unknown> } } }).score?.params?.topics
  if (topics == null) return undefined
  return {
    set: (topic) => { topics[topic] = { ...TASK_TOPIC_SCORE } },
    delete: (topic) => { Reflect.deleteProperty(topics, topic) }
  }
}

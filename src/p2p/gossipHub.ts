import type { GossipSub, SubscriptionChangeData } from '@libp2p/gossipsub'

export interface GossipHubOptions {
  /** only topics starting with one of these are joined @default [''] (all) */
  topicPrefixes?: readonly string[]
  /** at most this many topics are joined, so peers cannot make the hub join without bound @default 1024 */
  maxTopics?: number
  /**
   * Validates the topics the hub joins. A hub forwards what it accepts, so without the same
   * validation as the peers it would pass on invalid messages and be penalized for them.
   */
  guard?: { protect: (topic: string) => void, release: (topic: string) => void }
}

/**
 * Gossipsub forwards a message only inside the mesh of its topic, and a node
 * has a mesh only for topics it subscribed to. Browser peers often know no one
 * but the relay, so the relay joins every topic its peers join and becomes the
 * hub that connects them; it leaves once no peer is left on the topic.
 */
export function joinPeerTopics (pubsub: GossipSub, opts: GossipHubOptions = {}): () => void {
  const prefixes = opts.topicPrefixes ?? ['']
  const maxTopics = opts.maxTopics ?? 1024
  const joined = new Set<string>()

  const onChange = (evt: CustomEvent<SubscriptionChangeData>): void => {
    for (const { topic, subscribe } of evt.detail.subscriptions) {
      if (subscribe) {
        if (joined.has(topic) || joined.size >= maxTopics) continue
        if (!prefixes.some(p => topic.startsWith(p))) continue
        joined.add(topic)
        opts.guard?.protect(topic)
        pubsub.subscribe(topic)
      } else {
        leaveIfEmpty(topic)
      }
    }
  }

  const leaveIfEmpty = (topic: string): void => {
    if (joined.has(topic) && pubsub.getSubscribers(topic).length === 0) {
      joined.delete(topic)
      pubsub.unsubscribe(topic)
      opts.guard?.release(topic)
    }
  }

  // a peer that disconnects leaves its topics without a subscription-change
  // event: sweep on the heartbeat (1 s) instead
  const onHeartbeat = (): void => { for (const topic of [...joined]) leaveIfEmpty(topic) }

  pubsub.addEventListener('subscription-change', onChange)
  pubsub.addEventListener('gossipsub:heartbeat', onHeartbeat)
  return () => {
    pubsub.removeEventListener('subscription-change', onChange)
    pubsub.removeEventListener('gossipsub:heartbeat', onHeartbeat)
  }
}

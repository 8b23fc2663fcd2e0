/**
 * Gossip as an outside peer, a replayer and a misbehaving member try it: a real anvil with the
 * deployed contracts, a relay (the gossip hub) and browser nodes that both ask the chain who is a
 * member, all on loopback. The hub's validator is what keeps a bad message from the receiver.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.ts'
import { chainMembership } from '../src/chain/taskMembership.ts'
import { authorizeSession, encodeTaskMessage, taskTopic, WALLET_STRIKES, walletMessageSigner, type AnyTaskMessage, type MessageSigner } from '../src/core/messages/index.ts'
import { LOCAL_CHAIN_ID } from '../src/core/networkConfig.ts'
import { createBrowserNode, type BrowserNode, type BrowserNodeConfig } from '../src/p2p/createBrowserNode.ts'
import type { RejectedMessage } from '../src/p2p/topicGuard.ts'
import { startRelay, type Relay } from './relay.ts'
import { createPlainTask, joinAsProvider } from './testing/placeholderTask.ts'
import { useLocalChain } from './testing/useLocalChain.ts'
import { waitFor } from './testing/waitFor.ts'

const chain = useLocalChain()

const meshOf = (node: { libp2p: { services: { pubsub: unknown } } }, topic: string): string[] =>
  (node.libp2p.services.pubsub as { getMeshPeers: (topic: string) => string[] }).getMeshPeers(topic)

describe('gossip on a chain-backed relay', () => {
  let dataDir: string
  let relay: Relay
  let receiver: BrowserNode
  let sender: BrowserNode
  let taskId: string
  let topic: string
  const received: AnyTaskMessage[] = []
  const rejectedByRelay: RejectedMessage[] = []
  const nodes: BrowserNode[] = []
  let config: BrowserNodeConfig

  /** A node that joined the task's topics and sits in the relay's mesh. */
  async function joined (): Promise<BrowserNode> {
    const node = await createBrowserNode(config)
    nodes.push(node)
    node.joinTask({ taskId })
    await waitFor('mesh', () => meshOf(relay, topic).includes(node.peerId) && meshOf(node, topic).includes(relay.peerId))
    return node
  }

  const signer = (account: number, node: BrowserNode): MessageSigner => walletMessageSigner(devAccount(account), node.peerId, LOCAL_CHAIN_ID)
  const roundEvent = async (account: number, node: BrowserNode, round: number): Promise<Uint8Array> =>
    await encodeTaskMessage(signer(account, node), taskId, 'rounds', { type: 'round', taskId, round, phase: 'commit' })
  const from = (account: number): string => devAccount(account).address.toLowerCase()
  const receivedRound = (account: number, round: number): number =>
    received.filter(m => m.kind === 'rounds' && m.from === from(account) && m.body.round === round).length
  /** Publishes a fresh message from `account` and waits until it arrives: what was sent before it had time to arrive too. */
  async function flush (account: number, node: BrowserNode, round: number): Promise<void> {
    await node.libp2p.services.pubsub.publish(topic, await roundEvent(account, node, round))
    await waitFor(`round ${round} from account ${account}`, () => receivedRound(account, round) === 1)
  }

  beforeAll(async () => {
    const { publicClient, contracts } = chain()
    taskId = (await createPlainTask(chain().ctxOf(1))).toString()
    await joinAsProvider(chain().ctxOf(2), BigInt(taskId))
    await joinAsProvider(chain().ctxOf(4), BigInt(taskId))
    topic = taskTopic(taskId, 'rounds')
    dataDir = await mkdtemp(join(tmpdir(), 'mlbridge-gossip-guard-'))
    relay = await startRelay({ port: 0, dataDir, chainId: LOCAL_CHAIN_ID, chain: { publicClient, contracts } })
    relay.guard.on('rejected', r => rejectedByRelay.push(r))
    // no WebRTC: every message passes the relay's validator on its way to the receiver
    config = { relayMultiaddrs: relay.multiaddrs, allowLoopback: true, storage: 'memory', webRTC: false, chainId: LOCAL_CHAIN_ID, membership: chainMembership({ publicClient, contracts }) }
    receiver = await joined()
    receiver.tasks()[0]!.on('message', m => received.push(m))
    sender = await joined()
  }, 120_000)

  afterAll(async () => {
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    await relay?.stop()
    if (dataDir != null) await rm(dataDir, { recursive: true, force: true, maxRetries: 5 })
  })

  it('attack (outsider gossip): a wallet of no task is refused as not-member; the creator and a joined provider get through', async () => {
    await sender.libp2p.services.pubsub.publish(topic, await roundEvent(3, sender, 1))
    await flush(2, sender, 1)
    await flush(1, sender, 1)
    expect(receivedRound(3, 1)).toBe(0)
    expect(rejectedByRelay.map(r => r.reason)).toContainEqual(expect.stringMatching(new RegExp(`not-member.*${from(3)}.*task ${taskId}`)))
  }, 60_000)

  it('attack (replay): the same signed message sent again, as after gossipsub forgot it, is refused as replayed', async () => {
    const original = await roundEvent(2, sender, 2)
    await sender.libp2p.services.pubsub.publish(topic, original)
    await waitFor('the original', () => receivedRound(2, 2) === 1)
    // a new gossip sequence number: gossipsub's seen-cache takes it for a new message
    await sender.libp2p.services.pubsub.publish(topic, original)
    await flush(2, sender, 3)
    expect(receivedRound(2, 2)).toBe(1)
    expect(rejectedByRelay.map(r => r.reason)).toContainEqual(expect.stringMatching(/replayed/))
  }, 60_000)

  it('attack (copied grant): a member\'s session grant, copied from its gossip, makes no other peer\'s message the member\'s', async () => {
    const { grant, signer: member } = await authorizeSession({ wallet: devAccount(2), peerId: sender.peerId, chainId: LOCAL_CHAIN_ID })
    const round = (r: number): { type: 'round', taskId: string, round: number, phase: 'commit' } => ({ type: 'round', taskId, round: r, phase: 'commit' })
    await sender.libp2p.services.pubsub.publish(topic, await encodeTaskMessage(member, taskId, 'rounds', round(5)))
    await waitFor('the member, heard under its grant', () => receivedRound(2, 5) === 1)
    // another peer sends the grant it saw: naming itself, the wallet signed it for another peer;
    // naming the member's peer, the gossip signature is not that peer's
    const thief = await joined()
    const asItself: MessageSigner = { wallet: member.wallet, peerId: thief.peerId, chainId: LOCAL_CHAIN_ID, seal: async (compose) => ({ payload: compose(), auth: { kind: 'session', expiresAt: grant.expiresAt, signature: grant.signature } }) }
    await thief.libp2p.services.pubsub.publish(topic, await encodeTaskMessage(asItself, taskId, 'rounds', round(6)))
    await thief.libp2p.services.pubsub.publish(topic, await encodeTaskMessage({ ...asItself, peerId: sender.peerId }, taskId, 'rounds', round(6)))
    const reasons = (): string[] => rejectedByRelay.filter(r => r.from === thief.peerId).map(r => r.reason)
    await waitFor('both refusals', () => reasons().length === 2)
    expect(reasons()).toEqual(expect.arrayContaining([expect.stringMatching(/bad-grant/), expect.stringMatching(/wrong-peer/)]))
    await flush(2, sender, 8)
    expect(receivedRound(2, 6)).toBe(0)
  }, 60_000)

  it('a provider that has not joined yet publishes nothing, so no peer penalizes it, and is heard once its join is mined', async () => {
    const node = await joined()
    const channel = node.joinTask({ taskId, signer: signer(5, node) })
    await expect(channel.publish('rounds', { round: 4, phase: 'open' })).rejects.toThrow(/not-member/)
    await joinAsProvider(chain().ctxOf(5), BigInt(taskId))
    // the node read the member list just now; a missing wallet reads it again after 2 s
    await new Promise(resolve => setTimeout(resolve, 2100))
    await channel.publish('rounds', { round: 4, phase: 'open' })
    await waitFor('the new provider', () => receivedRound(5, 4) === 1)
    expect(rejectedByRelay.filter(r => r.from === node.peerId)).toEqual([])
  }, 60_000)

  it('attack (fresh peer ID): a member that sent invalid messages is refused under a new peer ID while its ban lasts', async () => {
    const junk = signer(4, sender)
    // the peer is graylisted at the message that bans the wallet, so each of them reaches the check
    for (let i = 0; i < WALLET_STRIKES.limit; i++) {
      // signed by the member's wallet, but a body no receiver accepts
      const payload = JSON.stringify({ v: 1, topic, chainId: LOCAL_CHAIN_ID, from: junk.wallet, peerId: sender.peerId, sentAt: Date.now(), body: { type: 'round', taskId, round: i, phase: 'sleeping' } })
      await sender.libp2p.services.pubsub.publish(topic, new TextEncoder().encode(JSON.stringify({ payload, auth: (await junk.seal(() => payload)).auth })))
    }
    await waitFor('the strikes', () => rejectedByRelay.filter(r => /bad-body/.test(r.reason)).length === WALLET_STRIKES.limit)
    const fresh = await joined()
    await fresh.libp2p.services.pubsub.publish(topic, await roundEvent(4, fresh, 7))
    await flush(2, fresh, 7)
    expect(receivedRound(4, 7)).toBe(0)
    expect(rejectedByRelay.map(r => r.reason)).toContainEqual(expect.stringMatching(new RegExp(`penalized.*${from(4)}`)))
  }, 60_000)
})

import { z } from '../zod.ts'
import { InvalidMessageError } from './errors.ts'
import { bodySchemas, ED25519_PEER_ID, envelopeSchema, MAX_MESSAGE_BYTES, payloadHeaderSchema, type MessageAuth, type SessionGrant, type TopicBodies, type TopicBodyInputs } from './schemas.ts'
import { authorizationText, MAX_GRANT_TTL_SECONDS, recoverSigner, type MessageSigner } from './signing.ts'
import { parseTaskTopic, taskTopic, type TopicKind } from './topics.ts'
import { keccak256, type Address } from 'viem'
import { errorMessage } from '../errors.ts'
import type { TaskMembership } from './membership.ts'
import { createReplayWindow, type ReplayWindowOptions } from './replayWindow.ts'
import { createWalletStrikes, type WALLET_STRIKES } from './walletStrikes.ts'
import { createGrantCache, type GRANT_CACHE } from './grantCache.ts'

/** A message that passed every check; only these reach application code. */
export interface TaskMessage<K extends TopicKind = TopicKind> {
  topic: string
  taskId: string
  kind: K
  chainId: number
  /** the wallet the message is bound to */
  from: Address
  peerId: string
  /** unix milliseconds, as signed by the sender (and checked to be inside the replay window) */
  sentAt: number
  body: TopicBodies[K]
  auth: MessageAuth['kind']
}

export type AnyTaskMessage = { [K in TopicKind]: TaskMessage<K> }[TopicKind]

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export interface EncodeOptions {
  /** unix milliseconds, read for `sentAt` once the signer is ready to authorize @default Date.now */
  now?: () => number
}

/** Validates the body against the topic's schema before signing: a peer never sends what others would reject. */
export async function encodeTaskMessage<K extends TopicKind> (
  signer: MessageSigner, taskId: string, kind: K, body: TopicBodyInputs[K], opts: EncodeOptions = {}
): Promise<Uint8Array> {
  const topic = taskTopic(taskId, kind)
  const parsed = bodySchemas[kind].safeParse(body)
  if (!parsed.success) throw new InvalidMessageError('bad-body', z.prettifyError(parsed.error))
  if (parsed.data.taskId !== taskId) throw new InvalidMessageError('wrong-topic', `body is for task ${parsed.data.taskId}, topic for task ${taskId}`)
  const now = opts.now ?? Date.now
  const sealed = await signer.seal(() => JSON.stringify({ v: 1, topic, chainId: signer.chainId, from: signer.wallet, peerId: signer.peerId, sentAt: now(), body: parsed.data }))
  const bytes = encoder.encode(JSON.stringify(sealed))
  if (bytes.length > MAX_MESSAGE_BYTES) throw new InvalidMessageError('too-large', `${bytes.length} bytes, at most ${MAX_MESSAGE_BYTES}`)
  return bytes
}

export interface VerifierOptions {
  /** refuse other chains; leave out only on a hub that serves several chains */
  chainId?: number
  /** who may speak on a task's topics; `anyWallet` only where no chain is configured */
  membership: TaskMembership
  /** @default REPLAY_WINDOW */
  window?: ReplayWindowOptions
  /** @default WALLET_STRIKES */
  strikes?: Partial<typeof WALLET_STRIKES>
  now?: () => number
  /** verified session grants kept, so each grant costs one signature recovery @default GRANT_CACHE */
  grantCache?: Partial<typeof GRANT_CACHE>
}

export interface MessageContext {
  topic: string
  /**
   * the libp2p peer that signed the gossip message (gossipsub StrictSign): a session grant makes
   * what this peer sends its wallet's, so it must be one the transport authenticated
   */
  peerId: string
}

export interface MessageVerifier {
  /** throws InvalidMessageError */
  verify: (data: Uint8Array, ctx: MessageContext) => Promise<AnyTaskMessage>
}

/**
 * Checks run cheapest first, and in an order that keeps penalties fair: the replay window before
 * any signature recovery; the wallet's standing and membership only once the wallet provably
 * signed; the body last, so a strike lands only on a member that signed an invalid message. Only
 * the grants of members in good standing are cached, and a few of each wallet: neither an
 * outsider's valid grants nor one member's many peers can push other members' out.
 */
export function createMessageVerifier (opts: VerifierOptions): MessageVerifier {
  const now = opts.now ?? Date.now
  const signatures = createAuthChecker(opts.grantCache)
  const window = createReplayWindow(opts.window)
  const strikes = createWalletStrikes(opts.strikes)

  return {
    verify: async (data, ctx) => {
      if (data.length > MAX_MESSAGE_BYTES) throw new InvalidMessageError('too-large', `${data.length} bytes, at most ${MAX_MESSAGE_BYTES}`)
      const topic = parseTaskTopic(ctx.topic)
      if (topic == null) throw new InvalidMessageError('wrong-topic', `'${ctx.topic}' is not a task topic`)

      const envelope = envelopeSchema.safeParse(parseJson(data))
      if (!envelope.success) throw new InvalidMessageError('bad-envelope', z.prettifyError(envelope.error))
      const { payload, auth } = envelope.data
      const payloadBytes = encoder.encode(payload)
      const header = payloadHeaderSchema.safeParse(parseJson(payloadBytes))
      if (!header.success) throw new InvalidMessageError('bad-header', z.prettifyError(header.error))
      const h = header.data

      if (h.topic !== ctx.topic) throw new InvalidMessageError('wrong-topic', `signed for '${h.topic}', published on '${ctx.topic}'`)
      if (opts.chainId != null && h.chainId !== opts.chainId) throw new InvalidMessageError('wrong-chain', `chain ${h.chainId}, expected ${opts.chainId}`)
      // binds the wallet's statement to the libp2p key that signed the gossip envelope
      if (h.peerId !== ctx.peerId) throw new InvalidMessageError('wrong-peer', `signed for peer ${h.peerId}, sent by ${ctx.peerId}`)
      const t = now()
      const digest = keccak256(payloadBytes)
      window.check(digest, h.sentAt, t, h.from)

      await signatures.check(payload, auth, h, ctx.peerId, t, async () => {
        const banned = strikes.bannedUntil(h.from, t)
        if (banned !== undefined) throw new InvalidMessageError('penalized', `wallet ${h.from} sent too many invalid messages; refused until ${new Date(banned).toISOString()}`)
        await requireMember(opts.membership, topic.taskId, h.from)
      })

      const body = bodySchemas[topic.kind].safeParse(h.body)
      if (!body.success || body.data.taskId !== topic.taskId) {
        strikes.strike(h.from, t)
        throw body.success
          ? new InvalidMessageError('wrong-topic', `body is for task ${body.data.taskId}, topic for task ${topic.taskId}`)
          : new InvalidMessageError('bad-body', z.prettifyError(body.error))
      }
      // checked again: a copy verified concurrently may have been admitted meanwhile
      window.admit(digest, h.sentAt, t, h.from)
      return { topic: h.topic, taskId: topic.taskId, kind: topic.kind, chainId: h.chainId, from: h.from, peerId: h.peerId, sentAt: h.sentAt, body: body.data, auth: auth.kind } as AnyTaskMessage
    }
  }
}

async function requireMember (membership: TaskMembership, taskId: string, wallet: Address): Promise<void> {
  let member: boolean
  try {
    member = await membership.isMember(taskId, wallet)
  } catch (err) {
    throw new InvalidMessageError('unverifiable', `the members of task ${taskId} could not be read: ${errorMessage(err)}`)
  }
  if (!member) throw new InvalidMessageError('not-member', `wallet ${wallet} is neither the creator nor a joined provider of task ${taskId}`)
}

export interface AuthChecker {
  /**
   * throws InvalidMessageError unless `payload` is `claimed.from`'s: signed by that wallet, or sent
   * by the peer its session grant names; `sender` is the peer the transport authenticated (the
   * gossip message's signer, a stream's remote peer), never one the message itself names.
   * `admit` runs once the wallet is proven (it throws to refuse the wallet); a grant is cached
   * only after it passed, so a cache shared by everyone holds only the grants of those admitted.
   */
  check: (payload: string, auth: MessageAuth, claimed: { from: Address, chainId: number }, sender: string, nowMs: number, admit?: () => Promise<void>) => Promise<void>
}

/** Shared by gossip and the pin protocol: the same wallet binding (each verifier with its own grant cache). */
export function createAuthChecker (cache: Partial<typeof GRANT_CACHE> = {}): AuthChecker {
  // Grants whose wallet signature was already checked, keyed by everything the signature covers
  // and who signed it: keyed by the signature alone, a copied signature would pass with another
  // peer or expiry.
  // least recently used goes first, so a peer heard every few seconds stays
  const grants = createGrantCache(cache)
  const checkGrant = async (grant: SessionGrant, admit: () => Promise<void>): Promise<void> => {
    const text = authorizationText(grant)
    const key = `${grant.wallet}\n${grant.signature}\n${text}`
    if (grants.touch(key)) {
      await admit()
      return
    }
    const signer = await recoverSigner(text, grant.signature)
    if (signer !== grant.wallet) throw new InvalidMessageError('bad-grant', `no session grant of ${grant.wallet} for peer ${grant.peerId} on chain ${grant.chainId} until ${grant.expiresAt}`)
    await admit()
    grants.add(key, grant.wallet.toLowerCase())
  }
  return {
    check: async (payload, auth, h, sender, t, admit = async () => {}) => {
      if (auth.kind === 'wallet') {
        if (await recoverSigner(payload, auth.signature) !== h.from) throw new InvalidMessageError('bad-signature', `not signed by wallet ${h.from}`)
        await admit()
        return
      }
      if (!ED25519_PEER_ID.test(sender)) throw new InvalidMessageError('bad-grant', `a session grant names an Ed25519 peer ID (12D3KooW…), not ${sender}`)
      if (auth.expiresAt * 1000 <= t) throw new InvalidMessageError('grant-expired', `session grant expired at ${new Date(auth.expiresAt * 1000).toISOString()}`)
      if (auth.expiresAt * 1000 > t + MAX_GRANT_TTL_SECONDS * 1000) throw new InvalidMessageError('bad-grant', `a session grant runs at most ${MAX_GRANT_TTL_SECONDS / 3600} hours from now, not until ${auth.expiresAt}`)
      // the grant the wallet signed, for the peer that sent this, on the message's chain
      await checkGrant({ wallet: h.from, peerId: sender, chainId: h.chainId, expiresAt: auth.expiresAt, signature: auth.signature }, admit)
    }
  }
}

export function parseJson (data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data))
  } catch (err) {
    throw new InvalidMessageError('not-json', err instanceof Error ? err.message : String(err))
  }
}

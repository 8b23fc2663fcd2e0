import { recoverMessageAddress, type Address, type Hex } from 'viem'
import { errorMessage, MLBridgeError } from '../errors.ts'
import type { MessageAuth, SessionGrant } from './schemas.ts'

/** The part of a wallet (viem LocalAccount, or a wrapped WalletClient) that signs EIP-191 text. */
export interface WalletSigner {
  address: Address
  signMessage: (args: { message: string }) => Promise<Hex>
}

/** Authorizes gossip payloads and pin requests on behalf of one wallet and one libp2p peer. */
export interface MessageSigner {
  readonly wallet: Address
  readonly peerId: string
  readonly chainId: number
  /**
   * Authorizes the payload that `compose` writes. `compose` runs once the authorization is ready
   * (a session may first wait for the wallet to renew its grant), so a `sentAt` it reads is the
   * moment the message leaves, not the moment it was asked for.
   */
  seal: (compose: () => string) => Promise<SealedMessage>
}

/** A payload and what authorizes it: the envelope of a gossip message or a pin request. */
export interface SealedMessage {
  payload: string
  auth: MessageAuth
}

/** Human-readable, because the wallet shows it to the volunteer once per session. */
export function authorizationText (grant: Omit<SessionGrant, 'signature' | 'wallet'>): string {
  return [
    'ML Bridge: authorize this browser\'s network peer to send messages for this wallet.',
    `Peer ID: ${grant.peerId}`,
    `Chain ID: ${grant.chainId}`,
    `Expires: ${new Date(grant.expiresAt * 1000).toISOString()} (${grant.expiresAt})`
  ].join('\n')
}

/** Every message asks the wallet: for a headless provider holding its own key, or for tests. */
export function walletMessageSigner (wallet: WalletSigner, peerId: string, chainId: number): MessageSigner {
  return {
    wallet: lower(wallet.address),
    peerId,
    chainId,
    seal: async (compose) => {
      const payload = compose()
      return { payload, auth: { kind: 'wallet', signature: await wallet.signMessage({ message: payload }) } }
    }
  }
}

export interface AuthorizeSessionOptions {
  wallet: WalletSigner
  peerId: string
  chainId: number
  /** @default GRANT_TTL_SECONDS */
  ttlSeconds?: number
  /** unix milliseconds @default Date.now */
  now?: () => number
}

/** How long a grant lasts: a volunteer is asked again about once a day, never mid-message. */
export const GRANT_TTL_SECONDS = 24 * 3600
/**
 * Receivers refuse a grant that runs longer from now: a text signed for a far expiry (a phishing
 * page's, say) does not speak for the wallet for years.
 */
export const MAX_GRANT_TTL_SECONDS = 2 * GRANT_TTL_SECONDS
/**
 * After a wallet declined or failed to renew, the signer keeps the grant it has and asks again
 * this much later, twice as long after each refusal in a row, at most GRANT_RENEW_RETRY_MAX_MS.
 */
export const GRANT_RENEW_RETRY_MS = 10 * 60_000
export const GRANT_RENEW_RETRY_MAX_MS = 4 * 3600_000
/** Once the old grant is spent, how long a message waits for a wallet that has not answered yet. */
export const GRANT_RENEW_WAIT_MS = 30_000
/**
 * A grant this close to its expiry is not used: a message spends up to the receivers' 10 s of
 * clock skew plus its time in flight before it is checked.
 */
const GRANT_SAFETY_MS = 2 * 60_000

/** The wallet did not sign a new grant, and the old one has run out: nothing can be signed. */
export class SessionExpiredError extends MLBridgeError {
  override name = 'SessionExpiredError'
  constructor (expiresAt: number, cause: unknown) {
    super('SESSION_EXPIRED', `the session grant expired at ${new Date(expiresAt * 1000).toISOString()} and the wallet did not sign a new one: ${errorMessage(cause)}`, { cause })
  }
}

/**
 * Recommended: the wallet signs one authorization of this node's libp2p peer, which every message
 * then carries; the peer's own signature (gossipsub's, or the Noise handshake of a stream) stands
 * for the message's, so no message costs a secp256k1 signature or recovery. Whoever holds the
 * peer's key speaks for the wallet until the grant expires (a browser keeps it in IndexedDB, so
 * its peer ID survives reloads). The signer asks the wallet for a new grant once three quarters of
 * the grant's time have passed and goes on sending the old one meanwhile, so a provider that runs
 * for days is still heard; it waits for the wallet (GRANT_RENEW_WAIT_MS at most per message) only
 * when the old grant has run out. A grant signed by another account than the wallet's is refused here, as receivers would.
 */
export async function authorizeSession (opts: AuthorizeSessionOptions): Promise<{ grant: SessionGrant, signer: MessageSigner }> {
  const now = opts.now ?? Date.now
  const ttl = opts.ttlSeconds ?? GRANT_TTL_SECONDS
  // the last quarter of a grant leaves room for its last two minutes and a refused renewal's retry
  const shortest = 4 * (GRANT_SAFETY_MS + GRANT_RENEW_RETRY_MS) / 1000
  if (!Number.isInteger(ttl) || ttl < shortest || ttl > MAX_GRANT_TTL_SECONDS) {
    throw new RangeError(`a session grant lasts a whole number of seconds, from ${shortest / 60} minutes to ${MAX_GRANT_TTL_SECONDS / 3600} hours, not ${ttl}`)
  }
  const wallet = lower(opts.wallet.address)
  const issue = async (): Promise<SessionGrant> => {
    const unsigned = { peerId: opts.peerId, chainId: opts.chainId, expiresAt: Math.floor(now() / 1000) + ttl }
    const text = authorizationText(unsigned)
    const signature = await opts.wallet.signMessage({ message: text })
    // A wallet that switched accounts signs with another one: every receiver would refuse that grant.
    const signer = await recoverSigner(text, signature)
    if (signer !== wallet) throw new MLBridgeError('GRANT_WRONG_ACCOUNT', `the wallet signed the session grant as ${signer ?? 'nobody'}, not as ${wallet}: switch the wallet back to ${wallet}`)
    return { ...unsigned, wallet, signature }
  }
  const renewFrom = (grant: SessionGrant): number => (grant.expiresAt - ttl / 4) * 1000

  let current = await issue()
  let nextRenewal = renewFrom(current)
  /** the latest request for a new grant until it settles; `open`: still counted as in flight */
  let attempt: { done: Promise<void>, since: number, open: boolean } | undefined
  let renewError: unknown
  let refusals = 0
  const retryLater = (): void => { nextRenewal = now() + Math.min(GRANT_RENEW_RETRY_MAX_MS, GRANT_RENEW_RETRY_MS * 2 ** refusals++) }
  const renew = (): void => {
    if (attempt?.open === true) return
    const mine = { done: Promise.resolve(), since: now(), open: true }
    mine.done = issue().then(
      // an answer to a prompt given up on still counts, unless a newer grant came first
      (grant) => {
        if (grant.expiresAt <= current.expiresAt) return
        current = grant
        nextRenewal = renewFrom(grant)
        renewError = undefined
        refusals = 0
      },
      (error: unknown) => {
        renewError = error
        if (mine.open) retryLater()
      }
    ).finally(() => { if (attempt === mine) attempt = undefined })
    attempt = mine
  }
  const usable = (): boolean => current.expiresAt * 1000 - GRANT_SAFETY_MS > now()
  const session = async (): Promise<SessionGrant> => {
    // a prompt unanswered for the retry delay counts as declined: the next renewal asks again
    if (attempt?.open === true && now() - attempt.since >= GRANT_RENEW_RETRY_MS) {
      attempt.open = false
      renewError = new Error('the wallet has not answered the request for a new session grant')
      retryLater()
    }
    if (now() >= nextRenewal) renew()
    const pending = attempt
    if (!usable() && pending !== undefined) {
      // a prompt nobody answers must not hold every message: wait a while, then fail this one
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([pending.done, new Promise<void>((resolve) => { timer = setTimeout(resolve, GRANT_RENEW_WAIT_MS) })])
      clearTimeout(timer)
      if (!usable() && attempt === pending) throw new SessionExpiredError(current.expiresAt, new Error('the wallet has not answered the request for a new session grant yet'))
    }
    // A wallet that declined is asked again only after the retry delay, not for every message.
    if (!usable()) throw new SessionExpiredError(current.expiresAt, renewError)
    return current
  }
  return {
    grant: current,
    signer: {
      wallet,
      peerId: opts.peerId,
      chainId: opts.chainId,
      seal: async (compose) => {
        const { expiresAt, signature } = await session()
        return { payload: compose(), auth: { kind: 'session', expiresAt, signature } }
      }
    }
  }
}

export async function recoverSigner (text: string, signature: Hex): Promise<Address | undefined> {
  try {
    return lower(await recoverMessageAddress({ message: text, signature }))
  } catch {
    return undefined
  }
}

function lower (a: Address): Address {
  return a.toLowerCase() as Address
}

import { recoverMessageAddress, type Address, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { errorMessage, MLBridgeError } from '../errors.ts'
import type { MessageAuth, SessionGrant } from './schemas.ts'

/** The part of a wallet (viem LocalAccount, or a wrapped WalletClient) that signs EIP-191 text. */
export interface WalletSigner {
  address: Address
  signMessage: (args: { message: string }) => Promise<Hex>
}

/** Signs gossip payloads on behalf of one wallet and one libp2p peer. */
export interface MessageSigner {
  readonly wallet: Address
  readonly peerId: string
  readonly chainId: number
  sign: (payload: string) => Promise<MessageAuth>
}

/** Human-readable, because the wallet shows it to the volunteer once per session. */
export function authorizationText (grant: Omit<SessionGrant, 'signature' | 'wallet'>): string {
  return [
    'ML Bridge: authorize a session key to sign network messages for this browser.',
    `Session key: ${grant.sessionKey.toLowerCase()}`,
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
    sign: async (payload) => ({ kind: 'wallet', signature: await wallet.signMessage({ message: payload }) })
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
/** After a wallet declined or failed to renew, the signer keeps the grant it has and asks again this much later. */
export const GRANT_RENEW_RETRY_MS = 10 * 60_000
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

interface Session {
  grant: SessionGrant
  key: PrivateKeyAccount
}

/**
 * Recommended: the wallet signs one authorization, then a fresh in-memory key signs every message.
 * The key never leaves the tab; losing it (reload) costs one more wallet prompt. The signer asks
 * the wallet for a new grant, with a new key, once three quarters of the grant's time have passed
 * and goes on signing with the old one meanwhile, so a provider that runs for days is still heard;
 * it waits for the wallet only when the old grant has run out.
 */
export async function authorizeSession (opts: AuthorizeSessionOptions): Promise<{ grant: SessionGrant, signer: MessageSigner }> {
  const now = opts.now ?? Date.now
  const ttl = opts.ttlSeconds ?? GRANT_TTL_SECONDS
  if (!(ttl * 1000 >= 4 * GRANT_SAFETY_MS)) throw new RangeError(`a session grant must last at least ${4 * GRANT_SAFETY_MS / 60_000} minutes, not ${ttl} s`)
  const wallet = lower(opts.wallet.address)
  const issue = async (): Promise<Session> => {
    const key = privateKeyToAccount(generatePrivateKey())
    const unsigned = { sessionKey: lower(key.address), peerId: opts.peerId, chainId: opts.chainId, expiresAt: Math.floor(now() / 1000) + ttl }
    const signature = await opts.wallet.signMessage({ message: authorizationText(unsigned) })
    return { grant: { ...unsigned, wallet, signature }, key }
  }
  const renewFrom = (grant: SessionGrant): number => (grant.expiresAt - ttl / 4) * 1000

  let current = await issue()
  let nextRenewal = renewFrom(current.grant)
  let renewing: Promise<void> | undefined
  let renewError: unknown
  const renew = (): Promise<void> => {
    renewing ??= issue().then(
      (session) => { current = session; nextRenewal = renewFrom(session.grant); renewError = undefined },
      (error: unknown) => { nextRenewal = now() + GRANT_RENEW_RETRY_MS; renewError = error }
    ).finally(() => { renewing = undefined })
    return renewing
  }
  const usable = (): boolean => current.grant.expiresAt * 1000 - GRANT_SAFETY_MS > now()
  const session = async (): Promise<Session> => {
    if (now() >= nextRenewal) void renew()
    if (!usable() && renewing !== undefined) await renewing
    // A wallet that declined is asked again only after GRANT_RENEW_RETRY_MS, not for every message.
    if (!usable()) throw new SessionExpiredError(current.grant.expiresAt, renewError)
    return current
  }
  return {
    grant: current.grant,
    signer: {
      wallet,
      peerId: opts.peerId,
      chainId: opts.chainId,
      sign: async (payload) => {
        const { grant, key } = await session()
        return { kind: 'session', grant, signature: await key.signMessage({ message: payload }) }
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

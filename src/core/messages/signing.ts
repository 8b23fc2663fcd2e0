import { recoverMessageAddress, type Address, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
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
  /** @default 24 h */
  ttlSeconds?: number
  /** unix milliseconds @default Date.now() */
  now?: number
}

/**
 * Recommended: the wallet signs one authorization, then a fresh in-memory key signs every message.
 * The key never leaves the tab; losing it (reload) costs one more wallet prompt.
 */
export async function authorizeSession (opts: AuthorizeSessionOptions): Promise<{ grant: SessionGrant, signer: MessageSigner }> {
  const session = privateKeyToAccount(generatePrivateKey())
  const now = opts.now ?? Date.now()
  const unsigned = {
    sessionKey: lower(session.address),
    peerId: opts.peerId,
    chainId: opts.chainId,
    expiresAt: Math.floor(now / 1000) + (opts.ttlSeconds ?? 24 * 3600)
  }
  const signature = await opts.wallet.signMessage({ message: authorizationText(unsigned) })
  const grant: SessionGrant = { ...unsigned, wallet: lower(opts.wallet.address), signature }
  return {
    grant,
    signer: {
      wallet: grant.wallet,
      peerId: opts.peerId,
      chainId: opts.chainId,
      sign: async (payload) => ({ kind: 'session', grant, signature: await session.signMessage({ message: payload }) })
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

import type { Account, Chain, Hash, PublicClient, Transport, WalletClient } from 'viem'
import type { ProtocolContracts } from '../contracts.ts'

/** What a read needs: a public client and the protocol's addresses. */
export interface ReadContext {
  publicClient: PublicClient
  contracts: ProtocolContracts
}

/** A wallet client with an account: the signer of every write. */
export type AccountWalletClient = WalletClient<Transport, Chain | undefined, Account>

/** What a write needs: reads go through the public client, transactions and signatures through the wallet. */
export interface WriteContext extends ReadContext {
  walletClient: AccountWalletClient
  /** Told each transaction's hash as soon as the wallet sent it, before it is mined (a UI shows it as pending). */
  onSent?: (action: string, hash: Hash) => void
}

import type { Account, BlockNumber, Chain, Hash, PublicClient, Transport, WalletClient } from 'viem'
import type { ProtocolContracts } from '../contracts.ts'

/** What a read needs: a public client and the protocol's addresses. */
export interface ReadContext {
  publicClient: PublicClient
  contracts: ProtocolContracts
  /**
   * The block the contracts were deployed in (0 when unknown): no protocol log is older, so a log
   * read that names no start begins there rather than at genesis, which public RPCs refuse to scan.
   */
  deploymentBlock?: bigint | undefined
}

/** Where a log read starts: `fromBlock` when given, else the deployment block. */
export function logsFrom (ctx: ReadContext, fromBlock?: BlockNumber): BlockNumber {
  return fromBlock ?? ctx.deploymentBlock ?? 0n
}

/** A wallet client with an account: the signer of every write. */
export type AccountWalletClient = WalletClient<Transport, Chain | undefined, Account>

/** What a write needs: reads go through the public client, transactions and signatures through the wallet. */
export interface WriteContext extends ReadContext {
  walletClient: AccountWalletClient
  /** Told each transaction's hash as soon as the wallet sent it, before it is mined (a UI shows it as pending). */
  onSent?: (action: string, hash: Hash) => void
}

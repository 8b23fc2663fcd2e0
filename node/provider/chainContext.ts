/** viem clients for the provider's account (or read-only, for the auditor), after checking the RPC serves the expected chain. */
import { createPublicClient, createWalletClient, http, type Hex } from 'viem'
import { rpcTransport } from '../../src/chain/rpcTransport.ts'
import { privateKeyToAccount } from 'viem/accounts'
import type { ReadContext, WriteContext } from '../../src/chain/actions/index.ts'
import { protocolChain } from '../../src/chain/chain.ts'
import type { ProtocolContracts } from '../../src/chain/contracts.ts'
import { errorKind, errorMessage } from '../../src/core/errors.ts'

export class ChainMismatchError extends errorKind('CHAIN_MISMATCH') {
  override name = 'ChainMismatchError'
}

export async function connectChain (opts: { rpcUrl: string, chainId: number, contracts: ProtocolContracts, deploymentBlock?: bigint | undefined, key: Hex, pollingInterval?: number }): Promise<WriteContext> {
  const read = await connectReader(opts)
  const walletClient = createWalletClient({ account: privateKeyToAccount(opts.key), chain: read.publicClient.chain, transport: http(opts.rpcUrl), pollingInterval: read.publicClient.pollingInterval })
  return { ...read, walletClient }
}

/** A public client on `rpcUrl`, refused unless it serves `chainId`. */
export async function connectReader (opts: { rpcUrl: string, chainId: number, contracts: ProtocolContracts, deploymentBlock?: bigint | undefined, pollingInterval?: number }): Promise<ReadContext> {
  const chain = protocolChain({ chainId: opts.chainId, rpcUrl: opts.rpcUrl })
  const publicClient = createPublicClient({ chain, transport: rpcTransport(opts.rpcUrl), pollingInterval: opts.pollingInterval ?? 1000 })
  let served: number
  try {
    served = await publicClient.getChainId()
  } catch (error) {
    throw new ChainMismatchError(`cannot reach the RPC at ${opts.rpcUrl}: ${errorMessage(error)}`)
  }
  if (served !== opts.chainId) {
    throw new ChainMismatchError(`the RPC at ${opts.rpcUrl} serves chain ${served}, expected ${opts.chainId} (set --chain-id or fix --rpc)`)
  }
  return { publicClient, contracts: opts.contracts, deploymentBlock: opts.deploymentBlock }
}

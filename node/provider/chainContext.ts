/** viem clients for the provider's account, after checking the RPC serves the expected chain. */
import { createPublicClient, createWalletClient, http, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { WriteContext } from '../../src/chain/actions/index.ts'
import { protocolChain } from '../../src/chain/chain.ts'
import type { ProtocolContracts } from '../../src/chain/contracts.ts'
import { errorKind, errorMessage } from '../../src/core/errors.ts'

export class ChainMismatchError extends errorKind('CHAIN_MISMATCH') {
  override name = 'ChainMismatchError'
}

export async function connectChain (opts: { rpcUrl: string, chainId: number, contracts: ProtocolContracts, key: Hex, pollingInterval?: number }): Promise<WriteContext> {
  const chain = protocolChain({ chainId: opts.chainId, rpcUrl: opts.rpcUrl })
  const transport = http(opts.rpcUrl)
  const pollingInterval = opts.pollingInterval ?? 1000
  const publicClient = createPublicClient({ chain, transport, pollingInterval })
  let served: number
  try {
    served = await publicClient.getChainId()
  } catch (error) {
    throw new ChainMismatchError(`cannot reach the RPC at ${opts.rpcUrl}: ${errorMessage(error)}`)
  }
  if (served !== opts.chainId) {
    throw new ChainMismatchError(`the RPC at ${opts.rpcUrl} serves chain ${served}, expected ${opts.chainId} (set --chain-id or fix --rpc)`)
  }
  const walletClient = createWalletClient({ account: privateKeyToAccount(opts.key), chain, transport, pollingInterval })
  return { publicClient, walletClient, contracts: opts.contracts }
}

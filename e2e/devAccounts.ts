import { createPublicClient, createWalletClient, http, toHex, type Hex, type PublicClient } from 'viem'
import type { WriteContext } from '../src/chain/actions/index.ts'
import { protocolChain } from '../src/chain/chain.ts'
import { protocolContracts } from '../src/chain/contracts.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import type { StackInfo } from '../src/core/networkConfig.ts'

/** Chain actions as dev account `index`, on the stack's RPC. */
export function devContext (stack: StackInfo, index: number): WriteContext {
  const chain = protocolChain({ chainId: stack.chainId, rpcUrl: stack.rpcUrl })
  return {
    publicClient: createPublicClient({ chain, transport: http(stack.rpcUrl), pollingInterval: 50 }) as PublicClient,
    walletClient: createWalletClient({ account: devAccount(index), chain, transport: http(stack.rpcUrl), pollingInterval: 50 }),
    contracts: protocolContracts(stack)
  }
}

/** Dev account `index`'s private key, for a page that signs as that account. */
export function devPrivateKey (index: number): Hex {
  const key = devAccount(index).getHdKey().privateKey
  if (key === null) throw new Error(`dev account ${index} has no private key`)
  return toHex(key)
}

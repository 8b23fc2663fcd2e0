import { useMemo } from 'react'
import { walletActions, type PublicClient } from 'viem'
import { useConnection, useConnectorClient, usePublicClient } from 'wagmi'
import type { ReadContext, WriteContext } from '../../chain/actions/index.ts'
import { deploymentOf } from '../../chain/contracts.ts'
import { useNetworkConfig } from '../NetworkContext.ts'

/** What every chain read in the app passes to `src/chain/actions`: the public client and the deployment. */
export function useReadContext (): ReadContext {
  const network = useNetworkConfig()
  const publicClient = usePublicClient({ chainId: network.chainId })
  if (publicClient === undefined) throw new Error(`no public client for chain ${network.chainId}`)
  return useMemo(() => ({ publicClient: publicClient as PublicClient, ...deploymentOf(network) }), [publicClient, network])
}

/**
 * The connected wallet as a chain-action context, or undefined while no wallet is connected or it
 * is on another chain (the wallet panel says which and offers to switch).
 */
export function useWriteContext (): WriteContext | undefined {
  const network = useNetworkConfig()
  const read = useReadContext()
  const { status, chainId } = useConnection()
  const onChain = status === 'connected' && chainId === network.chainId
  const { data: walletClient } = useConnectorClient({ chainId: network.chainId, query: { enabled: onChain } })
  return useMemo(
    // An injected wallet's connector client is a bare client: the wallet actions (writeContract, signTypedData…) are added here.
    () => (onChain && walletClient !== undefined ? { ...read, walletClient: walletClient.extend(walletActions) as WriteContext['walletClient'] } : undefined),
    [onChain, walletClient, read]
  )
}

import { createConfig, type Config } from 'wagmi'
import { LOCAL_CHAIN_ID, type NetworkConfig } from '../core/networkConfig.ts'
import { chainFromConfig } from '../chain/chain.ts'
import { rpcTransport } from '../chain/rpcTransport.ts'

/**
 * Injected wallets arrive through EIP-6963 discovery (wagmi's default); the dev wallet is offered
 * only on the local chain, where its public keys are harmless, and only loaded there (its HD key
 * derivation would otherwise weigh on every first load).
 */
export async function createWagmiConfig (network: NetworkConfig): Promise<Config> {
  const chain = chainFromConfig(network)
  const connectors = network.chainId === LOCAL_CHAIN_ID ? [(await import('../chain/devWalletConnector.ts')).devWallet()] : []
  return createConfig({
    chains: [chain],
    connectors,
    transports: { [chain.id]: rpcTransport(network.rpcUrl) },
    multiInjectedProviderDiscovery: true
  })
}

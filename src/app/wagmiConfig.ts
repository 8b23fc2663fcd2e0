import { createConfig, http, type Config } from 'wagmi'
import { LOCAL_CHAIN_ID, type NetworkConfig } from '../core/networkConfig.ts'
import { chainFromConfig } from '../chain/chain.ts'
import { devWallet } from '../chain/devWalletConnector.ts'

/**
 * Injected wallets arrive through EIP-6963 discovery (wagmi's default); the dev wallet is offered
 * only on the local chain, where its public keys are harmless.
 */
export function createWagmiConfig (network: NetworkConfig): Config {
  const chain = chainFromConfig(network)
  return createConfig({
    chains: [chain],
    connectors: network.chainId === LOCAL_CHAIN_ID ? [devWallet()] : [],
    transports: { [chain.id]: http(network.rpcUrl) },
    multiInjectedProviderDiscovery: true
  })
}

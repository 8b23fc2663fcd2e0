import { defineChain, type Chain } from 'viem'
import type { NetworkConfig } from '../core/networkConfig.ts'

export function chainFromConfig (config: NetworkConfig): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } }
  })
}

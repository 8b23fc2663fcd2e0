import { defineChain, type Chain } from 'viem'
import type { NetworkConfig } from '../core/networkConfig.ts'

/** The one viem chain definition: the app, the headless provider and the tests all build theirs here. */
export function protocolChain (opts: { chainId: number, rpcUrl: string, name?: string }): Chain {
  return defineChain({
    id: opts.chainId,
    name: opts.name ?? `chain ${opts.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [opts.rpcUrl] } }
  })
}

export function chainFromConfig (config: NetworkConfig): Chain {
  return protocolChain({ chainId: config.chainId, rpcUrl: config.rpcUrl, name: config.chainName })
}

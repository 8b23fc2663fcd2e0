/**
 * How the chain actions batch reads: deployless (the call carries Multicall3's code, so a chain
 * needs no Multicall3 contract, anvil included), failing as a whole as one read would, and a few
 * hundred reads per eth_call (32 KiB of calldata, well under the gas a node allows a call), where
 * viem's default (1 KiB, about ten reads) would make a long task's page a hundred calls again.
 */
export const MULTICALL = { allowFailure: false, deployless: true, batchSize: 32_768 } as const

import type { PublicClient } from 'viem'

/** A signature deadline `seconds` after the latest block's timestamp (chain time, not the wall clock). */
export async function signatureDeadline (publicClient: PublicClient, seconds = 3600n): Promise<bigint> {
  const block = await publicClient.getBlock({ blockTag: 'latest' })
  return block.timestamp + seconds
}

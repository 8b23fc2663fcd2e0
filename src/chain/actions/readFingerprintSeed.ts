import { fingerprintSeedOf } from '../../core/fingerprint.ts'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

export interface FingerprintSeed {
  /** The block of the attempt's latest commit (0 while nothing is committed). */
  seedBlock: bigint
  /** The uint32 projection seed, or undefined until a block after `seedBlock` is mined. */
  seed?: number
}

/**
 * The fingerprint seed of a shard attempt. The block's hash is read from the node rather than
 * from the contract's `fingerprintSeed`, which forgets it after 256 blocks (a checker can
 * recompute an old attempt's sketch too). It is given once a block after `seedBlock` is mined,
 * though the hash is known as soon as `seedBlock` is: a reveal is checked (estimated) against the
 * latest block, where `block.number` is `seedBlock` until then and the contract refuses it.
 */
export async function readFingerprintSeed (
  ctx: ReadContext,
  params: { taskId: bigint, round: number, shard: number, attempt: number }
): Promise<FingerprintSeed> {
  return await asAction('readFingerprintSeed', async () => {
    const [seedBlock] = await ctx.publicClient.readContract({
      address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'fingerprintSeed',
      args: [params.taskId, BigInt(params.round), BigInt(params.shard), BigInt(params.attempt)]
    })
    if (seedBlock === 0n || await ctx.publicClient.getBlockNumber({ cacheTime: 0 }) <= seedBlock) return { seedBlock }
    const { hash } = await ctx.publicClient.getBlock({ blockNumber: seedBlock })
    return { seedBlock, seed: fingerprintSeedOf({ seedBlockHash: hash, ...params }) }
  })
}

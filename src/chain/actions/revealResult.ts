import type { Hex, TransactionReceipt } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

export interface RevealParams {
  taskId: bigint
  round: number
  shard: number
  replica: number
  deltaCid: Hex
  sealedCid: Hex
  /** The plaintext delta's fingerprint under the attempt's seed (`readFingerprintSeed`). */
  fingerprint: readonly number[] | Int32Array
  salt: Hex
}

/**
 * Reveals a committed result (what `commitResult` returned) with its fingerprint. Opens when the
 * commit window ends or every replica committed (`RevealNotOpen` before), and once the block that
 * seeds the fingerprints is mined (`FingerprintSeedNotDrawn` before); the contract recomputes the
 * commitment with the caller as sender, so only the committer can reveal it (`CommitmentMismatch`
 * otherwise).
 */
export async function revealResult (
  ctx: WriteContext,
  params: RevealParams
): Promise<{ attempt: number, receipt: TransactionReceipt }> {
  return await asAction('revealResult', async () => {
    const receipt = await transact(ctx, 'revealResult', { contract: 'ConsensusVerifier', functionName: 'reveal', args: [params.taskId, BigInt(params.round), BigInt(params.shard), BigInt(params.replica), { deltaCid: params.deltaCid, sealedCid: params.sealedCid, fingerprint: Array.from(params.fingerprint), salt: params.salt }] })
    const { args } = eventIn('revealResult', receipt, ConsensusVerifierAbi, 'Revealed', ctx.contracts.ConsensusVerifier)
    return { attempt: Number(args.attempt), receipt }
  })
}

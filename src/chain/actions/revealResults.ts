import type { BlockNumber, BlockTag, Hex, TransactionReceipt } from 'viem'
import { packFingerprint } from '../../core/fingerprint.ts'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import { eventsIn } from './internal.ts'
import { readShardResults, roundDecidedIn, shardOutcomeIn, type ShardOutcome, type ShardResults } from './shardResults.ts'
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

export interface RevealedOwn {
  shard: number
  attempt: number
  /** how the shard was decided, when this reveal decided it */
  outcome?: ShardOutcome
}

/**
 * Reveals committed results (what `commitResults` returned) of one task and round in one
 * transaction, each with its fingerprint. Just before sending, it reads each shard's reveals: a
 * shard whose other replicas have all revealed is decided in the same transaction, their results
 * taken from their `Revealed` events read from `fromBlock` on, so nobody sends a separate
 * `finalizeShards`. A reveal opens
 * when the commit window ends or every replica committed (`RevealNotOpen` before), and in a block
 * after the one that seeds the fingerprints, the last commit's (`FingerprintSeedNotDrawn` within it); the contract
 * recomputes the commitment with the caller as sender, so only the committer can reveal it
 * (`CommitmentMismatch` otherwise). One failing entry fails them all.
 */
export async function revealResults (
  ctx: WriteContext,
  results: readonly RevealParams[],
  opts: { fromBlock?: BlockNumber | BlockTag } = {}
): Promise<{ revealed: RevealedOwn[], roundDecided: boolean, receipt: TransactionReceipt }> {
  return await asAction('revealResult', async () => {
    const [first] = results
    if (first === undefined) throw new ChainActionError('revealResult', 'revealResult: no result to reveal.')
    if (results.some((r) => r.taskId !== first.taskId || r.round !== first.round)) {
      throw new ChainActionError('revealResult', 'revealResult: one transaction reveals results of one task and round.')
    }
    const entries = results.map((r) => ({
      shard: BigInt(r.shard),
      replica: BigInt(r.replica),
      opening: { deltaCid: r.deltaCid, sealedCid: r.sealedCid, fingerprint: packFingerprint(r.fingerprint), salt: r.salt }
    }))
    const shards = [...new Set(results.map((r) => r.shard))]
    const decide: ShardResults[] = (await Promise.all(shards.map(async (shard) => await lastToReveal(ctx, { ...first, shard, fromBlock: opts.fromBlock, own: results.filter((r) => r.shard === shard) })))).filter((d) => d !== undefined)
    const receipt = await transact(ctx, 'revealResult', {
      contract: 'ConsensusVerifier', functionName: 'reveal', args: [first.taskId, BigInt(first.round), entries, decide]
    })
    const events = eventsIn(receipt, ConsensusVerifierAbi, 'Revealed', ctx.contracts.ConsensusVerifier)
    const revealed = results.map((r): RevealedOwn => {
      const event = events.find((e) => e.args.shard === BigInt(r.shard) && e.args.replica === BigInt(r.replica))
      if (event === undefined) throw new ChainActionError('revealResult', `revealResult: transaction ${receipt.transactionHash} has no Revealed event for shard ${r.shard}.`)
      const attempt = Number(event.args.attempt)
      const outcome = decide.some((d) => d.shard === BigInt(r.shard)) ? shardOutcomeIn(ctx, receipt, r.shard, attempt) : undefined
      return { shard: r.shard, attempt, ...(outcome === undefined ? {} : { outcome }) }
    })
    return { revealed, roundDecided: roundDecidedIn(ctx, receipt), receipt }
  })
}

/** Every replica's results of the shard when this reveal completes it; undefined otherwise, or when they cannot be read (then someone finalizes it). */
async function lastToReveal (
  ctx: WriteContext,
  params: { taskId: bigint, round: number, shard: number, fromBlock?: BlockNumber | BlockTag | undefined, own: readonly RevealParams[] }
): Promise<ShardResults | undefined> {
  try {
    const { fromBlock, ...rest } = params
    const { results, allRevealed } = await readShardResults(ctx, 'revealResult', fromBlock === undefined ? rest : { ...rest, fromBlock })
    return allRevealed ? results : undefined
  } catch {
    return undefined
  }
}

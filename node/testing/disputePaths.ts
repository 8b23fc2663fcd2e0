/**
 * The dispute paths besides a plain upheld challenge, played on the local chain for the tests that
 * read them back (the indexer's, the task page's): a version challenge upheld with a co-signer to
 * slash, a fraud proof that stands alone, and challenges the referee lets expire.
 */
import { keccak256, sha256, toHex, type Hex } from 'viem'
import {
  challengeResult, challengeVersion, confirmVersion, proposeVersion, proveInvalidDelta, resolveChallenge, transact, type ResultRef, type WriteContext
} from '../../src/chain/actions/index.ts'
import { resultRefArgs } from '../../src/chain/actions/resultRef.ts'
import { deltaCidOf } from '../../src/core/delta/cid.ts'
import { acceptedDeltaRoot, fingerprintHash } from '../../src/core/version/acceptedResults.ts'
import type { LocalChain } from './localChain.ts'
import { placeholderCid } from './placeholderTask.ts'
import { acceptedShard, type AcceptedShard } from './revealShard.ts'

type Chain = Pick<LocalChain, 'testClient' | 'timeTravel'>

/** The only result of an accepted shard's task. */
const firstResult = (shard: AcceptedShard): ResultRef => ({ taskId: shard.taskId, round: 0, shard: 0, attempt: 0, replica: 0 })

/** A version of the shard's round, proposed by `aggregator` alone: no training gave its weights. */
async function proposeRoundVersion (aggregator: WriteContext, shard: AcceptedShard): Promise<bigint> {
  const { taskId, params, results } = shard
  const { versionId } = await proposeVersion(aggregator, {
    taskId, results,
    data: { modelCid: placeholderCid('forged model'), commitHash: keccak256(toHex('forged')), deltaRoot: acceptedDeltaRoot(results), dataHash: params.initialDataHash, accuracyBps: 9900, loss: 1n }
  })
  return versionId
}

/**
 * Two winners; the first proposes a forged version and the second signs it too, yet three
 * signatures are needed, so it stays open to challenge: the creator challenges it and `referee`
 * upholds the challenge, slashing the aggregator. The co-signer is left for `slashCosigner`.
 */
export async function upheldVersionChallenge (
  local: Chain, creator: WriteContext, referee: WriteContext, providers: [WriteContext, WriteContext]
): Promise<{ shard: AcceptedShard, versionId: bigint, bond: bigint, claim: Hex, aggregator: WriteContext, cosigner: WriteContext }> {
  const shard = await acceptedShard(local, creator, providers, { over: { confirmations: 2 } })
  const [aggregator, cosigner] = shard.winners as [WriteContext, WriteContext]
  const versionId = await proposeRoundVersion(aggregator, shard)
  await confirmVersion(cosigner, { versionId })
  const claim = keccak256(toHex('the round as the creator recomputed it'))
  const { bond } = await challengeVersion(creator, { versionId, claim })
  await resolveChallenge(referee, { versionId, uphold: true, claim })
  return { shard, versionId, bond, claim, aggregator, cosigner }
}

/**
 * `provider` reveals a delta with no magic number, a header every decoder refuses, and `prover`
 * proves it on chain: no challenge, no referee, the contract slashes the result itself.
 */
export async function loneFraudProof (
  local: Chain, creator: WriteContext, provider: WriteContext, prover: WriteContext
): Promise<{ shard: AcceptedShard, ref: ResultRef, deltaHash: Hex }> {
  const delta = new Uint8Array(64)
  const shard = await acceptedShard(local, creator, [provider], { deltaCid: await deltaCidOf(delta) })
  const ref = firstResult(shard)
  await proveInvalidDelta(prover, { ref, fingerprintHash: fingerprintHash(shard.fingerprint), delta })
  return { shard, ref, deltaHash: sha256(delta) }
}

/**
 * The creator challenges `provider`'s accepted result and the version it proposes; the referee
 * lets both deadlines pass and the creator closes them: nobody is slashed, the bonds go back.
 */
export async function expiredChallenges (
  local: Chain, creator: WriteContext, provider: WriteContext
): Promise<{ shard: AcceptedShard, ref: ResultRef, versionId: bigint, bond: bigint }> {
  const shard = await acceptedShard(local, creator, [provider])
  const ref = firstResult(shard)
  await challengeResult(creator, { ref, bond: shard.params.rewardPerResult, claim: keccak256(toHex('unchecked')) })
  const versionId = await proposeRoundVersion(provider, shard)
  const { bond } = await challengeVersion(creator, { versionId, claim: keccak256(toHex('unchecked')) })
  await local.timeTravel(shard.params.challengeWindow + 1)
  await transact(creator, 'expireResultChallenge', { contract: 'ResultChallenges', functionName: 'expire', args: [resultRefArgs(ref)] })
  await transact(creator, 'expireChallenge', { contract: 'ModelRegistry', functionName: 'expireChallenge', args: [versionId] })
  return { shard, ref, versionId, bond }
}

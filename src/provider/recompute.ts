/**
 * A round's version recomputed from the chain and the artifacts, as every winner does before it
 * signs or challenges and as the referee does to judge a challenge: each accepted shard's winners
 * (its last accepted attempt) are read from their `Revealed` events, each winner's sealed delta is
 * fetched, opened and checked against what it committed and revealed (core/version/deltaCheck.ts),
 * and the version is computed from the deltas that check out (core/version/compute.ts). The delta
 * root lists every winner (core/version/acceptedResults.ts); the data hash covers the shards that
 * counted.
 */
import type { Address, Hex } from 'viem'
import { MLBridgeError } from '../core/errors.ts'
import { shardDataHash, shardIndices } from '../core/sampling.ts'
import type { TaskDefinition } from '../core/taskDefinition.ts'
import { acceptedDeltaRoot, acceptedResults, winnerReveals, type AcceptedResult, type RevealedWinner } from '../core/version/acceptedResults.ts'
import { computeVersion, type AcceptedDelta, type ComputedVersion } from '../core/version/compute.ts'
import { versionCommitHash } from '../core/version/blob.ts'
import { checkWinners, type DeltaFault } from '../core/version/deltaCheck.ts'
import type { ArtifactLimits } from '../storage/limits.ts'
import type { ProviderChain } from './types.ts'

export interface RecomputeDeps {
  chain: Pick<ProviderChain, 'readAccepted' | 'readRevealed' | 'readFingerprintSeed' | 'chainId' | 'verifier'>
  /** a sealed delta by CID (the caller bounds and retries it: a fetch that fails is never a reason to leave a winner out) */
  fetchDelta: (cid: Hex) => Promise<Uint8Array>
  task: TaskDefinition
  /** the training split's size (the sampler draws shard indices from it) */
  dataSize: number
  /** the task's shard count */
  shards: number
  limits: Pick<ArtifactLimits, 'delta' | 'model'>
}

export interface RecomputedRound {
  computed: ComputedVersion
  /** keccak256 of the computed version's bytes, as the proposal records it */
  commitHash: Hex
  /** what the proposal lists, and its root */
  results: AcceptedResult[]
  deltaRoot: Hex
  dataHash: Hex
  /** the round's winners, lowercase, lowest first */
  winners: Address[]
  /** winners whose bytes are not what they committed and revealed */
  faults: Array<DeltaFault & { shard: number, attempt: number }>
}

/** A round's accepted winners, their deltas checked against what they committed and revealed. */
export interface CheckedDeltas {
  /** the accepted shards and the attempt of each that was accepted */
  accepted: Array<{ shard: number, attempt: number }>
  /** the deltas that count (those whose bytes check out) */
  deltas: AcceptedDelta[]
  /** every winner's reveal: the delta root lists them all */
  revealed: RevealedWinner[]
  faults: RecomputedRound['faults']
  /** the round's winners, lowercase, lowest first */
  winners: Address[]
}

/** Reads the round's winners and fetches and checks each one's sealed delta. */
export async function checkedRoundDeltas (deps: Pick<RecomputeDeps, 'chain' | 'fetchDelta' | 'task' | 'limits'>, taskId: bigint, round: number): Promise<CheckedDeltas> {
  const { chain, task } = deps
  const accepted = await winnerReveals(await chain.readAccepted(taskId, round), async (a) => await chain.readRevealed(taskId, round, a.shard, a.attempt))
  const deltas: AcceptedDelta[] = []
  const revealed: RevealedWinner[] = []
  const faults: RecomputedRound['faults'] = []
  const winners = new Set<Address>()
  const chainId = await chain.chainId()
  for (const a of accepted) {
    for (const r of a.reveals) {
      revealed.push({ shard: a.shard, ...r })
      winners.add(r.provider.toLowerCase() as Address)
    }
    const fingerprintSeed = await chain.readFingerprintSeed(taskId, round, a.shard, a.attempt)
    if (fingerprintSeed === undefined) throw new MLBridgeError('AGGREGATE_INPUT_MISSING', `no fingerprint seed for accepted shard ${a.shard} of round ${round}`)
    const checks = await checkWinners(a.reveals, deps.fetchDelta, {
      chainId, verifier: chain.verifier, taskId, round, shard: a.shard, attempt: a.attempt, fingerprintSeed,
      spec: task.spec, layout: task.layout, maxDeltaBytes: deps.limits.delta
    })
    for (const fault of checks.faults) faults.push({ shard: a.shard, attempt: a.attempt, ...fault })
    // Every recomputer checks the same bytes, so all leave the same winners (or the whole shard) out.
    for (const m of checks.matching) deltas.push({ shard: a.shard, cid: m.deltaCid, bytes: m.bytes })
  }
  return { accepted: accepted.map(({ shard, attempt }) => ({ shard, attempt })), deltas, revealed, faults, winners: [...winners].sort() }
}

export async function recomputeRound (deps: RecomputeDeps, taskId: bigint, round: number, parent: Uint8Array): Promise<RecomputedRound> {
  const { task } = deps
  const { accepted, deltas, revealed, faults, winners } = await checkedRoundDeltas(deps, taskId, round)
  // The verifier computes the root from every winner's result, whether its bytes counted or not.
  const results = acceptedResults(revealed)
  const computed = computeVersion(task.spec, task.layout, parent, deltas, { maxDeltaBytes: deps.limits.delta, maxModelBytes: deps.limits.model })
  const samples = (shard: number): Uint32Array => shardIndices(task.spec, {
    datasetSize: deps.dataSize, round, shard, attempt: accepted.find((a) => a.shard === shard)?.attempt ?? 0, shardCount: deps.shards, samplesPerShard: task.spec.training.samplesPerShard
  })
  return {
    computed,
    commitHash: await versionCommitHash(computed.bytes),
    results,
    deltaRoot: acceptedDeltaRoot(results),
    dataHash: shardDataHash([...new Set(computed.used.map((d) => d.shard))].map(samples)),
    winners,
    faults
  }
}

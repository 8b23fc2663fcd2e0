/**
 * A model or version from the API in the shape the chain's reads return (src/chain/actions'
 * readModel and readVersion): bigints, checksummed addresses, zero for what the registry leaves
 * unset. Code written for the chain's reads takes the API's answers unchanged.
 */
import { getAddress, zeroAddress, type Hex } from 'viem'
import type { ModelState } from '../chain/actions/readModel.ts'
import type { VersionState } from '../chain/actions/readVersion.ts'
import { versionContentHash } from '../core/version/contentHash.ts'
import type { Model, Version } from './schemas.ts'

const big = (value: string | null): bigint => BigInt(value ?? 0)

/** The chain's form of an indexed model: a fork's task is 0. */
export function chainModelOf (model: Model): ModelState {
  return { modelId: BigInt(model.id), owner: getAddress(model.owner), head: BigInt(model.head), taskId: big(model.taskId) }
}

/**
 * The chain's form of an indexed version; undefined while its row lacks the registration (the
 * indexer fills a row from VersionRegistered and VersionProposed, and may have read only one).
 */
export function chainVersionOf (version: Version): VersionState | undefined {
  const { modelId, status, modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss, registeredAt } = version
  if (modelId === null || status === null || modelCid === null || commitHash === null || deltaRoot === null || dataHash === null || accuracyBps === null || loss === null) return undefined
  // the schema checked them as 0x-prefixed hex
  const data = { modelCid: modelCid as Hex, commitHash: commitHash as Hex, deltaRoot: deltaRoot as Hex, dataHash: dataHash as Hex, accuracyBps, loss: BigInt(loss) }
  return {
    versionId: BigInt(version.id),
    modelId: BigInt(modelId),
    parent: big(version.parent),
    mergeParent: big(version.mergeParent),
    proposedAt: big(registeredAt),
    aggregator: version.aggregator === null ? zeroAddress : getAddress(version.aggregator),
    signers: version.signers ?? 0,
    requiredSigners: version.requiredSigners ?? 0,
    status,
    // the registry records a task only with a proposal; the API also files a task's genesis under it
    taskId: version.round === null ? 0n : big(version.taskId),
    round: BigInt(version.round ?? 0),
    challengeDeadline: big(version.challengeDeadline),
    ...data,
    // what the registry stores of that content (the API serves the content, as its events carry it)
    contentHash: versionContentHash(data)
  }
}

/**
 * Re-verifies every version of a task from the chain and the artifacts alone (the gateway, for
 * `npm run audit`): the spec by its CID, the data against the CID and hash the chain names, each
 * version's model against its commit hash, and each
 * round's version recomputed from the deltas its winners revealed (fetched, opened, checked
 * against the commitments and fingerprints, aggregated, the outer step applied), then compared
 * field by field with what the registry records, and its signatures and signers checked again.
 * Nothing here trusts a proposer or a provider.
 */
import {
  readRegistryDomain, readRound, readTask, readTaskCreation, readVersion, VersionContentMismatchError, type ReadContext, type VersionState, type VersionStatusName
} from '../../src/chain/actions/index.ts'
import { errorMessage, MLBridgeError } from '../../src/core/errors.ts'
import { decodeTaskDefinition, type TaskDefinition } from '../../src/core/taskDefinition.ts'
import { roundReader } from '../../src/provider/chain.ts'
import { readVersionModel, recheckVersion, type RecheckDeps, type VersionField } from '../../src/provider/recheckVersion.ts'
import type { ArtifactStore } from '../../src/provider/types.ts'
import type { SignerFault, SignersCheck } from '../../src/core/version/signers.ts'
import type { AuditedData } from '../taskData.ts'
import { DEFAULT_LIMITS, type ArtifactLimits } from '../../src/storage/limits.ts'
import { auditSigners } from './signers.ts'

export interface AuditDeps {
  read: ReadContext
  artifacts: ArtifactStore
  /**
   * The task's data, fetched once (node/taskData.ts auditedData): the training split's size (it
   * fixes which samples each shard drew) and the data's CID and hash recomputed from its bytes.
   */
  data: (definition: TaskDefinition, signal?: AbortSignal) => Promise<AuditedData>
  limits?: Pick<ArtifactLimits, 'delta' | 'model'>
  signal?: AbortSignal
}

export type AuditVerdict = 'exact' | 'differs' | 'unverifiable'

/**
 * Where a version differs: from its recomputation, in who signed it, or in its record itself
 * (`content hash`: the hash the registry stores is not that of the content its event carries).
 */
export type AuditField = VersionField | SignerFault['field'] | 'content hash'

export interface VersionAudit {
  versionId: bigint
  /** undefined for the task's initial version */
  round?: number
  status: VersionStatusName
  verdict: AuditVerdict
  /** where the version differs from its recomputation or its signatures fail (`differs`) */
  differences: AuditField[]
  /** a round version's signers as checked, with the reason for each fault */
  signers?: SignersCheck
  /** why it could not be checked (`unverifiable`): an artifact missing, malformed or oversized */
  error?: string
}

/** The task's data against what the chain names: its `datasetCid` and the initial version's `dataHash`. */
export interface DataAudit {
  verdict: AuditVerdict
  differences: Array<'dataset CID' | 'data hash'>
  error?: string
}

export interface TaskAudit {
  taskId: bigint
  data: DataAudit
  versions: VersionAudit[]
  /** the data and every version exact */
  passed: boolean
}

export async function auditTask (deps: AuditDeps, taskId: bigint): Promise<TaskAudit> {
  const { read, artifacts, signal } = deps
  const limits = deps.limits ?? DEFAULT_LIMITS
  const [task, creation, domain] = await Promise.all([readTask(read, { taskId }), readTaskCreation(read, { taskId }), readRegistryDomain(read)])
  const definition = decodeTaskDefinition(await artifacts.get(creation.specCid, 'spec', signal === undefined ? {} : { signal }), `the task spec ${creation.specCid}`)
  const training = await deps.data(definition, signal)

  const initial = await readRecorded(read, creation.initialVersionId)
  let data: DataAudit
  try {
    if (initial instanceof VersionContentMismatchError) throw initial
    const identity = await training.identity()
    const differences: DataAudit['differences'] = []
    if (identity.datasetCid.toLowerCase() !== creation.datasetCid.toLowerCase()) differences.push('dataset CID')
    if (identity.dataHash.toLowerCase() !== initial.dataHash.toLowerCase()) differences.push('data hash')
    data = { verdict: differences.length === 0 ? 'exact' : 'differs', differences }
  } catch (error) {
    data = { verdict: 'unverifiable', differences: [], error: errorMessage(error) }
  }

  const checked: Array<{ round: number, version: VersionState | VersionContentMismatchError }> = []
  const rounds = Math.min(Number(task.rounds), Number(task.currentRound) + 1)
  for (let round = 0; round < rounds; round++) {
    const { versionId } = await readRound(read, { taskId, round })
    if (versionId !== 0n) checked.push({ round, version: await readRecorded(read, versionId) })
  }
  const readable = [initial, ...checked.map((c) => c.version)].filter((v): v is VersionState => !(v instanceof VersionContentMismatchError))
  const models = modelsOnce({ read, artifacts, ...(signal === undefined ? {} : { signal }) }, readable)

  const versions: VersionAudit[] = [initial instanceof VersionContentMismatchError
    ? rewritten(initial, undefined)
    : await judged(initial.versionId, undefined, initial.status, async () => {
      await models.model(initial.versionId)
      return { differences: [] }
    })]
  if (!(initial instanceof VersionContentMismatchError)) models.done(initial)
  for (const { round, version } of checked) {
    if (version instanceof VersionContentMismatchError) {
      versions.push(rewritten(version, round))
      continue
    }
    versions.push(await judged(version.versionId, round, version.status, async () => {
      const { differences, winners } = await recheckVersion({
        read, rounds: roundReader(read, { fromBlock: creation.blockNumber }), artifacts, task: definition, dataSize: training.size, shards: task.shards, limits, model: models.model, ...(signal === undefined ? {} : { signal })
      }, version)
      const signers = await auditSigners(read, { domain, confirmations: task.confirmations }, version, winners)
      return { differences: [...differences, ...new Set(signers.faults.map((f) => f.field))], signers }
    }))
    models.done(version)
  }
  return { taskId, data, versions, passed: data.verdict === 'exact' && versions.every((v) => v.verdict === 'exact') }
}

/**
 * A version as recorded, or the refusal of a record whose stored content hash is not the hash of
 * the content its `VersionRegistered` event carries (a rewritten record: nothing of it is trusted).
 */
async function readRecorded (read: ReadContext, versionId: bigint): Promise<VersionState | VersionContentMismatchError> {
  try {
    return await readVersion(read, { versionId })
  } catch (error) {
    if (error instanceof VersionContentMismatchError) return error
    throw error
  }
}

function rewritten (refusal: VersionContentMismatchError, round: number | undefined): VersionAudit {
  return { versionId: refusal.versionId, ...(round === undefined ? {} : { round }), status: refusal.status, verdict: 'differs', differences: ['content hash'], error: refusal.message }
}

/**
 * Each audited version's model fetched and checked against its commit hash once, whether it is
 * wanted as the version's own model or as a later version's parent; held only until every audited
 * version that uses it is done (a model can be 256 MiB).
 */
function modelsOnce (deps: Pick<RecheckDeps, 'read' | 'artifacts' | 'signal'>, versions: VersionState[]): { model: (versionId: bigint) => Promise<Uint8Array>, done: (version: VersionState) => void } {
  const known = new Map(versions.map((v) => [v.versionId, v]))
  const uses = new Map<bigint, number>()
  for (const v of versions) for (const id of [v.versionId, v.parent]) uses.set(id, (uses.get(id) ?? 0) + 1)
  const held = new Map<bigint, Promise<Uint8Array>>()
  return {
    model: async (versionId) => {
      let model = held.get(versionId)
      if (model === undefined) {
        model = readVersionModel(deps, versionId, known.get(versionId))
        held.set(versionId, model)
      }
      return await model
    },
    done: (version) => {
      for (const id of [version.versionId, version.parent]) {
        const left = (uses.get(id) ?? 0) - 1
        uses.set(id, left)
        if (left <= 0) held.delete(id)
      }
    }
  }
}

async function judged (
  versionId: bigint, round: number | undefined, status: VersionStatusName,
  check: () => Promise<Pick<VersionAudit, 'differences' | 'signers'>>
): Promise<VersionAudit> {
  const base = { versionId, ...(round === undefined ? {} : { round }), status }
  try {
    const checked = await check()
    return { ...base, verdict: checked.differences.length === 0 ? 'exact' : 'differs', ...checked }
  } catch (error) {
    // A version whose model does not hash to its commit hash differs; anything else leaves it unchecked.
    if (error instanceof MLBridgeError && error.code === 'MODEL_MISMATCH' && round === undefined) return { ...base, verdict: 'differs', differences: ['model bytes'] }
    return { ...base, verdict: 'unverifiable', differences: [], error: errorMessage(error) }
  }
}

/**
 * Everything a task needs published before `createTask`: the uploaded data set (stored here,
 * pinned on a relay with its manifest), the spec and the initial model (pinned as artifacts of
 * task '0', since the task has no id yet): a fresh one, or the bytes of the version the task
 * continues. Returns the spec and the TaskParams that name them.
 */
import type { Hex } from 'viem'
import type { NetworkConfig } from '../../core/networkConfig.ts'
import { MLBridgeError } from '../../core/errors.ts'
import { encodeTaskSpec, type ModelSpec, type TaskSpec } from '../../core/taskSpec.ts'
import { NO_PARENT_DATA, type DataSetRegistration, type TaskParams, type WriteContext } from '../../chain/actions/index.ts'
import type { VersionData } from '../../core/version/signature.ts'
import { cidToHex } from '../../provider/artifacts.ts'
import type { ArtifactStore } from '../../provider/types.ts'
import type { DatasetManifest } from '../../storage/index.ts'
import { appSession } from '../session.ts'
import { buildSpec, buildTaskParams, chainSettings, dataLicense, dataSetRegistration, randomSeed, type TaskForm } from './taskForm.ts'
import type { WizardData } from './wizardData.ts'

/** Artifacts published before the task exists are pinned under this task id. */
const NO_TASK_YET = '0'

/** A final version a new task trains further, with its model's bytes (checked against its commit hash) and architecture. */
export interface ContinuedVersion {
  versionId: bigint
  modelCid: Hex
  commitHash: Hex
  /** its content as registered (the registry keeps a hash of it and checks it when the task is created) */
  data: VersionData
  bytes: Uint8Array
  model: ModelSpec
}

export interface PreparedTask {
  spec: TaskSpec
  params: TaskParams
  /** the data as the data registry records it, registered (or found) before the task and cited by it */
  dataSet: DataSetRegistration
}

export async function prepareTask (opts: {
  form: TaskForm
  data: WizardData
  network: NetworkConfig
  ctx: WriteContext
  /** the version the task continues; a fresh model when absent */
  parent?: ContinuedVersion
  /** what is being done, and how much of it when that is known (0 to 1) */
  onProgress: (text: string, done?: number) => void
}): Promise<PreparedTask> {
  const { form, data, parent, onProgress } = opts
  const seed = randomSeed()
  // Check every field before the wallet is asked for anything.
  chainSettings(form, buildSpec(form, data.shape, seed, parent?.model))
  dataLicense(form)

  onProgress('Connecting to the network and authorizing this tab (sign in your wallet)…')
  const session = await appSession(opts.network, opts.ctx)
  const artifacts = session.artifacts(NO_TASK_YET)

  let shape = data.shape
  let datasetCid = data.kind === 'bundled' ? data.datasetCid : undefined
  let dataHash = data.kind === 'bundled' ? data.dataHash : undefined
  if (data.kind === 'upload') {
    const { shards } = data.packed
    const total = shards.reduce((n, s) => n + s.bytes.length, 0)
    let before = 0
    onProgress(`Storing and pinning the data set (${data.samples} samples in ${shards.length} shard${shards.length === 1 ? '' : 's'})…`, 0)
    const { cid } = await session.node.storage.storeDataset({
      name: data.shape.name,
      schema: manifestSchema(data),
      shards,
      pinMetadata: { taskId: NO_TASK_YET },
      onProgress: (p) => {
        if (p.bytes === p.total) before += p.total
        const done = p.bytes === p.total ? before : before + p.bytes
        onProgress(`Storing and pinning shard ${p.shard + 1} of ${p.shards}: ${megabytes(done)} of ${megabytes(total)}`, done / Math.max(1, total))
      }
    })
    onProgress('Pinning the data set\'s manifest on the relay…')
    await session.pin(NO_TASK_YET, 'manifest', cid)
    shape = { ...shape, manifestCid: cid.toString() }
    datasetCid = cidToHex(cid)
    dataHash = data.packed.dataHash
  }
  if (datasetCid === undefined || dataHash === undefined) throw new Error('the data set was not identified')
  const dataSet = dataSetRegistration(form, shape, { datasetCid, dataHash })

  const spec = buildSpec(form, shape, seed, parent?.model)
  onProgress('Pinning the task spec…')
  const specCid = await artifacts.put(encodeTaskSpec(spec), 'spec')
  const initial = parent === undefined ? await freshModel(spec, artifacts, onProgress) : await continuedModelPinned(parent, artifacts, onProgress)

  const params = buildTaskParams(form, spec, {
    specCid,
    datasetCid,
    initialModelCid: initial.modelCid,
    initialCommitHash: initial.commitHash,
    initialDataHash: dataHash,
    parentVersion: parent?.versionId ?? 0n,
    parentData: parent?.data ?? NO_PARENT_DATA
  })
  onProgress('Published: the spec, the initial model and the data are pinned.')
  return { spec, params, dataSet }
}

/** A table's columns, label and scaling go in the manifest too, so a viewer can take values in the table's own units. */
function manifestSchema (data: WizardData & { kind: 'upload' }): DatasetManifest['schema'] {
  const { table, classNames } = data
  return {
    format: 'binary',
    ...(classNames === undefined ? {} : { classes: classNames }),
    ...(table === undefined ? {} : { columns: table.columns, label: table.label, scale: table.scale })
  }
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`

async function freshModel (spec: TaskSpec, artifacts: ArtifactStore, onProgress: (text: string) => void): Promise<{ modelCid: Hex, commitHash: Hex }> {
  onProgress('Building the initial model…')
  // tfjs is big: load it only when a task is created. The CPU backend needs no WASM files or GPU,
  // and building one small model's initial weights is quick on it.
  const [{ useBackend }, { publishInitialModel }] = await Promise.all([import('../../train/backend.ts'), import('../../provider/initialModel.ts')])
  await useBackend('cpu')
  onProgress('Pinning the initial model…')
  return await publishInitialModel(spec, artifacts)
}

/** The continued version's own bytes, pinned again for the new task: its old task's pins may be released. */
async function continuedModelPinned (parent: ContinuedVersion, artifacts: ArtifactStore, onProgress: (text: string) => void): Promise<{ modelCid: Hex, commitHash: Hex }> {
  onProgress(`Pinning version ${parent.versionId}'s model…`)
  const modelCid = await artifacts.put(parent.bytes, 'model')
  if (modelCid.toLowerCase() !== parent.modelCid.toLowerCase()) {
    throw new MLBridgeError('CONTINUED_MODEL_CID', `version ${parent.versionId}'s model was pinned as ${modelCid}, not as its CID ${parent.modelCid} on chain`)
  }
  return { modelCid: parent.modelCid, commitHash: parent.commitHash }
}

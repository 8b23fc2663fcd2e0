/**
 * A version of a model, downloaded and ready to run from a page or a script: the blob from the
 * gateway (checked against the version's commit hash), the task's spec from the gateway (checked
 * against its CID), the architecture built from the spec and the weights decoded against it.
 * tfjs and the ONNX exporter load only when `predict`, `evaluate`, `onnx` or `tfjsFiles` is first
 * called, so importing this module stays light; they run on tfjs's current backend (in Node, pick
 * the provider's with `useNodeBackend` from src/train/nodeBackend.ts first, else tfjs's plain CPU).
 */
import { checkSamples } from '../app/models/modelRunner.ts'
import type { TfjsModelFiles } from '../app/models/tfjsExport.ts'
import { taskIdOf } from '../app/models/versionModel.ts'
import { decodeTaskDefinition, type TaskDefinition } from '../core/taskDefinition.ts'
import type { WeightSet } from '../core/tensors.ts'
import { decodeVersion } from '../core/version/blob.ts'
import type { Dataset } from '../train/data/dataset.ts'
import type { Scores } from '../train/scores.ts'
import type { MLBridgeClient } from './client.ts'
import type { Version } from './schemas.ts'

export interface RunnableVersion {
  version: Version
  /** the task whose spec describes the model (a fork's or merge's first task up its lineage) */
  taskId: bigint
  /** the spec, its architecture and weight layout */
  task: TaskDefinition
  weights: WeightSet
  /** the version blob as downloaded (weights and momentum, docs/protocol.md section 9) */
  bytes: Uint8Array
  /**
   * Class probabilities, `task.architecture.classes` per sample, for samples laid out as
   * `task.architecture.inputShape` one after another (a transformer: [count, context, vocab]).
   */
  predict: (x: Float32Array) => Promise<Float32Array>
  /** Loss and accuracy on held-out samples, exactly as a round's aggregator scores a version. */
  evaluate: (samples: Pick<Dataset, 'x' | 'labels'>) => Promise<Scores>
  /** The version as an ONNX model (input `input`, output `probabilities`), for ONNX Runtime. */
  onnx: () => Promise<Uint8Array>
  /** The version as a tfjs model: `model.json` naming `weightsFile`, and that file's bytes. */
  tfjsFiles: (weightsFile?: string) => Promise<TfjsModelFiles>
}

/**
 * Downloads version `versionId` (or the version row the API gave) and makes it runnable. Fails
 * with ModelMismatchError when the blob does not hash to the version's commit hash, and with the
 * spec's or the blob's decoding error when they do not describe a model.
 */
export async function loadVersion (
  client: Pick<MLBridgeClient, 'version' | 'task' | 'downloadModel' | 'downloadSpec'>,
  versionId: bigint | string | Version,
  options: { signal?: AbortSignal } = {}
): Promise<RunnableVersion> {
  const version = typeof versionId === 'object' ? versionId : await client.version(versionId)
  const bigintOf = (value: string | null): bigint => value === null ? 0n : BigInt(value)
  const stateOf = (v: Version): { versionId: bigint, taskId: bigint, modelId: bigint, parent: bigint } =>
    ({ versionId: BigInt(v.id), taskId: bigintOf(v.taskId), modelId: bigintOf(v.modelId), parent: bigintOf(v.parent) })
  const [bytes, taskId] = await Promise.all([
    client.downloadModel(version, options),
    taskIdOf(stateOf(version), {
      readVersion: async (id) => stateOf(await client.version(id)),
      // the API gives a task's initial version its task already, and a fork's model has none: its lineage has
      readModelTask: async () => 0n
    })
  ])
  const { task: row } = await client.task(taskId)
  const task = decodeTaskDefinition(await client.downloadSpec(row, options), `the task spec ${row.specCid}`)
  const { weights } = decodeVersion(bytes, { layout: task.layout })
  const arch = task.architecture

  const predict = async (x: Float32Array): Promise<Float32Array> => {
    checkSamples(arch, x)
    const { predictTfjs } = await import('../train/predict.ts')
    return await predictTfjs(arch, weights, x)
  }
  return {
    version,
    taskId,
    task,
    weights,
    bytes,
    predict,
    evaluate: async (samples) => {
      const { scoreModel } = await import('../train/scores.ts')
      return scoreModel(arch, await predict(samples.x), samples)
    },
    onnx: async () => {
      const { exportOnnx } = await import('../train/onnx/exportOnnx.ts')
      return exportOnnx(arch, weights)
    },
    tfjsFiles: async (weightsFile = 'weights.bin') => {
      const { tfjsModelFiles } = await import('../app/models/tfjsExport.ts')
      return await tfjsModelFiles(arch, weights, weightsFile)
    }
  }
}

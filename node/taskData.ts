/**
 * A task's training data in Node, for whatever trains in this process (the headless provider, the
 * referee): the bundled MNIST from disk, or the task's uploaded data set fetched by its manifest,
 * with an in-process trainer on the process's one tfjs engine.
 */
import type { TaskSpec } from '../src/core/taskSpec.ts'
import { datasetTaskData, mnistTaskData, type TaskData } from '../src/provider/taskData.ts'
import { inProcessTrainer, serialQueue } from '../src/provider/trainers.ts'
import type { Trainer } from '../src/provider/types.ts'
import { loadUploadedDataset } from '../src/provider/uploadedData.ts'
import type { Storage } from '../src/storage/index.ts'
import type { Dataset } from '../src/train/data/dataset.ts'
import type { MnistSplit } from '../src/train/data/mnistAsset.ts'
import { loadMnistFromDisk } from '../src/train/data/mnistNode.ts'

/** One tfjs engine per process: everything in it that trains or scores takes its turn. */
export const engine = serialQueue()

let mnist: Promise<MnistSplit> | undefined
const bundledMnist = async (): Promise<MnistSplit> => await (mnist ??= loadMnistFromDisk())

export async function prepareInProcess (spec: Pick<TaskSpec, 'dataset'>, storage: Storage, options: { signal?: AbortSignal } = {}): Promise<{ data: TaskData, trainer: Trainer, test: Dataset }> {
  const trainer = inProcessTrainer({ mnist: async () => (await bundledMnist()).train, queue: engine })
  if (spec.dataset.manifestCid === undefined) return { data: mnistTaskData(), trainer, test: (await bundledMnist()).test }
  const { train, test } = await loadUploadedDataset(storage, spec, options)
  return { data: datasetTaskData(train), trainer, test }
}

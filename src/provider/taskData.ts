/**
 * Where a task's training samples come from. Shards are drawn by index (`shardIndices`) from a data
 * set every provider holds the same copy of: the bundled MNIST split, or an uploaded data set
 * fetched by its manifest CID.
 */
import { selectSamples, type Dataset } from '../train/data/dataset.ts'
import { MNIST_TEST_SIZE } from '../train/data/mnistAsset.ts'
import type { ShardData } from '../train/workerApi.ts'

export interface TaskData {
  /** Samples in the training split the shard indices refer to. */
  size: number
  /** What the trainer gets for one shard's indices. */
  shard: (indices: Uint32Array) => ShardData
}

/** Training digits in the bundled MNIST asset (the rest is the held-out split). */
export const MNIST_TRAIN_SIZE = 10_000 - MNIST_TEST_SIZE

/** The bundled MNIST: the trainer resolves indices against its own copy, so only indices travel. */
export function mnistTaskData (size = MNIST_TRAIN_SIZE): TaskData {
  return { size, shard: (indices) => ({ kind: 'mnist', indices }) }
}

/** A data set held in memory (an upload, fetched and decoded): shards travel as samples. */
export function datasetTaskData (train: Dataset): TaskData {
  return { size: train.labels.length, shard: (indices) => ({ kind: 'samples', data: selectSamples(train, indices) }) }
}

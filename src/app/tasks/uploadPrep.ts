/**
 * Getting an uploaded data set ready to store. Image folders arrive grouped by label and CSV files
 * are often sorted, but providers hold out the *last* samples to score versions: shuffled once here
 * (and stored in that order), the held-out tail has every class, as in the bundled MNIST.
 */
import { selectSamples, type Dataset } from '../../train/data/dataset.ts'
import type { SampleSource } from '../../train/data/datasetBlob.ts'
import { shuffledOrder } from '../../train/data/tableColumns.ts'
import { heldOutCount } from '../../provider/uploadedData.ts'
import type { DataShape } from './taskForm.ts'

/** Shards stay small enough to move quickly block by block and to fit any pinner's shard limit. */
export const MAX_SHARD_BYTES = 4 * 1024 * 1024

/** The order of an upload is shuffled once with this seed, so the same files give the same data set. */
export const UPLOAD_ORDER_SEED = 1

/** The samples in a seeded random order (`shuffledOrder`). */
export function shuffleDataset (ds: Dataset, seed: number): Dataset {
  return selectSamples(ds, shuffledOrder(ds.labels.length, seed))
}

/** What the spec needs to know of an upload; the training split is what providers will draw shards from. */
export function uploadDataShape (ds: Pick<SampleSource, 'count' | 'featureShape' | 'classes' | 'classNames'>, name: string, holdoutFraction: number, text = false): DataShape {
  return {
    name,
    featureShape: ds.featureShape,
    classes: ds.classes,
    trainSamples: ds.count - heldOutCount(ds.count, holdoutFraction, name),
    ...(text && ds.classNames !== undefined ? { vocabulary: ds.classNames } : {})
  }
}

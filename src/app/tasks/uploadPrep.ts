/**
 * Getting an uploaded data set ready to store. Image folders arrive grouped by label and CSV files
 * are often sorted, but providers hold out the *last* samples to score versions: shuffled once here
 * (and stored in that order), the held-out tail has every class, as in the bundled MNIST.
 */
import { Rng } from '../../core/random.ts'
import { selectSamples, type Dataset } from '../../train/data/dataset.ts'
import { holdOut } from '../../provider/uploadedData.ts'
import type { DataShape } from './taskForm.ts'

/** The samples in a seeded random order (Fisher-Yates). */
export function shuffleDataset (ds: Dataset, seed: number): Dataset {
  const order = Uint32Array.from({ length: ds.labels.length }, (_, i) => i)
  const rng = new Rng(seed)
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1)
    const swap = order[i] as number
    order[i] = order[j] as number
    order[j] = swap
  }
  return selectSamples(ds, order)
}

/** What the spec needs to know of an upload; the training split is what providers will draw shards from. */
export function uploadDataShape (ds: Dataset, name: string, holdoutFraction: number, text = false): DataShape {
  return {
    name,
    featureShape: ds.featureShape,
    classes: ds.classes,
    trainSamples: holdOut(ds, holdoutFraction, name).train.labels.length,
    ...(text && ds.classNames !== undefined ? { vocabulary: ds.classNames } : {})
  }
}

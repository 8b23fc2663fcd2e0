/**
 * What the viewer knows of a model trained on an uploaded table, from its data set's manifest: the
 * class names, and (for tables uploaded since the manifest records them) the feature columns,
 * label column and scaling, so values can be entered and files scored in the table's own units.
 */
import type { Architecture } from '../../core/architecture.ts'
import type { DatasetManifest } from '../../storage/index.ts'
import type { TableDescription } from '../../train/data/tableColumns.ts'
import { predictedClass } from '../../train/scores.ts'
import { FeatureRowError } from './prediction.ts'

export interface TabularModel {
  /** class index -> name, when the data set has names for every class */
  classNames?: string[]
  /** the table the model was trained on, when the manifest describes it */
  table?: TableDescription
}

/** Reads the manifest's schema against the model's shape; a description that does not fit the model is an error, not ignored. */
export function tabularModelOf (schema: DatasetManifest['schema'], arch: Pick<Architecture, 'inputShape' | 'classes'>, source: string): TabularModel {
  const { classes, columns, label, scale } = schema
  const classNames = classes !== undefined && classes.length === arch.classes ? classes : undefined
  if (scale === undefined || columns === undefined || label === undefined) return classNames === undefined ? {} : { classNames }
  const features = arch.inputShape[0]
  if (arch.inputShape.length !== 1 || columns.length !== features) throw new FeatureRowError(`${source} describes ${columns.length} feature columns, the model takes [${arch.inputShape.join(', ')}]`)
  if (classNames === undefined) throw new FeatureRowError(`${source} describes a table but not the model's ${arch.classes} class names`)
  return { classNames, table: { columns, label, classNames, scale } }
}

/** The values typed for each feature column, in feature order; an empty or non-numeric one is named. */
export function rawFeatures (cells: readonly string[], columns: readonly string[]): number[] {
  return columns.map((name, i) => {
    const cell = (cells[i] ?? '').trim()
    if (cell === '') throw new FeatureRowError(`enter a value for "${name}"`)
    const value = Number(cell)
    if (!Number.isFinite(value)) throw new FeatureRowError(`"${name}" is not a number ("${cell}")`)
    return value
  })
}

/**
 * counts[actual][predicted] over samples with known labels, the prediction being each row's most
 * probable class as the aggregator takes it (`predictedClass`).
 */
export function confusionMatrix (probabilities: Float32Array, labels: Int32Array, classes: number): number[][] {
  if (probabilities.length !== labels.length * classes) throw new RangeError(`expected ${labels.length * classes} probabilities for ${labels.length} samples, got ${probabilities.length}`)
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  labels.forEach((label, i) => { counts[label]![predictedClass(probabilities.subarray(i * classes, (i + 1) * classes))]!++ })
  return counts
}

import type { Architecture } from '../core/architecture.ts'
import type { Dataset } from './data/dataset.ts'
import { windowTargets } from './data/text.ts'

/** Loss and accuracy from class probabilities: one definition for tfjs and ONNX Runtime results. */
export interface Scores {
  /** mean categorical cross-entropy, probabilities clipped at 1e-7 as tfjs does */
  loss: number
  accuracy: number
  count: number
}

/** The most probable class of one row of probabilities; the first of equal ones. */
export function predictedClass (row: Float32Array): number {
  let best = 0
  for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[best] as number)) best = c
  return best
}

export function scorePredictions (probabilities: Float32Array, labels: Int32Array, classes: number): Scores {
  const count = labels.length
  if (probabilities.length !== count * classes) throw new RangeError(`expected ${count * classes} probabilities for ${count} samples, got ${probabilities.length}`)
  let loss = 0
  let correct = 0
  for (let i = 0; i < count; i++) {
    const row = probabilities.subarray(i * classes, (i + 1) * classes)
    const label = labels[i] as number
    if (predictedClass(row) === label) correct++
    loss -= Math.log(Math.min(Math.max(row[label] as number, 1e-7), 1 - 1e-7))
  }
  return { loss: loss / count, accuracy: correct / count, count }
}

/**
 * Next-token loss and top-1 accuracy of a transformer over every position of every window:
 * `probabilities` is [count, context, vocab], and position j of window i predicts x[i][j + 1]
 * (the window's label after its last position), as in windowTargets.
 */
export function scoreSequences (probabilities: Float32Array, x: Float32Array, labels: Int32Array, context: number, vocab: number): Scores {
  return scorePredictions(probabilities, windowTargets({ x, labels }, context), vocab)
}

/** Scores a model's probabilities on `samples`: per sample for a classifier, per token for a transformer. */
export function scoreModel (arch: Architecture, probabilities: Float32Array, samples: Pick<Dataset, 'x' | 'labels'>): Scores {
  const t = arch.transformer
  if (t !== undefined) return scoreSequences(probabilities, samples.x, samples.labels, t.context, t.vocab)
  return scorePredictions(probabilities, samples.labels, arch.classes)
}

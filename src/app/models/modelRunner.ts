/**
 * A version running in this tab, whichever runtime runs it: ONNX Runtime Web (onnxRunner.ts) or
 * tfjs (tfjsRunner.ts). The viewer and the text generator take either.
 */
import type { Architecture } from '../../core/architecture.ts'
import type { Dataset } from '../../train/data/dataset.ts'
import { scorePredictions, type Scores } from '../../train/scores.ts'

export interface ModelRunner {
  /** class probabilities, `arch.classes` per sample, for samples laid out as `arch.inputShape` */
  predict: (x: Float32Array) => Promise<Float32Array>
  release: () => Promise<void>
}

/** Refuses input that is not a whole number of the model's samples, before a runtime sees it. */
export function checkSamples (arch: Architecture, x: Float32Array): void {
  const size = arch.inputShape.reduce((a, b) => a * b, 1)
  if (x.length === 0 || x.length % size !== 0) throw new RangeError(`the model takes samples of ${size} values, got ${x.length}`)
}

/** Scores the runner on held-out samples exactly as the aggregator does (`scorePredictions`). */
export async function scoreHeldOut (runner: ModelRunner, test: Dataset): Promise<Scores> {
  return scorePredictions(await runner.predict(test.x), test.labels, test.classes)
}

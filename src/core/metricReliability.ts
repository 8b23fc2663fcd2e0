/**
 * How far a version's held-out accuracy can be trusted, and whether the task's last version is
 * worse than an earlier one by more than that. A task's head is its last final version (each round
 * trains on top of the one before); when a later round made the model measurably worse, the owner
 * is told which version to roll back to once the task has ended.
 */

/** The normal quantile of a two-sided 95% interval. */
const Z95 = 1.96

/** The 95% Wilson score interval of an accuracy measured on `samples` held-out samples. */
export function accuracyInterval (accuracy: number, samples: number): { low: number, high: number } {
  if (samples <= 0) return { low: 0, high: 1 }
  const z2 = Z95 * Z95
  const centre = (accuracy + z2 / (2 * samples)) / (1 + z2 / samples)
  const spread = (Z95 / (1 + z2 / samples)) * Math.sqrt(accuracy * (1 - accuracy) / samples + z2 / (4 * samples * samples))
  return { low: Math.max(0, centre - spread), high: Math.min(1, centre + spread) }
}

/**
 * The smallest gap between two accuracies on the same `samples` that is not noise at 95%: the
 * spread of a difference of two proportions (conservative for a shared held-out set, whose errors
 * are correlated).
 */
export function noiseMargin (a: number, b: number, samples: number): number {
  if (samples <= 0) return 1
  return Z95 * Math.sqrt((a * (1 - a) + b * (1 - b)) / samples)
}

export interface ScoredVersion { versionId: bigint, round: bigint, accuracy: number }

/** The best earlier version, when the last one scores below it by more than the noise. */
export function rollbackSuggestion<V extends ScoredVersion> (versions: readonly V[], samples: number): { best: V, last: V } | undefined {
  const last = versions.at(-1)
  if (last === undefined) return undefined
  const best = versions.reduce((top, v) => (v.accuracy > top.accuracy ? v : top))
  if (best === last || best.accuracy - last.accuracy <= noiseMargin(best.accuracy, last.accuracy, samples)) return undefined
  return { best, last }
}

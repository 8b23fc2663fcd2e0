/** A version's scores as the registry records them (docs/protocol.md section 14). */

/** `accuracyBps = clamp(round(accuracy × 10000), 0, 10000)`, `loss = max(0, round(loss × 10^6))`. */
export function versionMetrics (scores: { accuracy: number, loss: number }): { accuracyBps: number, loss: bigint } {
  return {
    accuracyBps: Math.max(0, Math.min(10_000, Math.round(scores.accuracy * 10_000))),
    loss: BigInt(Math.max(0, Math.round(scores.loss * 1e6)))
  }
}

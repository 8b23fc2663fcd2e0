/** How the model pages write on-chain numbers. */

/** Basis points as a percentage with one decimal: 9120 → "91.2%". */
export function formatBps (bps: number): string {
  return `${(bps / 100).toFixed(1)}%`
}

/** A fraction as a percentage with one decimal: 0.912 → "91.2%". */
export function formatFraction (fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`
}

/** The registry stores loss scaled by 1e6. */
export function formatLoss (scaled: bigint): string {
  return (Number(scaled) / 1e6).toFixed(4)
}

/** 0x1234…abcd for long hex values in tight places. */
export function shortHex (hex: string, keep = 6): string {
  return hex.length <= keep * 2 + 4 ? hex : `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}`
}

/** Whether a bytes32 is all zeros (the registry's "none" for delta root and data hash). */
export function isZeroHash (hex: string): boolean {
  return /^0x0*$/.test(hex)
}

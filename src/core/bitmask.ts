/**
 * Replica bitmasks as the contracts keep them: bit i stands for replica slot i of a shard
 * (committed, revealed, winners). Slots are at most a few, so a JS number holds every mask.
 */

/** Whether slot `i` is set. */
export function hasBit (mask: number, i: number): boolean {
  return (mask & (1 << i)) !== 0
}

/** `mask` with slot `i` set. */
export function withBit (mask: number, i: number): number {
  return mask | (1 << i)
}

/** Every one of `n` slots set. */
export function fullMask (n: number): number {
  return (1 << n) - 1
}

/** How many slots are set. */
export function bitCount (mask: number): number {
  let n = 0
  for (let m = mask; m !== 0; m &= m - 1) n++
  return n
}

/** The set slots, lowest first. */
export function bitsOf (mask: number): number[] {
  const out: number[] = []
  for (let i = 0; (mask >>> i) !== 0; i++) if (hasBit(mask, i)) out.push(i)
  return out
}

import { toHex, type Hex } from 'viem'

/** 32 random bytes for a commitment. Persist it before sending the commit: the reveal needs it. */
export function newSalt (): Hex {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(32)))
}

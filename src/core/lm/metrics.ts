/** Bits per character of a next-character cross-entropy in nats: the unit language models are compared in. */
export function bitsPerCharacter (loss: number): number {
  return loss / Math.LN2
}

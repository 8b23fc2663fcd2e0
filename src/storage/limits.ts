import type { ArtifactKind } from '../core/messages/schemas.ts'

export type ArtifactLimits = Record<ArtifactKind, number>

const MiB = 1024 * 1024

/**
 * Per-kind ceilings, checked before a byte of payload is fetched (the root states the size), so a
 * peer cannot make a volunteer download or store more than the kind can legitimately need.
 */
export const DEFAULT_LIMITS: ArtifactLimits = {
  model: 256 * MiB,
  delta: 256 * MiB,
  shard: 64 * MiB,
  // a manifest is one block; bitswap moves blocks up to 2 MiB
  manifest: MiB,
  // a task spec is JSON text: a pasted layers topology is the big case
  spec: MiB
}

/**
 * A referee's evidence report is one raw block (src/core/referee/evidence.ts), so at most what one
 * bitswap block carries comfortably; a report lists a handful of replicas and is a few KiB.
 */
export const MAX_EVIDENCE_BYTES = MiB

/** 1 MiB leaves moved ~3x faster than 256 KiB over bitswap/WebRTC here (fewer round trips and IndexedDB writes). */
export const DEFAULT_CHUNK_SIZE = MiB

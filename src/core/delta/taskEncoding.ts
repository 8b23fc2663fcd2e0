/**
 * A task's delta encoding (the spec's `delta` section) as codec options, and the one path every
 * party takes from a trainer's delta to the task's bytes: the provider before it binds and seals,
 * the referee before it fingerprints its own run. Both must agree, or an honest replica would
 * fingerprint other bytes than the referee's.
 */
import type { TaskSpec } from '../taskSpec.ts'
import type { WeightLayout } from '../tensors.ts'
import { DEFAULT_CHUNK_SIZE, decodeDelta, encodeDelta, readDeltaEncoding, resolveEncoding, sameEncoding, type DeltaScheme, type ResolvedEncoding } from './codec.ts'
import { topKOf } from './topk.ts'

/** The codec options of a task: int8 with 256 values per scale when the spec has no `delta` section. */
export function deltaEncoding (spec: Pick<TaskSpec, 'delta'>): ResolvedEncoding {
  const delta = spec.delta
  if (delta === undefined) return resolveEncoding({ scheme: 'int8' })
  switch (delta.scheme) {
    case 'float32': return resolveEncoding({ scheme: 'float32' })
    case 'int8': return resolveEncoding({ scheme: 'int8', chunkSize: delta.chunkSize })
    case 'topk': return resolveEncoding({ scheme: 'topk', chunkSize: delta.chunkSize, bits: delta.bits, topK: topKOf(delta.fraction, delta.chunkSize) })
  }
}

/**
 * What to ask a trainer for (`TrainRequest.scheme`): the task's own encoding when a trainer can
 * make it from the scheme's name alone (float32, int8 with its default chunk), else float32, which
 * is lossless, for `toTaskEncoding` to compress.
 */
export function trainerScheme (encoding: ResolvedEncoding): DeltaScheme {
  if (encoding.scheme === 'float32' || (encoding.scheme === 'int8' && encoding.chunkSize === DEFAULT_CHUNK_SIZE)) return encoding.scheme
  return 'float32'
}

/** A trainer's delta in the task's encoding: the bytes as they are when they have it, else recoded. */
export function toTaskEncoding (bytes: Uint8Array, encoding: ResolvedEncoding, opts: { layout: WeightLayout, maxBytes: number }): Uint8Array {
  if (sameEncoding(readDeltaEncoding(bytes), encoding)) return bytes
  return encodeDelta(decodeDelta(bytes, { expected: opts.layout, maxBytes: opts.maxBytes }), encoding)
}

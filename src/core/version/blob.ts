/**
 * A model version as one blob: the weights and the outer optimizer's momentum (DiLoCo keeps it as
 * part of the version), each as a lossless float32 `encodeDelta` payload:
 *
 *   u32 magic "MLBV" | u16 format | u16 flags (bit 0: has momentum) | u32 weightsLength | weights | momentum
 *
 * Every honest node that computes the same weights writes the same bytes, so the same CID and
 * commit hash (keccak256 of the blob).
 */
import type { Hex } from 'viem'
import { keccakBytes } from '../keccak.ts'
import { decodeDelta, encodeDelta } from '../delta/codec.ts'
import type { WeightLayout, WeightSet } from '../tensors.ts'
import { errorKind } from '../errors.ts'

export const VERSION_MAGIC = 0x56424c4d // "MLBV" as a little-endian u32
export const VERSION_FORMAT = 1
const HEADER = 12

export class VersionBlobError extends errorKind('VERSION_BLOB') {
  override name = 'VersionBlobError'
}

export interface VersionContent {
  weights: WeightSet
  /** null for version 0 (a zero buffer) */
  momentum: WeightSet | null
}

export function encodeVersion (content: VersionContent): Uint8Array {
  const weights = encodeDelta(content.weights, { scheme: 'float32' })
  const momentum = content.momentum === null ? new Uint8Array(0) : encodeDelta(content.momentum, { scheme: 'float32' })
  const out = new Uint8Array(HEADER + weights.length + momentum.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, VERSION_MAGIC, true)
  view.setUint16(4, VERSION_FORMAT, true)
  view.setUint16(6, content.momentum === null ? 0 : 1, true)
  view.setUint32(8, weights.length, true)
  out.set(weights, HEADER)
  out.set(momentum, HEADER + weights.length)
  return out
}

export function decodeVersion (bytes: Uint8Array, opts: { layout?: WeightLayout, maxBytes?: number } = {}): VersionContent {
  if (bytes.length < HEADER) throw new VersionBlobError('truncated model version')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0, true) !== VERSION_MAGIC) throw new VersionBlobError('not an ML Bridge model version: bad magic')
  const format = view.getUint16(4, true)
  if (format !== VERSION_FORMAT) throw new VersionBlobError(`unknown model version format ${format}`)
  const hasMomentum = (view.getUint16(6, true) & 1) === 1
  const weightsLength = view.getUint32(8, true)
  if (HEADER + weightsLength > bytes.length) throw new VersionBlobError('truncated model version weights')
  const maxBytes = opts.maxBytes ?? bytes.length
  const decode = (part: Uint8Array): WeightSet => decodeDelta(part, { maxBytes, ...(opts.layout === undefined ? {} : { expected: opts.layout }) })
  const weights = decode(bytes.subarray(HEADER, HEADER + weightsLength))
  const rest = bytes.subarray(HEADER + weightsLength)
  if (!hasMomentum && rest.length > 0) throw new VersionBlobError('trailing bytes after the weights')
  return { weights, momentum: hasMomentum ? decode(rest) : null }
}

/** The commit hash recorded on chain for a version blob: keccak256 of its bytes (in WebAssembly, see `keccakBytes`). */
export async function versionCommitHash (bytes: Uint8Array): Promise<Hex> {
  return await keccakBytes(bytes)
}

/** Whether `bytes` are the blob that `commitHash` (hex in either case, as a chain or an API gives it) commits to. */
export async function hasCommitHash (bytes: Uint8Array, commitHash: string): Promise<boolean> {
  return await versionCommitHash(bytes) === commitHash.toLowerCase()
}

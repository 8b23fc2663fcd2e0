/**
 * What the ModelRegistry stores of a version's content: one hash, `keccak256(abi.encode(data))`
 * with `data` the `VersionData` struct ABI-encoded as one tuple (the registry's `contentHashOf`).
 * The content itself is read from the version's `VersionRegistered` event and must hash to it.
 */
import { encodeAbiParameters, keccak256, type Hex } from 'viem'
import { VERSION_DATA_FIELDS, type VersionData } from './signature.ts'

const VERSION_DATA = [{ type: 'tuple', components: VERSION_DATA_FIELDS }] as const

/** `ModelRegistry.contentHashOf(data)`. */
export function versionContentHash (data: VersionData): Hex {
  return keccak256(encodeAbiParameters(VERSION_DATA, [data]))
}

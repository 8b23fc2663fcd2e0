/**
 * A winner's endorsement of a round's version: an EIP-712 `Version` signature over the version's
 * content for one task round on top of one parent, under the ModelRegistry's domain (chain and
 * contract). It has no nonce or deadline: the registry accepts it only for that round while the
 * parent is the head, so a signature received from a peer is checked here, before it is used.
 */
import { recoverTypedDataAddress, type Address, type Hex } from 'viem'

/** A version's content (`ModelRegistry.VersionData`). */
export interface VersionData {
  /** Binary CID of the model weights. */
  modelCid: Hex
  /** Content hash of the weights. */
  commitHash: Hex
  /** Merkle root of the accepted delta CIDs. */
  deltaRoot: Hex
  dataHash: Hex
  /** Validation accuracy in basis points. */
  accuracyBps: number
  /** Validation loss, fixed point as the task defines it. */
  loss: bigint
}

/** What a winner signs: a version's content for one task round on top of one parent. */
export interface VersionContent {
  taskId: bigint
  round: bigint
  parent: bigint
  data: VersionData
}

/** The ModelRegistry's EIP-712 domain (ERC-5267 `eip712Domain()`). */
export interface RegistryDomain {
  name: string
  version: string
  chainId: number
  verifyingContract: Address
}

/** One signer's `Version` signature, as `propose` and `confirm` take them. */
export interface SignerSignature {
  signer: Address
  signature: Hex
}

/** The registry's `VersionData` struct, field by field: what a version's content hash encodes and a `Version` signature ends with. */
export const VERSION_DATA_FIELDS = [
  { name: 'modelCid', type: 'bytes' },
  { name: 'commitHash', type: 'bytes32' },
  { name: 'deltaRoot', type: 'bytes32' },
  { name: 'dataHash', type: 'bytes32' },
  { name: 'accuracyBps', type: 'uint32' },
  { name: 'loss', type: 'uint64' }
] as const

export const VERSION_TYPES = {
  Version: [
    { name: 'taskId', type: 'uint256' },
    { name: 'round', type: 'uint256' },
    { name: 'parent', type: 'uint256' },
    ...VERSION_DATA_FIELDS
  ]
} as const

/** The typed data a wallet signs (viem `signTypedData`) for `content`. */
export function versionTypedData (domain: RegistryDomain, content: VersionContent) {
  const { taskId, round, parent, data } = content
  return { domain, types: VERSION_TYPES, primaryType: 'Version' as const, message: { taskId, round, parent, ...data } }
}

/**
 * Whether `signature` is `signer`'s signature of `content` under `domain`. ECDSA only: a
 * smart-account winner (ERC-1271) cannot be checked off chain, so its endorsement is refused here
 * and it signs on chain through `confirm` instead.
 */
export async function verifyVersionSignature (domain: RegistryDomain, content: VersionContent, { signer, signature }: SignerSignature): Promise<boolean> {
  try {
    const recovered = await recoverTypedDataAddress({ ...versionTypedData(domain, content), signature })
    return recovered.toLowerCase() === signer.toLowerCase()
  } catch {
    return false
  }
}

/**
 * Whether two signed contents prove equivocation (`ModelRegistry.reportEquivocation`): the same
 * task, round and parent, different models (model CID, commit hash, delta root or data hash).
 * Metrics alone do not count: a winner signs the aggregator's metrics with its own model.
 */
export function equivocates (a: VersionContent, b: VersionContent): boolean {
  return sameSlot(a, b) && !sameModel(a.data, b.data)
}

/** Whether two contents are the same version (hex compared case-insensitively). */
export function sameVersionContent (a: VersionContent, b: VersionContent): boolean {
  return sameSlot(a, b) && sameModel(a.data, b.data) && a.data.accuracyBps === b.data.accuracyBps && a.data.loss === b.data.loss
}

/** The same task, round and parent. */
function sameSlot (a: VersionContent, b: VersionContent): boolean {
  return a.taskId === b.taskId && a.round === b.round && a.parent === b.parent
}

/** The same model: model CID, commit hash, delta root and data hash (hex compared case-insensitively). */
function sameModel (a: VersionData, b: VersionData): boolean {
  const hex = (x: Hex, y: Hex): boolean => x.toLowerCase() === y.toLowerCase()
  return hex(a.modelCid, b.modelCid) && hex(a.commitHash, b.commitHash) && hex(a.deltaRoot, b.deltaRoot) && hex(a.dataHash, b.dataHash)
}

/** Signatures ordered as the registry wants them: strictly ascending signer addresses, one each. */
export function ascendingSigners (signatures: readonly SignerSignature[]): SignerSignature[] {
  const bySigner = new Map<string, SignerSignature>()
  for (const s of signatures) bySigner.set(s.signer.toLowerCase(), s)
  return [...bySigner.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s)
}

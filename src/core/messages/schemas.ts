import type { Address, Hex } from 'viem'
import { CID } from 'multiformats/cid'
import { z } from '../zod.ts'
import { TASK_ID_PATTERN, type TopicKind } from './topics.ts'

/** Gossip carries CIDs and small facts; payloads go by Helia or direct streams. */
export const MAX_MESSAGE_BYTES = 4096

const hex = (bytes?: number) => z.string().regex(bytes == null ? /^0x[0-9a-fA-F]*$/ : new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`))
export const addressSchema = hex(20).transform(a => a.toLowerCase() as `0x${string}`)
export const signatureSchema = hex(65).transform(s => s as `0x${string}`)
export const taskIdSchema = z.string().regex(TASK_ID_PATTERN, 'must be a decimal uint256')
export const peerIdSchema = z.string().min(40).max(128).regex(/^[1-9A-HJ-NP-Za-km-z]+$/, 'must be a base58 peer ID')
export const cidSchema = z.string().max(128).refine(s => {
  try { CID.parse(s); return true } catch { return false }
}, 'must be a CID')
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

export const ROUND_PHASES = ['open', 'commit', 'reveal', 'aggregate', 'final'] as const
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu', 'node'] as const
export const ARTIFACT_KINDS = ['model', 'delta', 'shard', 'manifest', 'spec'] as const
export type ArtifactKind = typeof ARTIFACT_KINDS[number]
/**
 * What a pin request may name: an artifact, or a referee's evidence report (one raw block, named on
 * chain by its hash: src/core/referee/evidence.ts). Evidence is never announced on gossip.
 */
export const PIN_KINDS = [...ARTIFACT_KINDS, 'evidence'] as const
export type PinKind = typeof PIN_KINDS[number]

export const roundEventSchema = z.strictObject({
  type: z.literal('round'),
  taskId: taskIdSchema,
  round: count,
  phase: z.enum(ROUND_PHASES),
  /** the model version the round trains from (open) or produced (final) */
  modelCid: cidSchema.optional(),
  /** unix seconds when this phase ends */
  deadline: count.optional()
})

export const presenceSchema = z.strictObject({
  type: z.literal('presence'),
  taskId: taskIdSchema,
  /** where this peer can be dialled, e.g. <relay>/p2p-circuit/webrtc/p2p/<peerId> */
  addrs: z.array(z.string().min(1).max(256)).max(8),
  backend: z.enum(BACKENDS),
  /** measured training throughput, samples per second */
  throughput: z.number().nonnegative().max(1e9),
  status: z.enum(['idle', 'training']).default('idle')
})

/** Artifacts made in a round: the signed announcement names it, so it cannot be passed off as another round's. */
const ROUND_ARTIFACTS: ReadonlySet<ArtifactKind> = new Set(['delta', 'model'])

export const artifactSchema = z.strictObject({
  type: z.literal('artifact'),
  taskId: taskIdSchema,
  kind: z.enum(ARTIFACT_KINDS),
  cid: cidSchema,
  size: count,
  round: count.optional(),
  shard: count.optional()
}).refine(a => a.round !== undefined || !ROUND_ARTIFACTS.has(a.kind), { message: 'a delta or model names its round', path: ['round'] })

const bytes32Schema = hex(32).transform(h => h.toLowerCase() as `0x${string}`)
/** decimal, no leading zeros, at most `max` */
const decimal = (max: bigint) => z.string().regex(/^(0|[1-9]\d{0,19})$/, 'must be a decimal integer').refine(s => BigInt(s) <= max, `must be at most ${max}`)

/**
 * A round winner's EIP-712 `Version` signature of the version it recomputed, for the aggregator to
 * submit with its proposal (docs/protocol.md, section 14). The content travels whole so a receiver
 * can check the signature without asking anyone; `signer` must be the message's `from`.
 */
export const endorsementSchema = z.strictObject({
  type: z.literal('endorsement'),
  taskId: taskIdSchema,
  round: count,
  /** the parent version id, decimal */
  parent: decimal(2n ** 64n - 1n),
  /** the binary model CID as on chain, 0x-hex, 1 to 128 bytes */
  modelCid: z.string().regex(/^0x([0-9a-fA-F]{2}){1,128}$/).transform(h => h.toLowerCase() as `0x${string}`),
  commitHash: bytes32Schema,
  deltaRoot: bytes32Schema,
  dataHash: bytes32Schema,
  accuracyBps: z.number().int().min(0).max(10_000),
  /** decimal uint64 */
  loss: decimal(2n ** 64n - 1n),
  signer: addressSchema,
  signature: signatureSchema
})

export const bodySchemas = {
  rounds: roundEventSchema,
  presence: presenceSchema,
  artifacts: artifactSchema,
  endorsements: endorsementSchema
} as const satisfies Record<TopicKind, z.ZodType>

export type RoundEvent = z.output<typeof roundEventSchema>
export type Presence = z.output<typeof presenceSchema>
export type ArtifactAnnouncement = z.output<typeof artifactSchema>
export type Endorsement = z.output<typeof endorsementSchema>
export interface TopicBodies { rounds: RoundEvent, presence: Presence, artifacts: ArtifactAnnouncement, endorsements: Endorsement }
/** what a publisher passes in (defaults may be left out) */
export interface TopicBodyInputs {
  rounds: z.input<typeof roundEventSchema>
  presence: z.input<typeof presenceSchema>
  artifacts: z.input<typeof artifactSchema>
  endorsements: z.input<typeof endorsementSchema>
}

/**
 * The wallet authorizes one libp2p peer, on one chain and for a limited time, to speak for it: what
 * that peer sends (its gossip signed with its key, its streams behind the Noise handshake) is the
 * wallet's, and the wallet is not asked again for every message.
 */
export interface SessionGrant {
  wallet: Address
  peerId: string
  chainId: number
  /** unix seconds */
  expiresAt: number
  /** the wallet's EIP-191 signature of `authorizationText` */
  signature: Hex
}

/**
 * A peer ID whose public key is inside it (Ed25519): one that only hashes its key (RSA, ECDSA) is
 * one a relay could claim for a connection it signals without encryption (WebRTC).
 */
export const ED25519_PEER_ID = /^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/

/**
 * A session message carries only what the payload does not: the grant's wallet, peer and chain
 * are the payload's `from`, `peerId` and `chainId`.
 */
export const authSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('wallet'), signature: signatureSchema }),
  z.strictObject({ kind: z.literal('session'), expiresAt: count, signature: signatureSchema })
])
export type MessageAuth = z.output<typeof authSchema>

/**
 * On the wire the signed payload travels as the exact text that was signed, so verifiers never
 * depend on re-serialising JSON the same way as the signer.
 */
export const envelopeSchema = z.strictObject({
  payload: z.string().max(MAX_MESSAGE_BYTES),
  auth: authSchema
})

export const payloadHeaderSchema = z.strictObject({
  v: z.literal(1),
  topic: z.string().max(256),
  chainId: z.number().int().positive(),
  from: addressSchema,
  peerId: peerIdSchema,
  /** unix milliseconds */
  sentAt: count,
  body: z.unknown()
})

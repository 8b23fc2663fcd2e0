import { z } from 'zod'
import { createAuthChecker, parseJson } from './codec.ts'
import { InvalidMessageError } from './errors.ts'
import { addressSchema, ARTIFACT_KINDS, authSchema, cidSchema, peerIdSchema, taskIdSchema, type ArtifactKind } from './schemas.ts'
import type { MessageSigner } from './signing.ts'
import type { Address } from 'viem'

/** libp2p protocol on the pinner: one signed request, one response, per stream. */
export const PIN_PROTOCOL = '/mlbridge/pin/1.0.0'
export const MAX_PIN_FRAME_BYTES = 8192

const pinPayloadSchema = z.strictObject({
  v: z.literal(1),
  op: z.literal('pin'),
  chainId: z.number().int().positive(),
  from: addressSchema,
  peerId: peerIdSchema,
  sentAt: z.number().int().nonnegative(),
  taskId: taskIdSchema,
  kind: z.enum(ARTIFACT_KINDS),
  cid: cidSchema
})

export interface PinRequest {
  taskId: string
  kind: ArtifactKind
  cid: string
  from: Address
  peerId: string
  chainId: number
}

export const pinResponseSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), cid: cidSchema, size: z.number().int().nonnegative(), blocks: z.number().int().nonnegative() }),
  z.strictObject({
    ok: z.literal(false),
    code: z.enum(['bad-request', 'unauthorized', 'too-large', 'busy', 'not-found', 'failed']),
    error: z.string().max(1000)
  })
])
export type PinResponse = z.output<typeof pinResponseSchema>

const envelopeSchema = z.strictObject({ payload: z.string().max(MAX_PIN_FRAME_BYTES), auth: authSchema })

export async function encodePinRequest (signer: MessageSigner, req: { taskId: string, kind: ArtifactKind, cid: string }, now = Date.now()): Promise<Uint8Array> {
  const payload = JSON.stringify(pinPayloadSchema.parse({ v: 1, op: 'pin', chainId: signer.chainId, from: signer.wallet, peerId: signer.peerId, sentAt: now, ...req }))
  return new TextEncoder().encode(JSON.stringify({ payload, auth: await signer.sign(payload) }))
}

export interface PinRequestVerifier {
  /** `peerId`: the remote peer of the stream; throws InvalidMessageError */
  verify: (data: Uint8Array, peerId: string) => Promise<PinRequest>
}

export function createPinRequestVerifier (opts: { chainId?: number, maxAgeMs?: number, now?: () => number } = {}): PinRequestVerifier {
  const checker = createAuthChecker()
  const now = opts.now ?? Date.now
  const maxAge = opts.maxAgeMs ?? 5 * 60_000
  return {
    verify: async (data, peerId) => {
      const env = envelopeSchema.safeParse(parseJson(data))
      if (!env.success) throw new InvalidMessageError('bad-envelope', z.prettifyError(env.error))
      const p = pinPayloadSchema.safeParse(parseJson(new TextEncoder().encode(env.data.payload)))
      if (!p.success) throw new InvalidMessageError('bad-body', z.prettifyError(p.error))
      const req = p.data
      if (req.peerId !== peerId) throw new InvalidMessageError('wrong-peer', `signed for peer ${req.peerId}, sent by ${peerId}`)
      if (opts.chainId != null && req.chainId !== opts.chainId) throw new InvalidMessageError('wrong-chain', `chain ${req.chainId}, expected ${opts.chainId}`)
      const t = now()
      if (Math.abs(t - req.sentAt) > maxAge) throw new InvalidMessageError('stale', 'pin request is too old or from the future')
      await checker.check(env.data.payload, env.data.auth, req, t)
      return { taskId: req.taskId, kind: req.kind, cid: req.cid, from: req.from, peerId: req.peerId, chainId: req.chainId }
    }
  }
}

import { z } from '../zod.ts'
import { createAuthChecker, parseJson } from './codec.ts'
import { InvalidMessageError } from './errors.ts'
import { addressSchema, authSchema, cidSchema, peerIdSchema, PIN_KINDS, taskIdSchema, type PinKind } from './schemas.ts'
import type { MessageSigner } from './signing.ts'
import { bytesToHex, hexToBytes, type Address, type Hex } from 'viem'

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
  kind: z.enum(PIN_KINDS),
  cid: cidSchema
})

export interface PinRequest {
  taskId: string
  kind: PinKind
  cid: string
  from: Address
  peerId: string
  chainId: number
}

const receiptPayloadSchema = z.strictObject({
  v: z.literal(1),
  op: z.literal('pinned'),
  pinner: peerIdSchema,
  chainId: z.number().int().positive(),
  from: addressSchema,
  taskId: taskIdSchema,
  kind: z.enum(PIN_KINDS),
  cid: cidSchema,
  size: z.number().int().nonnegative(),
  pinnedAt: z.number().int().nonnegative()
})
export type PinReceiptPayload = z.output<typeof receiptPayloadSchema>

/**
 * What a pinner signs when it holds every block of a pinned DAG: the payload as JSON text and the
 * signature of its UTF-8 bytes by the pinner's libp2p key (hex). A provider keeps it as evidence
 * that its sealed delta was published before the commit deadline ("I uploaded, it was lost" and
 * "I never uploaded" can be told apart), and anyone can check it against the pinner's peer ID.
 */
export const pinReceiptSchema = z.strictObject({
  payload: z.string().max(2048),
  signature: z.string().regex(/^0x[0-9a-f]{2,512}$/)
})
export type PinReceipt = z.output<typeof pinReceiptSchema>

export const pinResponseSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), cid: cidSchema, size: z.number().int().nonnegative(), blocks: z.number().int().nonnegative(), receipt: pinReceiptSchema }),
  z.strictObject({
    ok: z.literal(false),
    code: z.enum(['bad-request', 'unauthorized', 'too-large', 'over-quota', 'busy', 'not-found', 'failed']),
    error: z.string().max(1000)
  })
])
export type PinResponse = z.output<typeof pinResponseSchema>

const envelopeSchema = z.strictObject({ payload: z.string().max(MAX_PIN_FRAME_BYTES), auth: authSchema })

/** `now`: unix milliseconds, read for `sentAt` once the signer is ready to authorize. */
export async function encodePinRequest (signer: MessageSigner, req: { taskId: string, kind: PinKind, cid: string }, now = Date.now): Promise<Uint8Array> {
  const sealed = await signer.seal(() => JSON.stringify(pinPayloadSchema.parse({ v: 1, op: 'pin', chainId: signer.chainId, from: signer.wallet, peerId: signer.peerId, sentAt: now(), ...req })))
  return new TextEncoder().encode(JSON.stringify(sealed))
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
      await checker.check(env.data.payload, env.data.auth, req, peerId, t)
      return { taskId: req.taskId, kind: req.kind, cid: req.cid, from: req.from, peerId: req.peerId, chainId: req.chainId }
    }
  }
}

/** Signs a receipt for `payload` with `sign` (the pinner's libp2p key). */
export async function signPinReceipt (payload: Omit<PinReceiptPayload, 'v' | 'op'>, sign: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>): Promise<PinReceipt> {
  const text = JSON.stringify(receiptPayloadSchema.parse({ v: 1, op: 'pinned', ...payload }))
  return { payload: text, signature: bytesToHex(await sign(new TextEncoder().encode(text))) }
}

/**
 * Checks a receipt: signed by `verify` (the pinner's public key), naming that pinner and the
 * request it answers. Throws InvalidMessageError naming what is wrong.
 */
export async function verifyPinReceipt (
  receipt: PinReceipt,
  expected: { pinner: string, request: Pick<PinRequest, 'chainId' | 'from' | 'taskId' | 'kind' | 'cid'> },
  verify: (bytes: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>
): Promise<PinReceiptPayload> {
  const bytes = new TextEncoder().encode(receipt.payload)
  if (!await verify(bytes, hexToBytes(receipt.signature as Hex))) throw new InvalidMessageError('bad-signature', 'pin receipt: not signed by the pinner\'s key')
  const parsed = receiptPayloadSchema.safeParse(parseJson(bytes))
  if (!parsed.success) throw new InvalidMessageError('bad-body', `pin receipt: ${z.prettifyError(parsed.error)}`)
  const payload = parsed.data
  const { request } = expected
  if (payload.pinner !== expected.pinner) throw new InvalidMessageError('wrong-peer', `pin receipt: names pinner ${payload.pinner}, not ${expected.pinner}`)
  for (const field of ['chainId', 'taskId', 'kind', 'cid'] as const) {
    if (payload[field] !== request[field]) throw new InvalidMessageError('bad-body', `pin receipt: ${field} is ${String(payload[field])}, the request said ${String(request[field])}`)
  }
  if (payload.from.toLowerCase() !== request.from.toLowerCase()) throw new InvalidMessageError('bad-body', `pin receipt: for wallet ${payload.from}, not ${request.from}`)
  return payload
}

import { sha256, stringToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { encodeEvidence, evidenceCid } from './evidence.ts'

describe('evidence', () => {
  it('is the sha256 of the report\'s JSON text, keys in order and no spaces', () => {
    const { bytes, hash } = encodeEvidence({ type: 'mlbridge/referee-verdict/1', taskId: '7', round: 0 })
    expect(new TextDecoder().decode(bytes)).toBe('{"type":"mlbridge/referee-verdict/1","taskId":"7","round":0}')
    expect(hash).toBe(sha256(stringToBytes('{"type":"mlbridge/referee-verdict/1","taskId":"7","round":0}')))
    expect(encodeEvidence({ round: 0, taskId: '7', type: 'mlbridge/referee-verdict/1' }).hash).not.toBe(hash)
  })

  it('names the raw block of the report: CIDv1, raw codec, the hash as its sha2-256 digest', () => {
    const { hash } = encodeEvidence({ a: 1 })
    const cid = evidenceCid(hash)
    expect(cid.version).toBe(1)
    expect(cid.code).toBe(0x55)
    expect(cid.multihash.code).toBe(0x12)
    expect(`0x${Buffer.from(cid.bytes).toString('hex')}`).toBe(`0x01551220${hash.slice(2)}`)
  })
})

/**
 * docs/protocol.md carries test vectors in ```json vector blocks; this test recomputes each one with
 * the code, so the document and the implementation cannot drift apart.
 */
import { readFileSync } from 'node:fs'
import { bytesToHex, hexToBytes, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { computeCommitment } from './commitment.ts'
import { encodeDelta, type DeltaScheme } from './delta/codec.ts'
import { fingerprint, fingerprintSeed } from './fingerprint.ts'
import { encodeTaskMessage, walletMessageSigner, type TopicBodyInputs } from './messages/index.ts'
import { deriveSeed } from './random.ts'
import { shardDataHash, shardIndices, stepSeed } from './sampling.ts'
import { parseTaskSpec } from './taskSpec.ts'
import type { WeightSet } from './tensors.ts'
import { encodeVersion, versionCommitHash } from './version/blob.ts'
import { computeVersion } from './version/compute.ts'
import { deltaRoot } from './version/deltaRoot.ts'

interface Vector { kind: string, input: Record<string, unknown>, output: unknown }
type Tensors = Array<{ name: string, shape: number[], values: number[] }>

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8')
const vectors = [...doc.matchAll(/```json vector\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? '') as Vector)
const weights = (tensors: Tensors): WeightSet => tensors.map(({ name, shape, values }) => ({ name, shape, values: Float32Array.from(values) }))

async function recompute ({ kind, input: i }: Vector): Promise<unknown> {
  switch (kind) {
    case 'deriveSeed': return deriveSeed(i.root as string, ...(i.labels as Array<string | number>))
    case 'shardIndices': {
      const { seed, ...opts } = i
      return Array.from(shardIndices({ seed: seed as string }, opts as never))
    }
    case 'stepSeed': return stepSeed({ seed: i.seed as string }, i.round as number, i.shard as number)
    case 'fingerprintSeed': return fingerprintSeed({ seed: i.seed as string }, i.round as number, i.shard as number)
    case 'dataHash': return shardDataHash((i.shards as number[][]).map((s) => Uint32Array.from(s)))
    case 'delta': return bytesToHex(encodeDelta(weights(i.tensors as Tensors), { scheme: i.scheme as DeltaScheme, ...(i.chunkSize === undefined ? {} : { chunkSize: i.chunkSize as number }) }))
    case 'fingerprint': return Array.from(fingerprint(weights(i.tensors as Tensors), { seed: i.seed as number, length: i.length as number, resolution: i.resolution as number }))
    case 'versionBlob': {
      const bytes = encodeVersion({ weights: weights(i.weights as Tensors), momentum: i.momentum === null ? null : weights(i.momentum as Tensors) })
      return { bytes: bytesToHex(bytes), commitHash: versionCommitHash(bytes) }
    }
    case 'version': {
      const spec = parseTaskSpec({ model: { template: 'mlp', inputShape: [2], classes: 2, hidden: [] }, aggregation: i.aggregation, outer: i.outer, validation: i.validation, seed: 1 })
      const deltas = (i.deltas as Array<{ shard: number, cid: Hex, bytes: Hex }>).map((d) => ({ shard: d.shard, cid: d.cid, bytes: hexToBytes(d.bytes) }))
      const layout = [{ name: 'dense/kernel', shape: [2, 2] }, { name: 'dense/bias', shape: [2] }]
      const v = computeVersion(spec, layout, hexToBytes(i.parent as Hex), deltas, { maxDeltaBytes: 1 << 20, maxModelBytes: 1 << 20 })
      return { bytes: bytesToHex(v.bytes), commitHash: v.commitHash, deltaRoot: v.deltaRoot }
    }
    case 'commitment': return computeCommitment(i as never)
    case 'deltaRoot': return deltaRoot(i.cids as Hex[])
    case 'gossip': {
      const signer = walletMessageSigner(privateKeyToAccount(i.privateKey as Hex), i.peerId as string, i.chainId as number)
      const bytes = await encodeTaskMessage(signer, i.taskId as string, i.topic as 'rounds', i.body as TopicBodyInputs['rounds'], { now: i.sentAt as number })
      return JSON.parse(new TextDecoder().decode(bytes)) as unknown
    }
    default: throw new Error(`docs/protocol.md has a vector of unknown kind "${kind}"`)
  }
}

describe('docs/protocol.md test vectors', () => {
  it('has vectors of every kind the document specifies', () => {
    expect(new Set(vectors.map((v) => v.kind))).toEqual(new Set(['deriveSeed', 'shardIndices', 'stepSeed', 'fingerprintSeed', 'dataHash', 'delta', 'fingerprint', 'versionBlob', 'version', 'commitment', 'deltaRoot', 'gossip']))
  })

  it.each(vectors.map((v, i) => [`${i + 1}: ${v.kind}`, v] as const))('%s', async (_name, vector) => {
    expect(await recompute(vector)).toEqual(vector.output)
  })
})

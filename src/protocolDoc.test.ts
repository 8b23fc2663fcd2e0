/**
 * Keeps the test vectors of docs/protocol.md true: every fenced block with the info string
 * `json vector` is `{ kind, input, output }`; the output is recomputed here with the real code
 * and must equal the document's. Change the code or the document and this fails.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bytesToHex, concatHex, encodeAbiParameters, hashTypedData, hexToBytes, keccak256, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { aggregate } from './core/aggregate.ts'
import { deltaBinding } from './core/delta/binding.ts'
import { deltaCidOf } from './core/delta/cid.ts'
import { bindDelta, decodeDelta, encodeDelta, readDeltaBinding, type DeltaScheme } from './core/delta/codec.ts'
import { crc32 } from './core/delta/crc32.ts'
import { deltaKey, openDelta, sealDelta } from './core/delta/seal.ts'
import { fingerprint, fingerprintSeedFromWord, fingerprintSeedOf, packFingerprint } from './core/fingerprint.ts'
import { authorizationText, encodeTaskMessage, MEMBERSHIP_CACHE, REPLAY_WINDOW, WALLET_STRIKES, walletMessageSigner, type MessageSigner, type TopicKind } from './core/messages/index.ts'
import { encodePinRequest } from './core/messages/pin.ts'
import { outerStep } from './core/outer.ts'
import { deriveSeed, Rng } from './core/random.ts'
import { shardIndices, stepSeed } from './core/sampling.ts'
import { encodeTaskSpec, parseTaskSpec } from './core/taskSpec.ts'
import { layoutOf, type WeightSet } from './core/tensors.ts'
import { deltaRoot } from './core/version/deltaRoot.ts'
import { acceptedDeltaRoot, acceptedResults, resultDigest } from './core/version/acceptedResults.ts'
import { computeCommitment } from './core/commitment.ts'
import { hexToCid, memoryArtifactStore, memoryBlocks } from './provider/artifacts.ts'
import { computeVersion } from './core/version/compute.ts'
import { decodeVersion, encodeVersion, versionCommitHash } from './core/version/blob.ts'
import { mergedVersion } from './core/version/merge.ts'
import { versionContentHash } from './core/version/contentHash.ts'
import { resultClaim, versionClaim } from './core/version/challengeClaim.ts'
import { holdOut } from './provider/uploadedData.ts'
import { rawCid } from './storage/cid.ts'
import { DEFAULT_LIMITS } from './storage/limits.ts'
import { architectureFromSpec, weightLayout } from './core/architecture.ts'
import { decodeDataset, encodeDataset } from './train/data/datasetBlob.ts'
import { VERSION_TYPES, type VersionData } from './core/version/signature.ts'

type Json = any
interface TensorJson { name: string, shape: number[], values: number[] }

const toSet = (tensors: TensorJson[]): WeightSet => tensors.map(({ name, shape, values }) => ({ name, shape: [...shape], values: Float32Array.from(values) }))
const fromSet = (set: WeightSet): TensorJson[] => set.map(({ name, shape, values }) => ({ name, shape: [...shape], values: Array.from(values) }))
const indicesOf = (seed: string | number, i: Json, shard: number): Uint32Array =>
  shardIndices({ seed }, { datasetSize: i.datasetSize, round: i.round, shard, shardCount: i.shardCount, samplesPerShard: i.samplesPerShard })
const leBytes = (indices: Uint32Array): Uint8Array => {
  const out = new Uint8Array(indices.length * 4)
  const view = new DataView(out.buffer)
  indices.forEach((v, k) => { view.setUint32(4 * k, v, true) })
  return out
}

async function blobCid (bytes: Uint8Array, kind: 'model' | 'delta' | 'spec' | 'shard'): Promise<Hex> {
  return await memoryArtifactStore().put(bytes, kind)
}

async function compute (kind: string, i: Json): Promise<Json> {
  switch (kind) {
    case 'derive-seed':
      return deriveSeed(i.root, ...i.labels)
    case 'rng':
    { const rng = new Rng(i.seed); return { uint32: Array.from({ length: i.count }, () => rng.nextUint32()) } }
    case 'task-spec': {
      const spec = parseTaskSpec(i.json)
      const bytes = encodeTaskSpec(spec)
      return { parsed: spec, layout: weightLayout(architectureFromSpec(spec.model)), specBytesHex: bytesToHex(bytes), specCid: await blobCid(bytes, 'spec') }
    }
    case 'shard-indices':
      return {
        sampleSeed: deriveSeed(i.seed, 'sample', i.round),
        stepSeed: stepSeed({ seed: i.seed }, i.round, i.shard),
        indices: Array.from(indicesOf(i.seed, i, i.shard))
      }
    case 'data-hash': {
      const parts = (i.shards as number[]).map((s) => bytesToHex(leBytes(indicesOf(i.seed, i, s))))
      return keccak256(parts.length === 0 ? '0x' : concatHex(parts))
    }
    case 'delta': {
      const opts = {
        scheme: i.scheme as DeltaScheme,
        ...(i.chunkSize === undefined ? {} : { chunkSize: i.chunkSize }),
        ...(i.bits === undefined ? {} : { bits: i.bits }),
        ...(i.topK === undefined ? {} : { topK: i.topK })
      }
      const bytes = encodeDelta(toSet(i.tensors), { ...opts, ...(i.binding === undefined ? {} : { binding: i.binding }) })
      // A provider's delta: the trainer encodes it unbound, the provider writes its binding in.
      if (i.binding !== undefined && bytesToHex(bindDelta(encodeDelta(toSet(i.tensors), opts), i.binding)) !== bytesToHex(bytes)) throw new Error('bindDelta differs from encoding with the binding')
      // The field read back, and a decoder expecting it (the zero binding when none was given), must agree.
      const binding: Hex = i.binding ?? `0x${'00'.repeat(32)}`
      if (readDeltaBinding(bytes) !== binding) throw new Error('the binding field is not the binding given')
      return {
        hex: bytesToHex(bytes),
        crc32: crc32(bytes.subarray(0, bytes.length - 4)),
        deltaCid: await deltaCidOf(bytes),
        decoded: fromSet(decodeDelta(bytes, { maxBytes: DEFAULT_LIMITS.delta, binding, expected: layoutOf(toSet(i.tensors)) }))
      }
    }
    case 'delta-binding':
      return deltaBinding(i)
    case 'seal': {
      const plaintext = hexToBytes(i.plaintextHex)
      const sealed = await sealDelta(plaintext, i.salt)
      if (bytesToHex(await openDelta(sealed, i.salt, { maxBytes: plaintext.length })) !== i.plaintextHex) throw new Error('the sealed bytes do not open to the plaintext')
      return { key: bytesToHex(deltaKey(i.salt)), sealedHex: bytesToHex(sealed) }
    }
    case 'fingerprint-seed': {
      const word = keccak256(encodeAbiParameters(
        [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }],
        [i.seedBlockHash, BigInt(i.taskId), BigInt(i.round), BigInt(i.shard), BigInt(i.attempt)]
      ))
      const seed = fingerprintSeedOf(i)
      if (fingerprintSeedFromWord(word) !== seed) throw new Error('the seed is not the low 32 bits of the word')
      return { word, seed }
    }
    case 'blob-cid': {
      const blocks = memoryBlocks()
      const cid = await memoryArtifactStore(blocks).put(hexToBytes(i.bytesHex), i.kind)
      const root = [...blocks.get(hexToCid(cid)) as Iterable<Uint8Array>][0]!
      return { cid, cidString: hexToCid(cid).toString(), rootHex: bytesToHex(root), chunkCids: [...new Set([bytesToHex((await rawCid(hexToBytes(i.bytesHex))).bytes)])] }
    }
    case 'version-blob': {
      const bytes = encodeVersion({ weights: toSet(i.weights), momentum: i.momentum === null ? null : toSet(i.momentum) })
      decodeVersion(bytes)
      return { hex: bytesToHex(bytes), commitHash: await versionCommitHash(bytes) }
    }
    case 'merge': {
      const merged = mergedVersion(toSet(i.head), toSet(i.other), i.headWeight)
      return { weights: fromSet(merged.weights), commitHash: await versionCommitHash(merged.bytes) }
    }
    case 'aggregate':
      return Array.from(aggregate((i.contributions as Array<{ id: string, values: number[] }>).map(({ id, values }) => ({ id, delta: toSet([{ name: 't', shape: [values.length], values }]) })), i.rule)[0]!.values)
    case 'outer-step': {
      const next = outerStep(toSet(i.params), toSet(i.delta), i.momentum === null ? null : toSet(i.momentum), i.outer)
      return { params: fromSet(next.params), momentum: fromSet(next.momentum) }
    }
    case 'version': {
      const spec = parseTaskSpec(i.spec)
      const layout = weightLayout(architectureFromSpec(spec.model))
      const parent = hexToBytes(i.parentHex)
      const deltas = (i.deltas as Array<{ shard: number, cid: Hex, bytesHex: Hex }>).map((d) => ({ shard: d.shard, cid: d.cid, bytes: hexToBytes(d.bytesHex) }))
      for (const d of deltas) if (await deltaCidOf(d.bytes) !== d.cid) throw new Error(`cid of shard ${d.shard} is not the delta CID of its bytes`)
      const v = computeVersion(spec, layout, parent, deltas, { maxDeltaBytes: DEFAULT_LIMITS.delta, maxModelBytes: DEFAULT_LIMITS.model })
      return {
        hex: bytesToHex(v.bytes),
        commitHash: await versionCommitHash(v.bytes),
        modelCid: await blobCid(v.bytes, 'model'),
        usedShards: v.used.map((d) => d.shard),
        refused: [...v.verdicts].filter(([, verdict]) => !verdict.ok).map(([id]) => id).sort(),
        // One term per shard that counted, however many of its deltas did (section 7).
        dataHash: keccak256(concatHex([...new Set(v.used.map((d) => d.shard))].map((shard) => bytesToHex(leBytes(indicesOf(spec.seed, { ...i.sampling }, shard))))))
      }
    }
    case 'fingerprint': {
      const seed = i.seed ?? fingerprintSeedOf(i)
      const fp = Array.from(fingerprint(toSet(i.tensors), { length: i.length, seed, resolution: i.resolution }))
      return { seed, fingerprint: fp, packed: packFingerprint(fp), packedHash: keccak256(packFingerprint(fp)) }
    }
    case 'commitment':
      return computeCommitment(i)
    case 'delta-root':
      return deltaRoot(i.cids)
    case 'accepted-results': {
      const results = acceptedResults(i.winners)
      return { results: results.map((r) => ({ ...r, resultDigest: resultDigest(r) })), deltaRoot: acceptedDeltaRoot(results) }
    }
    case 'dataset-blob': {
      const ds = { x: Float32Array.from(i.x), labels: Int32Array.from(i.labels), featureShape: i.featureShape, classes: i.classes, ...(i.classNames === undefined ? {} : { classNames: i.classNames }) }
      const bytes = encodeDataset(ds)
      const split = holdOut(decodeDataset(bytes), i.holdoutFraction)
      return { hex: bytesToHex(bytes), keccak256: keccak256(bytes), trainCount: split.train.labels.length, testCount: split.test.labels.length }
    }
    case 'eip712': {
      if (i.primaryType !== 'Version') throw new Error(`unknown EIP-712 type ${String(i.primaryType)}`)
      const types = VERSION_TYPES
      const message = Object.fromEntries(Object.entries(i.message as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : v]))
      return hashTypedData({ domain: i.domain, types, primaryType: i.primaryType, message } as Parameters<typeof hashTypedData>[0])
    }
    case 'version-content-hash':
      return versionContentHash({ ...i, loss: BigInt(i.loss) } as VersionData)
    case 'challenge-claims':
      return { resultClaim: resultClaim(i.contentHash, i.fingerprintHash), invalidResultClaim: resultClaim(i.contentHash), versionClaim: versionClaim(i) }
    case 'gossip': {
      const account = privateKeyToAccount(i.privateKey)
      // with `expiresAt`, sent under the session grant the wallet signed for the peer until then
      const wallet = walletMessageSigner(account, i.peerId, i.chainId)
      const signer: MessageSigner = i.expiresAt === undefined
        ? wallet
        : { ...wallet, seal: async (compose) => ({ payload: compose(), auth: { kind: 'session', expiresAt: i.expiresAt, signature: await account.signMessage({ message: authorizationText(i) }) } }) }
      const bytes = await encodeTaskMessage(signer, i.taskId, i.kind as TopicKind, i.body, { now: () => i.sentAt })
      const envelope = JSON.parse(new TextDecoder().decode(bytes)) as { payload: string, auth: Json }
      return { from: signer.wallet, signedText: envelope.payload, envelope: new TextDecoder().decode(bytes) }
    }
    case 'session-grant-text':
      return authorizationText(i)
    case 'pin-request': {
      const account = privateKeyToAccount(i.privateKey)
      const bytes = await encodePinRequest(walletMessageSigner(account, i.peerId, i.chainId), { taskId: i.taskId, kind: i.kind, cid: i.cid }, () => i.sentAt)
      return new TextDecoder().decode(bytes)
    }
    default:
      throw new Error(`unknown vector kind "${kind}"`)
  }
}

const DOC = new URL('../docs/protocol.md', import.meta.url)

interface Vector { name: string, kind: string, input: Json, output: Json }

/** Every `json vector` block, named by the nearest `###` heading above it. */
function vectorsOf (markdown: string): Vector[] {
  const blocks = [...markdown.matchAll(/^```json vector\n([\s\S]*?)^```$/gm)]
  return blocks.map((block, index) => {
    const parsed = JSON.parse(block[1]!) as Omit<Vector, 'name'>
    if (typeof parsed.kind !== 'string' || !('input' in parsed) || !('output' in parsed)) throw new Error(`vector ${index + 1} is not { kind, input, output }`)
    const heading = [...markdown.slice(0, block.index).matchAll(/^### (.+)$/gm)].at(-1)?.[1] ?? `vector ${index + 1}`
    return { name: heading, ...parsed }
  })
}

const REQUIRED_KINDS = [
  'derive-seed', 'rng', 'task-spec', 'shard-indices', 'data-hash', 'delta', 'delta-binding', 'seal', 'blob-cid',
  'version-blob', 'aggregate', 'outer-step', 'version', 'merge', 'fingerprint-seed', 'fingerprint', 'commitment', 'delta-root', 'accepted-results',
  'dataset-blob', 'eip712', 'version-content-hash', 'challenge-claims', 'gossip', 'session-grant-text', 'pin-request'
]

describe('docs/protocol.md test vectors', () => {
  const vectors = vectorsOf(readFileSync(DOC, 'utf8'))

  it('covers every kind the document promises', () => {
    expect(new Set(vectors.map((v) => v.kind))).toEqual(new Set(REQUIRED_KINDS))
    expect(vectors.filter((v) => v.kind === 'delta-root').map((v) => v.input.cids.length)).toEqual([0, 1, 2, 3, 5])
  })

  vectors.forEach((vector) => {
    it(`${vector.name} (${vector.kind})`, async () => {
      expect(await compute(vector.kind, vector.input)).toEqual(vector.output)
    })
  })
})

describe('docs/protocol.md gossip limits', () => {
  const text = readFileSync(DOC, 'utf8').replace(/\s+/g, ' ')
  const minutes = (ms: number): number => ms / 60_000

  it('states the replay window, the member cache and the strike limits the code uses', () => {
    for (const phrase of [
      `\`sentAt < now − ${REPLAY_WINDOW.maxAgeMs}\` (\`stale\`)`,
      `\`sentAt > now + ${REPLAY_WINDOW.maxSkewMs}\` (\`from-future\`)`,
      `at most ${REPLAY_WINDOW.maxEntries} digests`,
      `at most ${REPLAY_WINDOW.maxPerSender} digests per sender`,
      `at most once per ${MEMBERSHIP_CACHE.ttlMs / 1000} s`,
      `a list older than ${MEMBERSHIP_CACHE.missRefreshMs / 1000} s`,
      `at most ${MEMBERSHIP_CACHE.maxTasks} tasks`,
      `A wallet with ${WALLET_STRIKES.limit} strikes within ${minutes(WALLET_STRIKES.windowMs)} minutes is banned for ${minutes(WALLET_STRIKES.banMs)} minutes`,
      `at most ${WALLET_STRIKES.maxWallets} wallets`
    ]) expect(text).toContain(phrase)
  })
})

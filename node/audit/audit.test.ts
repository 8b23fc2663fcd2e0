import { keccak256, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readVersion, storedData, type WriteContext } from '../../src/chain/actions/index.ts'
import { defineTask } from '../../src/core/taskDefinition.ts'
import { versionCommitHash } from '../../src/core/version/blob.ts'
import { versionContentHash } from '../../src/core/version/contentHash.ts'
import { parseTaskSpec } from '../../src/core/taskSpec.ts'
import { blobArtifactStore } from '../../src/provider/artifacts.ts'
import { chainForAccount } from '../../src/provider/chain.ts'
import { ProviderLoop } from '../../src/provider/providerLoop.ts'
import { MemoryStateStore } from '../../src/provider/state.ts'
import { datasetTaskData } from '../../src/provider/taskData.ts'
import { inProcessEvaluator, inProcessTrainer, serialQueue } from '../../src/provider/trainers.ts'
import { createStorage, gatewayBlocks } from '../../src/storage/index.ts'
import { mnistSplit, useNodeBackend } from '../../src/testing/mnist.ts'
import { startGateway, type Gateway } from '../gateway.ts'
import { blockMap } from '../testing/blockMap.ts'
import { auditedData } from '../taskData.ts'
import { startLocalChain, type LocalChain } from '../testing/localChain.ts'
import { createMnistTask } from '../testing/mnistTask.ts'
import { runLoops } from '../testing/runLoops.ts'
import { lyingVersionClient, tamperWord } from '../testing/tamperStorage.ts'
import { createClient, ModelMismatchError } from '../../src/sdk/index.ts'
import { auditTask, type TaskAudit } from './auditTask.ts'
import { formatAudit } from './main.ts'

const JOIN_WINDOW = 30
const spec = parseTaskSpec({
  model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [16] },
  training: { optimizer: 'sgd', learningRate: 0.1, localSteps: 5, batchSize: 32, samplesPerShard: 160 },
  fingerprint: { length: 16 },
  seed: 'audit-test'
}, 'audit.test')

describe('npm run audit: every version of a task re-verified from the chain and the gateway alone', () => {
  let local: LocalChain
  let gateway: Gateway
  const blocks = blockMap()

  beforeAll(async () => {
    local = await startLocalChain()
    await useNodeBackend('wasm')
    gateway = await startGateway({ blocks, port: 0 })
  }, 120_000)

  afterAll(async () => {
    await gateway?.stop()
    await local?.stop()
  })

  it('passes a task that two providers trained for two rounds, and fails it once a version\'s record is rewritten, consistently or not', async () => {
    const { train, test } = await mnistSplit()
    const queue = serialQueue()
    const artifacts = blobArtifactStore(createStorage({ blocks }).blobs, { pin: false })
    const creator: WriteContext = local.ctxOf(1)
    const { created } = await createMnistTask(creator, artifacts, spec, { joinWindow: JOIN_WINDOW, rounds: 2, shards: 1, replication: 2, maxReplication: 2 })
    const { taskId } = created
    const loops = [7, 8].map((i) => new ProviderLoop({
      taskId, task: defineTask(spec), data: datasetTaskData(train), chain: chainForAccount(local.ctxOf(i)), artifacts,
      trainer: inProcessTrainer({ mnist: async () => train, queue }), evaluator: inProcessEvaluator(test, { queue }),
      state: new MemoryStateStore(), stake: { faucet: true }, pollIntervalMs: 100, stepTimeoutMs: 60_000
    }))
    expect(await runLoops(loops, { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW })).toEqual(['completed', 'completed'])

    // The auditor sees only the chain (no wallet) and the gateway's blocks, each checked against its CID.
    const overGateway = gatewayBlocks({ baseUrl: gateway.url })
    let requested: string[] = []
    const storage = createStorage({ blocks: { ...overGateway, get: (cid, options) => { requested.push(cid.toString()); return overGateway.get(cid, options) } } })
    const audit = async (publicClient = local.publicClient): Promise<TaskAudit> => {
      requested = []
      return await auditTask({
        read: { publicClient, contracts: creator.contracts },
        artifacts: blobArtifactStore(storage.blobs, { pin: false }),
        data: async (definition) => await auditedData(definition.spec, storage)
      }, taskId)
    }

    const honest = await audit()
    console.log(formatAudit(honest).join('\n'))
    // Each block asked of the gateway once: the spec, every model (a version's own and the next
    // round's parent are one fetch) and every winner's delta (two winners a round here).
    expect(new Set(requested).size).toBe(requested.length)
    expect(requested.length).toBeGreaterThanOrEqual(1 + 3 + 4)
    expect(honest.data).toEqual({ verdict: 'exact', differences: [] })
    expect(honest.versions.map((v) => [v.round, v.verdict])).toEqual([[undefined, 'exact'], [0, 'exact'], [1, 'exact']])
    // Both winners' signatures checked again: the two of them a strict majority needs.
    expect(honest.versions.map((v) => v.signers)).toEqual([undefined, ...[0, 1].map(() => ({ counted: 2, winners: 2, required: 2, faults: [] }))])
    expect(honest.passed).toBe(true)

    const last = honest.versions.at(-1)!.versionId
    const { commitHash, modelCid } = await readVersion(creator, { versionId: last })
    // The SDK downloads the same model over the gateway, and refuses it against another commit hash.
    const sdk = createClient({ api: 'http://127.0.0.1:1', gateway: gateway.url })
    expect(await versionCommitHash(await sdk.downloadModel({ id: String(last), modelCid, commitHash }))).toBe(commitHash)
    await expect(sdk.downloadModel({ id: String(last), modelCid, commitHash: keccak256(toHex('another model')) })).rejects.toThrow(ModelMismatchError)

    // A chain (or an RPC) that lies consistently: the registry's content hash and the version's
    // VersionRegistered event both name another model. The content passes the hash check; the
    // recomputation catches it, and the winners signed the commit hash they recomputed, not this one.
    const recorded = await readVersion(creator, { versionId: last })
    const forged = { ...storedData(recorded), commitHash: keccak256(toHex('another model')) }
    await tamperWord(local, creator.contracts.ModelRegistry, last, recorded.contentHash, versionContentHash(forged))
    const lied = await audit(lyingVersionClient(local.rpcUrl, last, forged))
    console.log(formatAudit(lied).join('\n'))
    expect(lied.versions.at(-1)).toMatchObject({ round: 1, verdict: 'differs', differences: ['commit hash', 'model bytes', 'signature', 'signers'], signers: { counted: 0, required: 2 } })
    expect(lied.versions.slice(0, -1).every((v) => v.verdict === 'exact')).toBe(true)
    expect(lied.passed).toBe(false)

    // The record rewritten alone: its content hash no longer names the content its event carries,
    // so nothing of the version is trusted.
    const tampered = await audit()
    console.log(formatAudit(tampered).join('\n'))
    expect(tampered.versions.at(-1)).toMatchObject({ round: 1, status: 'Final', verdict: 'differs', differences: ['content hash'] })
    expect(tampered.versions.slice(0, -1).every((v) => v.verdict === 'exact')).toBe(true)
    expect(tampered.passed).toBe(false)

    // The data the task names, rewritten in its initial version's record: nothing of that version is trusted.
    const initial = await readVersion(creator, { versionId: created.initialVersionId })
    await tamperWord(local, creator.contracts.ModelRegistry, created.initialVersionId, initial.contentHash, versionContentHash({ ...storedData(initial), dataHash: keccak256(toHex('other data')) }))
    const rewritten = await audit()
    expect(rewritten.data).toMatchObject({ verdict: 'unverifiable', error: expect.stringContaining(`version ${created.initialVersionId}`) })
    expect(rewritten.versions[0]).toMatchObject({ verdict: 'differs', differences: ['content hash'] })
  }, 150_000)
})

/**
 * The SDK against the real parts: anvil with the deployed contracts, the indexer (Ponder on PGlite)
 * following it, and the trustless gateway serving the blocks the task's artifacts were put in.
 * Writes go through `createWriter`; a version trained by two provider loops is read from the API,
 * downloaded over the gateway and run with `loadVersion`, and must score as the providers scored it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readEscrow, readIsProvider, readVersion, taskBudget } from '../src/chain/actions/index.ts'
import { defineTask } from '../src/core/taskDefinition.ts'
import { parseTaskSpec } from '../src/core/taskSpec.ts'
import { decodeVersion } from '../src/core/version/blob.ts'
import { blobArtifactStore } from '../src/provider/artifacts.ts'
import { chainForAccount } from '../src/provider/chain.ts'
import { ProviderLoop } from '../src/provider/providerLoop.ts'
import { MemoryStateStore } from '../src/provider/state.ts'
import { datasetTaskData } from '../src/provider/taskData.ts'
import { inProcessEvaluator, inProcessTrainer, serialQueue } from '../src/provider/trainers.ts'
import { ApiMismatchError, createClient, createWriter, loadVersion } from '../src/sdk/index.ts'
import { createStorage } from '../src/storage/index.ts'
import { mnistSplit, useNodeBackend } from '../src/testing/mnist.ts'
import { createOnnxSession, predictOnnx } from '../src/train/onnx/runOnnx.ts'
import { predictTfjs } from '../src/train/predict.ts'
import { startGateway, type Gateway } from './gateway.ts'
import { blockMap } from './testing/blockMap.ts'
import type { Indexer } from './indexer.ts'
import { createMnistTask } from './testing/mnistTask.ts'
import { placeholderTaskParams } from './testing/placeholderTask.ts'
import { runLoops } from './testing/runLoops.ts'
import { useLocalChain } from './testing/useLocalChain.ts'
import { startTestIndexer, INDEXER_STARTUP_MS } from './testing/testIndexer.ts'

const JOIN_WINDOW = 30
const spec = parseTaskSpec({
  model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [16] },
  training: { optimizer: 'sgd', learningRate: 0.1, localSteps: 5, batchSize: 32, samplesPerShard: 160 },
  fingerprint: { length: 16 },
  seed: 'sdk-test'
}, 'sdk.test')

const local = useLocalChain()
const blocks = blockMap()
let gateway: Gateway
let indexer: Indexer
let dir: string | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlb-sdk-'))
  ;[gateway, indexer] = await Promise.all([
    startGateway({ blocks, port: 0 }),
    startTestIndexer(local(), dir, { databaseUrl: '' }),
    useNodeBackend('wasm')
  ])
}, 2 * INDEXER_STARTUP_MS)

afterAll(async () => {
  await indexer?.stop()
  await gateway?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** The SDK's writer for the dev account `index`, given the addresses as stack.json's `contracts` map. */
function writerOf (index: number): ReturnType<typeof createWriter> {
  const { ctxOf, publicClient, contracts } = local()
  return createWriter({ walletClient: ctxOf(index).walletClient, publicClient, contracts: { ...contracts } })
}

describe('the SDK', () => {
  it('creates and funds a task, stakes and joins it, cancels it and claims the refund', async () => {
    const { ctxOf, publicClient } = local()
    const read = ctxOf(0)
    const creator = writerOf(3)
    const provider = writerOf(4)
    const params = placeholderTaskParams({ name: 'Digits from the SDK', description: 'created with createWriter' })
    const budget = taskBudget(params)

    await creator.faucet()
    const created = await creator.createTask(params)
    expect(created.escrow).toBe(budget)
    expect(await creator.taskCreation(created.taskId)).toMatchObject({
      taskId: created.taskId, creator: creator.account, name: 'Digits from the SDK', description: 'created with createWriter', specCid: params.specCid, escrow: budget
    })
    expect(await readEscrow(read, { taskId: created.taskId })).toBe(budget)

    await provider.faucet()
    await provider.stake(params.minStake + params.rewardPerResult)
    const joined = await provider.joinTask(created.taskId)
    expect(joined.index).toBe(0n)
    expect(await readIsProvider(read, { taskId: created.taskId, account: provider.account })).toBe(true)

    // the indexer's API, read through the SDK's client, shows the task as the writer created it
    await indexer.waitForBlock(await publicClient.getBlockNumber(), 30_000)
    const client = createClient({ api: indexer.url })
    expect((await client.task(created.taskId)).task).toMatchObject({
      id: String(created.taskId), name: 'Digits from the SDK', escrow: String(budget), providerCount: 1, status: 'Joining'
    })

    expect((await creator.cancelTask(created.taskId)).outcome).toEqual({ kind: 'cancelled', refund: budget })
    expect((await creator.claim()).amount).toBe(budget)
  }, 60_000)

  it('downloads a trained version over the gateway and runs it: it scores as the providers scored it', async () => {
    const { ctxOf, publicClient, timeTravel } = local()
    const { train, test } = await mnistSplit()
    const queue = serialQueue()
    const artifacts = blobArtifactStore(createStorage({ blocks }).blobs, { pin: false })
    const evaluator = inProcessEvaluator(test, { queue })
    const { created } = await createMnistTask(ctxOf(1), artifacts, spec, { joinWindow: JOIN_WINDOW, rounds: 1, shards: 1, replication: 2, maxReplication: 2, name: 'SDK digits' })
    const loops = [7, 8].map((i) => new ProviderLoop({
      taskId: created.taskId, task: defineTask(spec), data: datasetTaskData(train), chain: chainForAccount(ctxOf(i)), artifacts,
      trainer: inProcessTrainer({ mnist: async () => train, queue }), evaluator,
      state: new MemoryStateStore(), stake: { faucet: true }, pollIntervalMs: 100, stepTimeoutMs: 60_000
    }))
    expect(await runLoops(loops, { timeTravel, joinWindow: JOIN_WINDOW })).toEqual(['completed', 'completed'])
    await indexer.waitForBlock(await publicClient.getBlockNumber(), 30_000)

    const client = createClient({ api: indexer.url, gateway: gateway.url })
    const { items } = await client.versions({ task: created.taskId })
    const trained = items.find((v) => v.round === 0)
    expect(trained).toMatchObject({ status: 'Final' })
    const runnable = await loadVersion(client, trained!.id)
    expect(runnable.taskId).toBe(created.taskId)
    expect(runnable.task.spec).toEqual(spec)

    // the providers' own evaluation, on the weights they committed to the chain
    const onChain = await readVersion(ctxOf(0), { versionId: BigInt(trained!.id) })
    const arch = defineTask(spec).architecture
    const { weights } = decodeVersion(await artifacts.get(onChain.modelCid, 'model'), { layout: defineTask(spec).layout })
    const scored = await evaluator.evaluate(arch, weights, {})
    expect(Math.round(scored.accuracy * 10_000)).toBe(onChain.accuracyBps)

    const digits = test.x.subarray(0, 5 * 784)
    expect(await runnable.predict(digits)).toEqual(await predictTfjs(arch, weights, digits))
    const scores = await runnable.evaluate(test)
    expect(scores.accuracy).toBe(scored.accuracy)
    expect(Math.round(scores.accuracy * 10_000)).toBe(trained!.accuracyBps)
    expect(Math.round(scores.loss * 1e6)).toBe(Number(trained!.loss))

    // the same version as ONNX, under ONNX Runtime, picks the same digits
    const { session } = await createOnnxSession(await runnable.onnx())
    const onnx = await predictOnnx(session, digits, arch.inputShape)
    const tfjs = await runnable.predict(digits)
    for (let i = 0; i < onnx.length; i++) expect(onnx[i]).toBeCloseTo(tfjs[i]!, 4)
    await session.release()

    // attack (lying API): an API that gives this version another real model (the task's initial
    // one, whose bytes hash to its own commit hash) fools a client that trusts it; a client given
    // the chain refuses it
    const initial = items.find((v) => v.id !== trained!.id)!
    const lying: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (!String(input).endsWith(`/versions/${trained!.id}`)) return response
      return Response.json({ ...await response.json() as object, modelCid: initial.modelCid, commitHash: initial.commitHash })
    }
    const fooled = await loadVersion(createClient({ api: indexer.url, gateway: gateway.url, fetch: lying }), trained!.id)
    expect(fooled.bytes).toEqual(await artifacts.get(initial.modelCid as Hex, 'model'))
    const checked = createClient({ api: indexer.url, gateway: gateway.url, fetch: lying, chain: ctxOf(0) })
    await expect(loadVersion(checked, trained!.id)).rejects.toThrow(ApiMismatchError)
    await expect(loadVersion(checked, trained!.id)).rejects.toThrow(`the chain has model ${onChain.modelCid}`)
    // and an honest API passes the same check
    expect((await loadVersion(createClient({ api: indexer.url, gateway: gateway.url, chain: ctxOf(0) }), trained!.id)).bytes).toEqual(runnable.bytes)
  }, 90_000)
})

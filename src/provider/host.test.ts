/**
 * The host picks tasks on a real local chain (anvil + the deployed contracts), as the Contribute
 * switch does, and checks each picked task's spec against what the task declares on chain. It
 * finds the tasks through the indexer's API or, with no API, by reading every task from the chain;
 * each source gets a fresh chain.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startIndexer, type Indexer } from '../../node/indexer.ts'
import { freePort } from '../../node/ports.ts'
import { useLocalChain } from '../../node/testing/useLocalChain.ts'
import { createMnistTask } from '../../node/testing/mnistTask.ts'
import type { ContributionVerdict } from '../core/contributionPolicy.ts'
import type { MLBridgeError } from '../core/errors.ts'
import type { TaskDefinition } from '../core/taskDefinition.ts'
import { LOCAL_CHAIN_ID } from '../core/networkConfig.ts'
import { parseTaskSpec } from '../core/taskSpec.ts'
import { faucet, joinTask, stake } from '../chain/actions/index.ts'
import { createClient } from '../sdk/client.ts'
import { memoryArtifactStore } from './artifacts.ts'
import type { ArtifactStore } from './types.ts'
import { chainForAccount } from './chain.ts'
import { ProviderHost, type ProviderHostOptions } from './host.ts'
import { MemoryStateStore } from './state.ts'

const spec = parseTaskSpec({
  model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [32] },
  training: { optimizer: 'sgd', learningRate: 0.1, localSteps: 10, batchSize: 32, samplesPerShard: 320 },
  seed: 'host-test'
}, 'host.test')

for (const source of ['indexer', 'chain'] as const) {
  describe(`provider host, tasks found through the ${source === 'indexer' ? 'indexer API' : 'chain alone'}`, () => {
    const chain = useLocalChain()
    let indexer: Indexer | undefined
    let dir: string | undefined
    beforeAll(async () => {
      if (source === 'chain') return
      dir = await mkdtemp(join(tmpdir(), 'mlb-host-'))
      const { rpcUrl, wsUrl, contracts } = chain()
      indexer = await startIndexer({
        root: fileURLToPath(new URL('../..', import.meta.url)), host: '127.0.0.1', port: await freePort(), rpcUrl, wsUrl, chainId: LOCAL_CHAIN_ID, contracts, pgliteDir: join(dir, 'pglite'), databaseUrl: '', pollingIntervalMs: 500
      })
    }, 120_000)
    afterAll(async () => {
      await indexer?.stop()
      if (dir !== undefined) await rm(dir, { recursive: true, force: true })
    })

    /** A host for dev account `account` that finds tasks through this suite's source and stops at the first it picks. */
    const hostFor = (account: number, artifacts: ArtifactStore, gate?: ProviderHostOptions['gate'], more: Partial<ProviderHostOptions> = {}): ProviderHost => {
      const provider = chain().ctxOf(account)
      return new ProviderHost({
        read: provider,
        chain: chainForAccount(provider),
        ...(indexer === undefined ? {} : { api: createClient({ api: indexer.url }) }),
        artifacts: () => artifacts,
        states: new MemoryStateStore(),
        idlePollMs: 100,
        ...(gate === undefined ? {} : { gate }),
        prepare: async (definition) => { throw new Picked(definition) },
        ...more
      })
    }

    it('attack (spam task): a task that under-declares its compute to look better paid per hour is refused, and the honest task is taken', async () => {
      const artifacts = memoryArtifactStore()
      const shape = { rounds: 1, shards: 1, replication: 1, maxReplication: 1, rewardPerResult: parseEther('10') }
      const honest = (await createMnistTask(chain().ctxOf(1), artifacts, spec, shape)).created.taskId
      // Same spec and reward, declared as a thousandth of its compute: it ranks first.
      const liar = (await createMnistTask(chain().ctxOf(1), artifacts, spec, { ...shape, declared: { trainMflop: 1 } })).created.taskId

      // the indexer trails the chain: a look before it indexed the liar would find the honest task alone
      await indexer?.waitForBlock(await chain().publicClient.getBlockNumber(), 30_000)
      const host = hostFor(2, artifacts)
      const picked: bigint[] = []
      const refused: Array<{ taskId: bigint, error: MLBridgeError }> = []
      host.on('task', ({ taskId, stage }) => { if (stage === 'fetching spec') picked.push(taskId) })
      host.on('refused', (r) => { refused.push(r) })

      const controller = new AbortController()
      const stopped = await host.run(controller.signal).catch((error: unknown) => error)

      expect(picked).toEqual([liar, honest])
      expect(refused.map((r) => r.taskId)).toEqual([liar])
      expect(refused[0]!.error.code).toBe('TASK_RESOURCES_UNDECLARED')
      expect(refused[0]!.error.message).toMatch(/trainMflop \d[\d,]* against 1 declared/)
      expect(stopped).toBeInstanceOf(Picked)
      expect((stopped as Picked).definition.spec.seed).toBe(spec.seed)
    }, 60_000)

    it('a host its volunteer paused picks no task and says why; allowed again, it picks one', async () => {
      const artifacts = memoryArtifactStore()
      await createMnistTask(chain().ctxOf(1), artifacts, spec, { rounds: 1, shards: 1, replication: 1, maxReplication: 1, rewardPerResult: parseEther('10') })
      await indexer?.waitForBlock(await chain().publicClient.getBlockNumber(), 30_000)
      let verdict: ContributionVerdict = { allowed: false, reason: 'Paused: on battery' }
      const host = hostFor(3, artifacts, () => verdict)
      const picked: bigint[] = []
      const paused: string[] = []
      host.on('task', ({ taskId, stage }) => { if (stage === 'fetching spec') picked.push(taskId) })
      host.on('paused', ({ reason }) => { paused.push(reason) })
      const running = host.run(new AbortController().signal).catch((error: unknown) => error)

      await expect.poll(() => paused.length, { timeout: 20_000 }).toBeGreaterThan(0)
      await new Promise((resolve) => setTimeout(resolve, 1000)) // ten looks while paused, said once
      expect(paused).toEqual(['Paused: on battery'])
      expect(picked).toEqual([])
      verdict = { allowed: true }
      expect(await running).toBeInstanceOf(Picked)
      expect(picked.length).toBeGreaterThan(0)
    }, 60_000)

    it('a host its volunteer paused still runs the task its account joined (the loop steps away and finishes what is owed), and joins none', async () => {
      const artifacts = memoryArtifactStore()
      // paid least, so no other test's host ranks it above its own tasks
      const joined = await createMnistTask(chain().ctxOf(1), artifacts, { ...spec, seed: 'paused-joined' }, { rounds: 1, shards: 1, replication: 1, maxReplication: 1, rewardPerResult: parseEther('1') })
      const provider = chain().ctxOf(5)
      await faucet(provider)
      await stake(provider, { amount: parseEther('101') })
      await joinTask(provider, { taskId: joined.created.taskId })
      await indexer?.waitForBlock(await chain().publicClient.getBlockNumber(), 30_000)
      const host = hostFor(5, artifacts, () => ({ allowed: false, reason: 'Paused: on battery' }))
      const picked: bigint[] = []
      host.on('task', ({ taskId, stage }) => { if (stage === 'fetching spec') picked.push(taskId) })
      const stopped = await Promise.race([
        host.run(new AbortController().signal).catch((error: unknown) => error),
        new Promise((resolve) => setTimeout(() => { resolve('still paused') }, 20_000))
      ])
      expect(stopped).toBeInstanceOf(Picked)
      expect(picked).toEqual([joined.created.taskId])
    }, 60_000)

    it('attack (stalling spec): a task whose spec never arrives is refused after the deadline, and an honest task is taken', async () => {
      const artifacts = memoryArtifactStore()
      const shape = { rounds: 1, shards: 1, replication: 1, maxReplication: 1 }
      await createMnistTask(chain().ctxOf(1), artifacts, spec, { ...shape, rewardPerResult: parseEther('10') })
      // better paid, so picked first; its creator never serves its spec (here: a fetch that hangs until aborted)
      const stalling = await createMnistTask(chain().ctxOf(1), artifacts, { ...spec, seed: 'stalling' }, { ...shape, rewardPerResult: parseEther('20') })
      const hanging: ArtifactStore = {
        ...artifacts,
        get: async (cid, kind, options) => {
          if (cid !== stalling.specCid) return await artifacts.get(cid, kind, options)
          return await new Promise((_resolve, reject) => { options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }) })
        }
      }
      await indexer?.waitForBlock(await chain().publicClient.getBlockNumber(), 30_000)
      const host = hostFor(4, hanging, undefined, { specFetchMs: 500 })
      const picked: bigint[] = []
      const refused: Array<{ taskId: bigint, error: MLBridgeError }> = []
      host.on('task', ({ taskId, stage }) => { if (stage === 'fetching spec') picked.push(taskId) })
      host.on('refused', (r) => { refused.push(r) })
      const stopped = await host.run(new AbortController().signal).catch((error: unknown) => error)
      // (the earlier tests' tasks are still open: the liar is refused again, the honest ones are as good as this one;
      // last in the file, so no later test meets this task)
      expect(refused.find((r) => r.taskId === stalling.created.taskId)?.error.code).toBe('SPEC_UNAVAILABLE')
      expect(picked.indexOf(stalling.created.taskId)).toBeLessThan(picked.length - 1)
      expect(stopped).toBeInstanceOf(Picked)
      expect((stopped as Picked).definition.spec.seed).toBe(spec.seed)
    }, 60_000)
  })
}

/** Stops the host once it prepares a task: what it would train is all this test asks. */
class Picked extends Error {
  constructor (readonly definition: TaskDefinition) { super('picked') }
}

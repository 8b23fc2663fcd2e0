/**
 * The indexer against the real parts: anvil with the deployed contracts, Ponder on each database it
 * supports (PGlite in a temp folder, and a throwaway Postgres server when one is installed), and a
 * placeholder task run to completion through the chain actions. What the REST routes and GraphQL
 * answer is checked against what the chain itself says, the same checks on both databases.
 *
 * Both indexers follow the one chain from before the task starts, so both index its events as they
 * are mined; each backend's tests fail on their own if its indexer does not start.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keccak256, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { citeDataSet, forkVersion, readStake, readTask, readTaskEvents, readVersion, registerDataSet, stepAway } from '../src/chain/actions/index.ts'
import { createTaskEventLog, type ProtocolEventLog } from '../src/chain/eventLog.ts'
import { loadLineage } from '../src/app/models/loadLineage.ts'
import { loadVersionView } from '../src/app/models/loadVersionView.ts'
import { loadTaskDetail } from '../src/app/taskDetail/loadTaskDetail.ts'
import { ApiError, chainEventsOfTask, createClient } from '../src/sdk/index.ts'
import type { Indexer } from './indexer.ts'
import { useLocalChain } from './testing/useLocalChain.ts'
import { startTestIndexer, INDEXER_STARTUP_MS } from './testing/testIndexer.ts'
import { runPlaceholderTask, type PlaceholderRun } from './testing/placeholderRound.ts'
import { createPlainTask, joinAsProvider, placeholderCid } from './testing/placeholderTask.ts'
import { postgresAvailability, startPostgres, type PostgresServer } from './testing/postgres.ts'

const postgres = await postgresAvailability()
if (!postgres.available) console.warn(`indexer tests on Postgres skipped: ${postgres.reason}`)

interface Backend {
  name: 'PGlite' | 'Postgres'
  /** why this backend's tests are skipped here; undefined: they run */
  skip?: string
}
const backends: Backend[] = [{ name: 'PGlite' }, { name: 'Postgres', skip: postgres.available ? undefined : postgres.reason }]

const local = useLocalChain()
const indexers = new Map<Backend['name'], Promise<Indexer>>()
let server: PostgresServer | undefined
let dir: string | undefined
let run: PlaceholderRun
/** the market's other models: a fork of the run's version, and a joining task that cites a registered data set (one provider has joined it) */
let market: { forkId: bigint, citedTaskId: bigint, dataSetId: bigint }

/** Starts Ponder on one database; an empty databaseUrl keeps PGlite even when DATABASE_URL is set. */
async function startOn (backend: Backend['name']): Promise<Indexer> {
  let databaseUrl = ''
  if (backend === 'Postgres') {
    server = await startPostgres()
    databaseUrl = server.url
  }
  return await startTestIndexer(local(), dir!, { databaseUrl })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlb-indexer-'))
  for (const { name, skip } of backends) {
    if (skip !== undefined) continue
    const starting = startOn(name)
    starting.catch(() => {}) // that backend's tests report it
    indexers.set(name, starting)
  }
  await Promise.allSettled(indexers.values())
  const { ctxOf } = local()
  run = await runPlaceholderTask(local(), ctxOf(1), ctxOf(2))
  const { modelId: forkId } = await forkVersion(ctxOf(2), { versionId: run.versionId })
  const contentHash = keccak256(toHex('digits, 50% of them'))
  const citedTaskId = await createPlainTask(ctxOf(3), { name: 'Digits_50%', description: 'half the digits', initialDataHash: contentHash })
  const { dataSetId } = await registerDataSet(ctxOf(3), { manifestCid: placeholderCid('half'), contentHash, name: 'half digits', license: 'CC0-1.0' })
  await citeDataSet(ctxOf(3), { taskId: citedTaskId, dataSetId })
  await joinAsProvider(ctxOf(4), citedTaskId)
  // a second member that paused: a member, but not online
  await joinAsProvider(ctxOf(5), citedTaskId)
  await stepAway(ctxOf(5), { taskId: citedTaskId })
  market = { forkId, citedTaskId, dataSetId }
}, 2 * INDEXER_STARTUP_MS)

afterAll(async () => {
  await Promise.all([...indexers.values()].map(async (starting) => { await (await starting.catch(() => undefined))?.stop() }))
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`indexer on ${backend.name}${backend.skip === undefined ? '' : ` (skipped: ${backend.skip})`}`, () => {
    let indexer: Indexer
    beforeAll(async () => { indexer = await indexers.get(backend.name)! })

    async function get (path: string): Promise<{ status: number, body: any }> {
      const response = await fetch(`${indexer.url}${path}`)
      return { status: response.status, body: await response.json() }
    }

    async function graphql (query: string): Promise<any> {
      const response = await fetch(indexer.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
      const body = await response.json() as { data?: unknown, errors?: unknown }
      expect(body.errors).toBeUndefined()
      return body.data
    }

    it('indexes a task run to completion: REST and GraphQL agree with the chain', async () => {
      const { ctxOf, publicClient } = local()
      const creator = ctxOf(1)
      // two indexers share CI's two cores: PGlite alone already took ~10 s to catch up after the task
      await indexer.waitForBlock(await publicClient.getBlockNumber(), 45_000)

      const onChain = await readTask(creator, { taskId: run.taskId })
      const { status, body } = await get(`/tasks/${run.taskId}`)
      const { task, rounds, providers } = body
      expect(status).toBe(200)
      expect(task).toMatchObject({
        id: String(run.taskId),
        creator: creator.walletClient.account.address.toLowerCase(),
        name: 'placeholder',
        description: 'placeholder artifacts for a test',
        status: onChain.status,
        rounds: onChain.rounds,
        shards: onChain.shards,
        rewardPerResult: String(onChain.rewardPerResult),
        providerCount: onChain.providerCount,
        initialVersionId: String(run.initialVersionId),
        closeReason: 'completed'
      })
      expect(task.status).toBe('Completed')
      expect(rounds).toEqual([expect.objectContaining({ round: 0, versionId: String(run.versionId) })])
      expect(providers).toEqual([expect.objectContaining({ provider: run.provider.toLowerCase(), left: false })])

      const version = await readVersion(creator, { versionId: run.versionId })
      const versions = await get(`/versions?task=${run.taskId}`)
      expect(versions.status).toBe(200)
      expect(versions.body.items.map((v: { id: string }) => v.id)).toEqual([String(run.initialVersionId), String(run.versionId)])
      expect(versions.body.items[1]).toMatchObject({
        taskId: String(run.taskId), round: 0, parent: String(version.parent), status: version.status,
        modelCid: version.modelCid, accuracyBps: version.accuracyBps, loss: String(version.loss), aggregator: run.provider.toLowerCase()
      })
      expect(version.status).toBe('Final')

      const data = await graphql(`{
        provider(address: "${run.provider}") { tasksJoined acceptedCount rewardsEarned claimed }
        versions(where: { taskId: "${run.taskId}" }, orderBy: "id") { items { id status } }
        results(where: { taskId: "${run.taskId}" }) { items { provider status } }
      }`)
      expect(data.provider).toEqual({ tasksJoined: 1, acceptedCount: 1, rewardsEarned: String(onChain.rewardPerResult), claimed: String(run.claimed) })
      expect(data.versions.items).toEqual([{ id: String(run.initialVersionId), status: 'Final' }, { id: String(run.versionId), status: 'Final' }])
      expect(data.results.items).toEqual([{ provider: run.provider.toLowerCase(), status: 'accepted' }])
    }, 60_000)

    it('pages the task list and answers 400 naming a bad parameter, 404 for an unknown task', async () => {
      const first = await get('/tasks?limit=1')
      expect(first.body).toMatchObject({ items: [{ id: String(run.taskId) }], nextCursor: String(run.taskId) })
      expect(await get('/tasks?cursor=' + String(run.taskId))).toMatchObject({ status: 200, body: { items: [{ id: String(market.citedTaskId) }], nextCursor: null } })
      expect(await get('/tasks?limit=1000')).toEqual({ status: 400, body: { error: 'limit must be an integer from 1 to 200, got "1000"' } })
      expect(await get('/versions?task=abc')).toEqual({ status: 400, body: { error: 'task must be a non-negative integer, got "abc"' } })
      expect(await get('/versions?taks=1')).toEqual({ status: 400, body: { error: 'unknown query parameter "taks"; this route takes task, model, limit, cursor' } })
      expect((await get('/tasks/999')).status).toBe(404)
    })

    it('lists tasks by status, by a provider that joined them, and newest first with a cursor that continues down', async () => {
      const { ctxOf, publicClient } = local()
      await indexer.waitForBlock(await publicClient.getBlockNumber(), 45_000)
      const sdk = createClient({ api: indexer.url })
      const ids = async (query: Parameters<typeof sdk.tasks>[0]): Promise<string[]> => (await sdk.tasks(query)).items.map((t) => t.id)
      const [done, joining] = [String(run.taskId), String(market.citedTaskId)]
      expect(await ids({ order: 'desc' })).toEqual([joining, done])
      expect(await sdk.tasks({ order: 'desc', limit: 1 })).toMatchObject({ items: [{ id: joining }], nextCursor: joining })
      expect(await sdk.tasks({ order: 'desc', cursor: joining })).toMatchObject({ items: [{ id: done }], nextCursor: null })
      expect(await ids({ status: 'Joining' })).toEqual([joining])
      expect(await ids({ status: ['Completed', 'Cancelled'] })).toEqual([done])
      expect(await ids({ provider: run.provider })).toEqual([done])
      expect(await ids({ provider: run.provider, status: ['Joining', 'Running'] })).toEqual([])
      // what a volunteer's pick weighs, as the chain has it
      const onChain = await readTask(ctxOf(3), { taskId: market.citedTaskId })
      expect((await sdk.task(market.citedTaskId)).task).toMatchObject({ joinDeadline: String(onChain.joinDeadline), trainMflop: onChain.trainMflop })
      expect(await get('/tasks?status=Joining,Done')).toEqual({ status: 400, body: { error: 'status must be task statuses separated by commas (Joining, Running, Completed, Cancelled), got "Done"' } })
      expect((await get('/tasks?order=up')).status).toBe(400)
    })

    it('describes its REST routes in an OpenAPI document whose schemas the answers follow', async () => {
      const { status, body } = await get('/openapi.json') as { status: number, body: { openapi: string, paths: Record<string, unknown>, components: { schemas: Record<string, { required?: string[] }> } } }
      expect(status).toBe(200)
      expect(body.openapi).toBe('3.1.0')
      expect(Object.keys(body.paths).sort()).toEqual(['/datasets', '/disputes', '/events', '/events/stream', '/models', '/models/{id}', '/providers/{address}', '/stats', '/tasks', '/tasks/{id}', '/versions', '/versions/{id}'])
      // Every field the document requires of a task is in the task the API serves.
      const served = (await get(`/tasks/${run.taskId}`)).body as { task: Record<string, unknown> }
      expect(body.components.schemas.Task?.required?.length).toBeGreaterThan(10)
      for (const field of body.components.schemas.Task?.required ?? []) expect(served.task).toHaveProperty(field)
    })

    it('counts the network at a glance: providers in open tasks, tasks by status, versions trained, results accepted, rewards credited', async () => {
      const { ctxOf, publicClient } = local()
      await indexer.waitForBlock(await publicClient.getBlockNumber(), 45_000)
      const [done, joining] = await Promise.all([readTask(ctxOf(1), { taskId: run.taskId }), readTask(ctxOf(3), { taskId: market.citedTaskId })])
      expect([done.status, joining.status, joining.providerCount]).toEqual(['Completed', 'Joining', 2])
      // the completed task's provider no longer counts; of the joining task's two, the one that stepped away does not
      const members = (await get(`/tasks/${market.citedTaskId}`)).body.providers as Array<{ provider: string, awayFromRound: number | null }>
      expect(members.map((m) => [m.provider, m.awayFromRound])).toEqual(expect.arrayContaining([
        [ctxOf(4).walletClient.account.address.toLowerCase(), null], [ctxOf(5).walletClient.account.address.toLowerCase(), 0]
      ]) as unknown)
      expect(await createClient({ api: indexer.url }).stats()).toEqual({
        providersOnline: 1, tasksJoining: 1, tasksRunning: 0, versionsTrained: 1, resultsVerified: 1, rewardsPaid: String(done.rewardPerResult)
      })
      expect(await get('/stats?limit=1')).toEqual({ status: 400, body: { error: 'unknown query parameter "limit"; this route takes none' } })
    })

    it('lists the market\'s models: names, head metrics, forks and cited data sets; search, filters and sorts', async () => {
      const { ctxOf } = local()
      const sdk = createClient({ api: indexer.url })
      const all = await sdk.models({ sort: 'oldest' })
      const version = await readVersion(ctxOf(1), { versionId: run.versionId })
      const [trained, fork, cited] = all.items
      expect(all.items).toHaveLength(3)
      expect(trained).toMatchObject({
        taskId: String(run.taskId), name: 'placeholder', head: String(run.versionId), headAccuracyBps: version.accuracyBps,
        headLoss: String(version.loss), versionCount: 2, forkedFrom: null, dataSet: null
      })
      expect(fork).toMatchObject({ id: String(market.forkId), taskId: null, forkedFrom: String(run.versionId), name: 'fork of placeholder', versionCount: 0, head: String(run.versionId) })
      expect(cited).toMatchObject({ taskId: String(market.citedTaskId), name: 'Digits_50%', headAccuracyBps: 0, dataSet: { id: String(market.dataSetId), name: 'half digits', license: 'CC0-1.0' } })

      const ids = async (query: Parameters<typeof sdk.models>[0]): Promise<string[]> => (await sdk.models(query)).items.map((m) => m.id)
      expect(await sdk.version(trained!.head)).toMatchObject({ id: String(run.versionId), modelCid: version.modelCid, commitHash: version.commitHash })
      await expect(sdk.version(999n)).rejects.toMatchObject({ status: 404 })
      expect(await ids({ q: 'PLACE' })).toEqual([fork!.id, trained!.id])
      // the search's own wildcards are literal: "_5" and "%" match only the name that has them
      expect(await ids({ q: 's_50%' })).toEqual([cited!.id])
      expect(await ids({ q: '%' })).toEqual([cited!.id])
      expect(await ids({ dataSet: market.dataSetId })).toEqual([cited!.id])
      expect(await ids({ owner: ctxOf(2).walletClient.account.address })).toEqual([fork!.id])
      expect(await ids({ sort: 'name' })).toEqual([cited!.id, fork!.id, trained!.id])
      const page = await sdk.models({ limit: 2 })
      expect(page.items.map((m) => m.id)).toEqual([cited!.id, fork!.id])
      expect((await sdk.models({ cursor: page.nextCursor ?? undefined })).items.map((m) => m.id)).toEqual([trained!.id])
      expect((await sdk.dataSets()).items).toEqual([expect.objectContaining({ id: String(market.dataSetId), citations: 1, license: 'CC0-1.0' })])
      expect(await get('/models?sort=best')).toEqual({ status: 400, body: { error: 'sort must be one of newest, oldest, accuracy, loss, name, got "best"' } })
      expect(await get('/models?owner=0x12')).toEqual({ status: 400, body: { error: 'owner must be a 0x-prefixed 20-byte address, got "0x12"' } })
    })

    it('serves a task\'s events, its versions\' registrations included, as the chain\'s log decodes them', async () => {
      const { ctxOf, publicClient } = local()
      const onChain = await readTaskEvents(ctxOf(1), { taskId: run.taskId })
      expect(onChain.map((e) => e.eventName)).toEqual(expect.arrayContaining(['VersionRegistered', 'TaskCreated', 'VersionProposed', 'HeadMoved', 'RewardCredited', 'TaskCompleted']))
      const sdk = createClient({ api: indexer.url })
      await indexer.waitForBlock(await publicClient.getBlockNumber(), 45_000)
      expect(await chainEventsOfTask(sdk, run.taskId)).toEqual(onChain)
      expect(await get('/events?task=one')).toEqual({ status: 400, body: { error: 'task must be a non-negative integer, got "one"' } })
    })

    it('gives the task page what it reads from the chain: the same detail from either source', async () => {
      const ctx = local().ctxOf(1)
      const sdk = createClient({ api: indexer.url })
      const before = (await ctx.publicClient.getBlock()).timestamp
      const fromChain = await loadTaskDetail(ctx, { taskLog: (taskId) => createTaskEventLog(ctx, taskId) }, run.taskId)
      if (typeof fromChain === 'string') throw new Error(`task ${run.taskId} read as ${fromChain}`)
      expect(fromChain).toMatchObject({ versions: [{ versionId: run.versionId }], providers: [run.provider] })
      // deadlines are judged by the chain's clock: the latest block's, not the reader's
      expect(fromChain.chainTime >= before && fromChain.chainTime <= (await ctx.publicClient.getBlock()).timestamp).toBe(true)
      await expect.poll(async () => await loadTaskDetail(ctx, { api: sdk }, run.taskId), { timeout: 15_000 }).toEqual({ ...fromChain, chainTime: expect.any(BigInt) })
      expect(await loadTaskDetail(ctx, { api: sdk }, 999n)).toBe('missing')
    })

    it('gives the model and version pages what they read from the chain: the same from either source', async () => {
      const ctx = local().ctxOf(1)
      const sdk = createClient({ api: indexer.url })
      const taskLog = (taskId: bigint): ProtocolEventLog => createTaskEventLog(ctx, taskId)
      const trainedId = BigInt((await readTask(ctx, { taskId: run.taskId })).modelId)
      const trained = await loadLineage(ctx, { taskLog }, trainedId)
      expect(trained).toMatchObject({
        model: { modelId: trainedId, head: run.versionId },
        versions: [{ versionId: run.initialVersionId }, { versionId: run.versionId }],
        forks: [{ modelId: market.forkId, from: run.versionId }]
      })
      // a fork draws the version it started from, another model's
      expect(await loadLineage(ctx, { taskLog }, market.forkId)).toMatchObject({ versions: [{ versionId: run.versionId, modelId: trainedId }], forks: [] })
      for (const modelId of [trainedId, market.forkId]) {
        const fromChain = await loadLineage(ctx, { taskLog }, modelId)
        await expect.poll(async () => await loadLineage(ctx, { api: sdk }, modelId), { timeout: 15_000 }).toEqual(fromChain)
      }
      const proposed = await loadVersionView(ctx, { taskLog }, run.versionId)
      expect(proposed).toMatchObject({ version: { taskId: run.taskId, status: 'Final' }, signatures: { proposal: { signer: run.provider, taskId: run.taskId }, confirmations: [] } })
      expect(proposed).toHaveProperty('signatures.finalizedIn', expect.stringMatching(/^0x/))
      expect(await loadVersionView(ctx, { taskLog }, run.initialVersionId)).toMatchObject({ version: { taskId: 0n, parent: 0n }, signatures: { proposal: undefined } })
      for (const versionId of [run.initialVersionId, run.versionId]) {
        const fromChain = await loadVersionView(ctx, { taskLog }, versionId)
        await expect.poll(async () => await loadVersionView(ctx, { api: sdk }, versionId), { timeout: 15_000 }).toEqual(fromChain)
      }
      for (const source of [{ taskLog }, { api: sdk }]) {
        expect(await loadLineage(ctx, source, 999n)).toBe('missing')
        expect(await loadVersionView(ctx, source, 999n)).toBe('missing')
      }
      expect(await get('/models/999')).toEqual({ status: 404, body: { error: 'model 999 is not indexed (yet)' } })
    })

    it('is what the SDK reads: typed tasks and versions, and the API\'s refusals as ApiError', async () => {
      const sdk = createClient({ api: indexer.url })
      const { task, rounds } = await sdk.task(run.taskId)
      expect(task).toMatchObject({ id: String(run.taskId), status: 'Completed' })
      expect(rounds).toHaveLength(1)
      const versions = await sdk.versions({ task: run.taskId, limit: 1 })
      expect(versions.items.map((v) => v.id)).toEqual([String(run.initialVersionId)])
      expect((await sdk.versions({ task: run.taskId, cursor: versions.nextCursor ?? undefined })).items.map((v) => v.id)).toEqual([String(run.versionId)])
      expect((await sdk.tasks()).items.map((t) => t.id)).toContain(String(run.taskId))
      await expect(sdk.task(999n)).rejects.toThrow(ApiError)
      const { ctxOf } = local()
      const [{ rewardPerResult }, stake] = await Promise.all([readTask(ctxOf(1), { taskId: run.taskId }), readStake(ctxOf(1), { account: run.provider })])
      expect(await sdk.provider(run.provider)).toMatchObject({
        address: run.provider.toLowerCase(), tasksJoined: 1, acceptedCount: 1, rewardsEarned: String(rewardPerResult), claimed: String(run.claimed), slashed: '0',
        stake: String(stake.staked), lockedStake: String(stake.locked), unstaking: String(stake.unbonding)
      })
      await expect(sdk.provider(`0x${'12'.repeat(20)}`)).rejects.toMatchObject({ status: 404 })
      await expect(sdk.provider('0x12')).rejects.toMatchObject({ status: 400, message: expect.stringContaining('address must be a 0x-prefixed 20-byte address') })
      await expect(sdk.tasks({ limit: 1000 })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('limit must be an integer from 1 to 200') })
    })
  })
}

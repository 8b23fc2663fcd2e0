/**
 * The indexer against the real parts: anvil with the deployed contracts, Ponder on PGlite in a temp
 * folder, and a placeholder task run to completion through the chain actions. What the REST
 * routes and GraphQL answer is checked against what the chain itself says.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readTask, readVersion } from '../src/chain/actions/index.ts'
import { LOCAL_CHAIN_ID } from '../src/core/networkConfig.ts'
import { ApiError, createClient } from '../src/sdk/index.ts'
import { startIndexer, type Indexer } from './indexer.ts'
import { freePort } from './ports.ts'
import { useLocalChain } from './testing/useLocalChain.ts'
import { runPlaceholderTask, type PlaceholderRun } from './testing/placeholderRound.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const local = useLocalChain()
let indexer: Indexer | undefined
let dir: string | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlb-indexer-'))
  const { rpcUrl, contracts } = local()
  indexer = await startIndexer({ root, host: '127.0.0.1', port: await freePort(), rpcUrl, chainId: LOCAL_CHAIN_ID, contracts, pgliteDir: join(dir, 'pglite'), pollingIntervalMs: 100 })
}, 60_000)

afterAll(async () => {
  await indexer?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

async function get (path: string): Promise<{ status: number, body: any }> {
  const response = await fetch(`${indexer!.url}${path}`)
  return { status: response.status, body: await response.json() }
}

async function graphql (query: string): Promise<any> {
  const response = await fetch(indexer!.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
  const body = await response.json() as { data?: unknown, errors?: unknown }
  expect(body.errors).toBeUndefined()
  return body.data
}

describe('indexer', () => {
  let run: PlaceholderRun

  it('indexes a task run to completion: REST and GraphQL agree with the chain', async () => {
    const { ctxOf, publicClient } = local()
    const creator = ctxOf(1)
    run = await runPlaceholderTask(local(), creator, ctxOf(2))
    await indexer!.waitForBlock(await publicClient.getBlockNumber())

    const onChain = await readTask(creator, { taskId: run.taskId })
    const { status, body } = await get(`/tasks/${run.taskId}`)
    const { task, rounds, providers } = body
    expect(status).toBe(200)
    expect(task).toMatchObject({
      id: String(run.taskId),
      creator: creator.walletClient.account.address.toLowerCase(),
      status: onChain.status,
      rounds: onChain.rounds,
      shards: onChain.shards,
      rewardPerResult: String(onChain.rewardPerResult),
      providerCount: onChain.providerCount,
      initialVersionId: String(run.initialVersionId)
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
    expect(first.body).toMatchObject({ items: [{ id: String(run.taskId) }], nextCursor: null })
    expect(await get('/tasks?cursor=' + String(run.taskId))).toMatchObject({ status: 200, body: { items: [], nextCursor: null } })
    expect(await get('/tasks?limit=1000')).toEqual({ status: 400, body: { error: 'limit must be an integer from 1 to 200, got "1000"' } })
    expect(await get('/versions?task=abc')).toEqual({ status: 400, body: { error: 'task must be a non-negative integer, got "abc"' } })
    expect(await get('/versions?taks=1')).toEqual({ status: 400, body: { error: 'unknown query parameter "taks"; this route takes task, limit, cursor' } })
    expect((await get('/tasks/999')).status).toBe(404)
  })

  it('describes its REST routes in an OpenAPI document whose schemas the answers follow', async () => {
    const { status, body } = await get('/openapi.json') as { status: number, body: { openapi: string, paths: Record<string, unknown>, components: { schemas: Record<string, { required?: string[] }> } } }
    expect(status).toBe(200)
    expect(body.openapi).toBe('3.1.0')
    expect(Object.keys(body.paths).sort()).toEqual(['/events', '/events/stream', '/tasks', '/tasks/{id}', '/versions'])
    // Every field the document requires of a task is in the task the API serves.
    const served = (await get(`/tasks/${run.taskId}`)).body as { task: Record<string, unknown> }
    expect(body.components.schemas.Task?.required?.length).toBeGreaterThan(10)
    for (const field of body.components.schemas.Task?.required ?? []) expect(served.task).toHaveProperty(field)
  })

  it('is what the SDK reads: typed tasks and versions, and the API\'s refusals as ApiError', async () => {
    const sdk = createClient({ api: indexer!.url })
    const { task, rounds } = await sdk.task(run.taskId)
    expect(task).toMatchObject({ id: String(run.taskId), status: 'Completed' })
    expect(rounds).toHaveLength(1)
    const versions = await sdk.versions({ task: run.taskId, limit: 1 })
    expect(versions.items.map((v) => v.id)).toEqual([String(run.initialVersionId)])
    expect((await sdk.versions({ task: run.taskId, cursor: versions.nextCursor ?? undefined })).items.map((v) => v.id)).toEqual([String(run.versionId)])
    expect((await sdk.tasks()).items.map((t) => t.id)).toContain(String(run.taskId))
    await expect(sdk.task(999n)).rejects.toThrow(ApiError)
    await expect(sdk.tasks({ limit: 1000 })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('limit must be an integer from 1 to 200') })
  })
})

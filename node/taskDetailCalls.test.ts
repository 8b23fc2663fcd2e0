/**
 * What a load of the task page costs the chain's RPC node, counted request by request on a real
 * chain: the page's round, shard, claimable and version reads are batched, so a task with three
 * rounds costs what a task with one does (before the batching, each round cost 4 reads, 2 per
 * shard, and 1 for its version, and each provider 1).
 */
import { createPublicClient, http } from 'viem'
import { describe, expect, it } from 'vitest'
import { loadTaskDetail } from '../src/app/taskDetail/loadTaskDetail.ts'
import { readRound, type ReadContext } from '../src/chain/actions/index.ts'
import { createTaskEventLog } from '../src/chain/eventLog.ts'
import { runPlaceholderTask } from './testing/placeholderRound.ts'
import { useLocalChain } from './testing/useLocalChain.ts'

const local = useLocalChain()

/** What the event log asks to catch up: the head block (and a block it scanned up to, to tell a reorganization), then the logs since. */
const LOG_CATCH_UP = new Set(['eth_getBlockByNumber', 'eth_getLogs'])

/** A read context whose every JSON-RPC request (its method) is recorded in `methods`. */
function countingContext (): { ctx: ReadContext, methods: string[] } {
  const { rpcUrl, contracts, publicClient } = local()
  const methods: string[] = []
  const transport = http(rpcUrl, {
    retryCount: 0,
    onFetchRequest: (_request, init) => { methods.push((JSON.parse(String(init.body)) as { method: string }).method) }
  })
  return { ctx: { publicClient: createPublicClient({ chain: publicClient.chain, transport }), contracts }, methods }
}

/**
 * The page's state reads of one load from the chain (its `eth_call`s), its event log already read
 * (the app keeps it between loads). The log's catch-up is left out: it reads the head block, and
 * scans logs only when a block was mined since, whatever the task.
 */
async function callsOfLoad (taskId: bigint): Promise<{ methods: string[], rounds: number }> {
  const { ctx, methods } = countingContext()
  const log = createTaskEventLog(ctx, taskId)
  await log.events()
  methods.length = 0
  const detail = await loadTaskDetail(ctx, { taskLog: () => log }, taskId)
  if (typeof detail === 'string') throw new Error(`task ${taskId} is ${detail}`)
  expect(methods).toContain('eth_getBlockByNumber')
  return { methods: methods.filter((method) => !LOG_CATCH_UP.has(method)), rounds: detail.rounds.length }
}

describe('the task page\'s chain reads', () => {
  it('cost a fixed number of RPC requests however many rounds the task has', async () => {
    const { ctxOf } = local()
    const one = await runPlaceholderTask(local(), ctxOf(1), ctxOf(2))
    const three = await runPlaceholderTask(local(), ctxOf(3), ctxOf(4), { rounds: 3 })
    const [small, large] = [await callsOfLoad(one.taskId), await callsOfLoad(three.taskId)]
    expect([small.rounds, large.rounds]).toEqual([1, 3])
    console.info(`task page load: ${small.methods.length} RPC requests for 1 round, ${large.methods.length} for 3 rounds (${large.methods.join(', ')})`)
    expect(large.methods.length).toBe(small.methods.length)
    // the batched rounds read what single reads do
    const { ctx } = countingContext()
    const batched = await loadTaskDetail(ctx, { taskLog: (taskId) => createTaskEventLog(ctx, taskId) }, three.taskId)
    if (typeof batched === 'string') throw new Error(`task ${three.taskId} is ${batched}`)
    expect(batched.rounds).toEqual(await Promise.all([0, 1, 2].map(async (round) => await readRound(ctxOf(1), { taskId: three.taskId, round }))))
  }, 120_000)
})

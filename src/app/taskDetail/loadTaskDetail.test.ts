import type { PublicClient } from 'viem'
import { describe, expect, it } from 'vitest'
import type { ReadContext } from '../../chain/actions/index.ts'
import type { ProtocolContracts } from '../../chain/contracts.ts'
import { createClient } from '../../sdk/index.ts'
import { loadTaskDetail } from './loadTaskDetail.ts'

/** A chain that has `tasks` tasks and answers nothing else. */
const chainWith = (tasks: bigint): ReadContext => {
  const readContract = async ({ functionName }: { functionName: string }): Promise<bigint> => {
    if (functionName === 'taskCount') return tasks
    throw new Error(`unexpected read ${functionName}`)
  }
  return { publicClient: { readContract } as unknown as PublicClient, contracts: {} as ProtocolContracts }
}

/** An API that has indexed no task yet. */
const emptyApi = createClient({
  api: 'http://127.0.0.1:1',
  fetch: async () => new Response(JSON.stringify({ error: 'task 3 is not indexed (yet)' }), { status: 404, headers: { 'content-type': 'application/json' } })
})

describe('loadTaskDetail through the API', () => {
  it('tells a task the API has yet to index from one the chain does not have', async () => {
    expect(await loadTaskDetail(chainWith(3n), { api: emptyApi }, 3n)).toBe('indexing')
    expect(await loadTaskDetail(chainWith(2n), { api: emptyApi }, 3n)).toBe('missing')
  })
})

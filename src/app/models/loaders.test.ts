import type { PublicClient } from 'viem'
import { describe, expect, it } from 'vitest'
import type { ReadContext } from '../../chain/actions/index.ts'
import type { ProtocolContracts } from '../../chain/contracts.ts'
import { createClient } from '../../sdk/index.ts'
import { loadLineage } from './loadLineage.ts'
import { loadVersionView } from './loadVersionView.ts'

/** A registry that has `count` models and `count` versions and answers nothing else. */
const registryWith = (count: bigint): ReadContext => {
  const readContract = async ({ functionName }: { functionName: string }): Promise<bigint> => {
    if (functionName === 'modelCount' || functionName === 'versionCount') return count
    throw new Error(`unexpected read ${functionName}`)
  }
  return { publicClient: { readContract } as unknown as PublicClient, contracts: {} as ProtocolContracts }
}

/** An API that has indexed nothing yet. */
const emptyApi = createClient({
  api: 'http://127.0.0.1:1',
  fetch: async () => new Response(JSON.stringify({ error: 'not indexed (yet)' }), { status: 404, headers: { 'content-type': 'application/json' } })
})

describe('the model and version pages through the API', () => {
  it('tell a model or version the API has yet to index from one the chain does not have', async () => {
    expect(await loadLineage(registryWith(3n), { api: emptyApi }, 3n)).toBe('indexing')
    expect(await loadLineage(registryWith(2n), { api: emptyApi }, 3n)).toBe('missing')
    expect(await loadVersionView(registryWith(3n), { api: emptyApi }, 3n)).toBe('indexing')
    expect(await loadVersionView(registryWith(2n), { api: emptyApi }, 3n)).toBe('missing')
    expect(await loadVersionView(registryWith(2n), { api: emptyApi }, 0n)).toBe('missing')
  })
})

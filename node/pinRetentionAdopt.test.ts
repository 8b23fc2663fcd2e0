/**
 * What a task adopts from task 0 leaves task 0 at once, so it stops counting against task 0's
 * budget (the pinner's test shows the budget freed by that release). A stub chain and a pin set
 * that tracks holders only: the real-chain retention tests live in pinRetention.test.ts.
 */
import type { CID } from 'multiformats/cid'
import { describe, expect, it, vi } from 'vitest'
import type { ReadContext } from '../src/chain/actions/index.ts'
import { cidToHex } from '../src/provider/artifacts.ts'
import { rawCid } from '../src/storage/cid.ts'
import { PRE_TASK_ID } from './pinAuthorization.ts'
import { startPinRetention } from './pinRetention.ts'

const model = await rawCid(new Uint8Array([3]))

vi.mock('../src/chain/actions/index.ts', async (original) => ({
  ...await original<typeof import('../src/chain/actions/index.ts')>(),
  readVersion: async () => ({ modelCid: cidToHex(model) })
}))

/** holders by CID, as the pin service keeps them in each pin's metadata */
function fakePinning (pinned: Record<string, string[]>): { holders: Map<string, Set<string>>, pinning: Parameters<typeof startPinRetention>[0]['pinning'] } {
  const holders = new Map(Object.entries(pinned).map(([cid, tasks]) => [cid, new Set(tasks)]))
  return {
    holders,
    pinning: {
      adopt: async (taskId: string, cids: readonly CID[]) => {
        for (const cid of cids) holders.get(cid.toString())?.add(taskId)
        return cids.length
      },
      release: async (taskId: string, opts: { pinnedBefore?: number, cids?: readonly CID[] } = {}) => {
        // pins made before the grace are none here: only a release by CID lets go of anything
        if (opts.cids === undefined) return 0
        let n = 0
        for (const cid of opts.cids) if (holders.get(cid.toString())?.delete(taskId) === true) n++
        return n
      },
      pinnedTasks: async () => []
    }
  }
}

describe('pin retention adopting pre-task pins', () => {
  it('attack (pre-task budget held by adopted pins): a created task takes over its spec, data set and model from task 0, and task 0 keeps only what no task named', async () => {
    const [spec, dataset, orphan] = [await rawCid(new Uint8Array([1])), await rawCid(new Uint8Array([2])), await rawCid(new Uint8Array([4]))]
    const { holders, pinning } = fakePinning({ [spec.toString()]: ['0'], [dataset.toString()]: ['0'], [model.toString()]: ['0'], [orphan.toString()]: ['0'] })
    const chain = {
      contracts: { TaskManager: '0x0000000000000000000000000000000000000001' },
      publicClient: {
        getBlockNumber: async () => 10n,
        getContractEvents: async () => [{ args: { taskId: 7n, specCid: cidToHex(spec), datasetCid: cidToHex(dataset), initialVersionId: 1n } }]
      }
    } as unknown as ReadContext
    const retention = startPinRetention({ chain, pinning, pollMs: 3_600_000, logger: { info: () => {}, warn: () => {} } })
    try {
      await retention.check()
    } finally {
      retention.stop()
    }
    for (const cid of [spec, dataset, model]) expect([...holders.get(cid.toString()) ?? []]).toEqual(['7'])
    expect([...holders.get(orphan.toString()) ?? []]).toEqual([PRE_TASK_ID])
  })
})

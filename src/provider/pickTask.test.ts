import { describe, expect, it } from 'vitest'
import type { TaskQuery } from '../sdk/client.ts'
import type { Page, Task } from '../sdk/schemas.ts'
import { candidatesFromApi, pickTask, type TaskCandidate } from './pickTask.ts'

const task = (taskId: bigint, status: TaskCandidate['task']['status'], joinDeadline: bigint, joined = false, rewardPerResult = 10n ** 19n, trainMflop = 1000): TaskCandidate =>
  ({ task: { taskId, status, joinDeadline, rewardPerResult, trainMflop }, joined })

describe('pickTask', () => {
  it('keeps working on a task it joined before taking a new one', () => {
    expect(pickTask([task(1n, 'Running', 10n, true), task(2n, 'Joining', 500n)], 100n)).toBe(1n)
    expect(pickTask([task(3n, 'Joining', 500n, true), task(1n, 'Running', 10n, true)], 100n)).toBe(1n)
  })

  it('joins the newest task whose joining window is still open', () => {
    expect(pickTask([task(1n, 'Joining', 500n), task(2n, 'Joining', 600n), task(3n, 'Joining', 50n)], 100n)).toBe(2n)
  })

  it('attack (spam task): a newer task paying 1 wei per result does not capture volunteers from a paying one', () => {
    expect(pickTask([task(1n, 'Joining', 500n, false, 10n ** 19n), task(2n, 'Joining', 500n, false, 1n)], 100n)).toBe(1n)
    expect(pickTask([task(1n, 'Joining', 500n, false, 10n ** 18n), task(2n, 'Joining', 500n, false, 10n ** 19n)], 100n)).toBe(2n)
  })

  it('attack (spam task): a task paying more per result for a hundred times the compute does not outrank one that pays more per hour', () => {
    const heavy = task(1n, 'Joining', 500n, false, 10n ** 20n, 100_000)
    const light = task(2n, 'Joining', 500n, false, 10n ** 19n, 1000)
    expect(pickTask([heavy, light], 100n)).toBe(2n)
    expect(pickTask([light, heavy], 100n)).toBe(2n)
    // equal pay per hour: the newer task
    expect(pickTask([task(1n, 'Joining', 500n, false, 10n ** 19n, 1000), task(2n, 'Joining', 500n, false, 2n * 10n ** 19n, 2000)], 100n)).toBe(2n)
  })

  it('attack (spam task): a task whose spec did not load, or asks too much, is never picked again', () => {
    const candidates = [task(1n, 'Joining', 500n, false, 10n ** 18n), task(2n, 'Joining', 500n, false, 10n ** 20n)]
    expect(pickTask(candidates, 100n)).toBe(2n)
    expect(pickTask(candidates, 100n, new Set([2n]))).toBe(1n)
    expect(pickTask([task(2n, 'Running', 10n, true)], 100n, new Set([2n]))).toBeUndefined()
  })

  it('ignores finished, cancelled and closed tasks', () => {
    expect(pickTask([task(1n, 'Completed', 10n, true), task(2n, 'Cancelled', 500n), task(3n, 'Running', 10n)], 100n)).toBeUndefined()
  })
})

describe('candidatesFromApi', () => {
  const row = (id: number, status: Task['status']): Task => ({
    id: String(id), creator: `0x${'1'.repeat(40)}`, name: `t${id}`, description: '', modelId: '1', initialVersionId: '1', specCid: '0x01', datasetCid: '0x02', escrow: '0',
    status, rounds: 1, shards: 1, replication: 1, rewardPerResult: '5', joinDeadline: '500', trainMflop: 7,
    currentRound: null, providerCount: 0, refund: null, closeReason: null, dataSetId: null, createdBlock: '1', createdAt: '1', closedAt: null
  })

  it('asks for the live tasks this account joined and the joining ones, every page, and marks its own', async () => {
    const asked: TaskQuery[] = []
    const api = {
      tasks: async (query: TaskQuery = {}): Promise<Page<Task>> => {
        asked.push(query)
        if (query.provider !== undefined) return { items: [row(2, 'Running'), row(3, 'Joining')], nextCursor: null }
        return query.cursor === undefined ? { items: [row(3, 'Joining')], nextCursor: '3' } : { items: [row(4, 'Joining')], nextCursor: null }
      }
    }
    const candidates = await candidatesFromApi(api, '0xabc')()
    expect(asked).toEqual([
      { provider: '0xabc', status: ['Joining', 'Running'], limit: 200 },
      { status: 'Joining', limit: 200 },
      { status: 'Joining', limit: 200, cursor: '3' }
    ])
    expect(candidates.map((c) => [c.task.taskId, c.task.status, c.joined]).sort()).toEqual([[2n, 'Running', true], [3n, 'Joining', true], [4n, 'Joining', false]])
    expect(candidates[0]!.task).toMatchObject({ joinDeadline: 500n, rewardPerResult: 5n, trainMflop: 7 })
    expect(pickTask(candidates, 100n)).toBe(2n)
  })
})

import { describe, expect, it } from 'vitest'
import { pickTask, type TaskCandidate } from './pickTask.ts'

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

import { zeroHash } from 'viem'
import { describe, expect, it } from 'vitest'
import type { VersionState } from '../../chain/actions/index.ts'
import { defineTask } from '../../core/taskDefinition.ts'
import { parseTaskSpec } from '../../core/taskSpec.ts'
import type { WeightSet } from '../../core/tensors.ts'
import { decodeVersion, versionCommitHash } from '../../core/version/blob.ts'
import { computeMerge, MERGE_STEPS, type MergeEffects, type MergeStep } from './computeMerge.ts'

const taskOf = (hidden: number[]) => defineTask(parseTaskSpec({ model: { template: 'mlp', inputShape: [4], classes: 2, hidden }, dataset: { name: 'mnist' }, seed: 's' }))
const filled = (task: ReturnType<typeof taskOf>, value: number): WeightSet =>
  task.layout.map(({ name, shape }) => ({ name, shape, values: new Float32Array(shape.reduce((n, d) => n * d, 1)).fill(value) }))
const version = (versionId: bigint): VersionState => ({ versionId }) as VersionState

/** Effects that record what they were given: the merge's own logic is under test, not the node or the worker. */
function effects (tasks: Record<string, ReturnType<typeof taskOf>>, values: Record<string, number>) {
  const calls: { scored?: WeightSet, pinned?: Uint8Array } = {}
  const fx: MergeEffects = {
    load: async (v) => ({ task: tasks[v.versionId.toString()]!, weights: filled(tasks[v.versionId.toString()]!, values[v.versionId.toString()]!) }),
    score: async (_task, weights) => { calls.scored = weights; return { accuracy: 0.4321, loss: 1.25 } },
    pin: async (bytes) => { calls.pinned = bytes; return '0x0155' }
  }
  return { fx, calls }
}

describe('computeMerge', () => {
  it('averages, scores the average, pins its blob and returns the VersionData to register, step by step', async () => {
    const task = taskOf([3])
    const { fx, calls } = effects({ 5: task, 2: task }, { 5: 1, 2: 3 })
    const steps: MergeStep[] = []
    const merged = await computeMerge(fx, { head: version(5n), other: version(2n), headWeight: 0.25 }, (s) => steps.push(s))
    expect(steps).toEqual(MERGE_STEPS.slice(0, 4))
    expect(calls.scored?.every((t) => t.values.every((x) => x === 2.5))).toBe(true)
    expect(decodeVersion(calls.pinned!).weights).toEqual(calls.scored)
    expect(merged).toEqual({
      data: { modelCid: '0x0155', commitHash: await versionCommitHash(calls.pinned!), deltaRoot: zeroHash, dataHash: zeroHash, accuracyBps: 4321, loss: 1_250_000n },
      scores: { accuracy: 0.4321, loss: 1.25 }
    })
  })

  it('refuses versions whose specs build other weights before averaging or pinning anything', async () => {
    const { fx, calls } = effects({ 5: taskOf([3]), 2: taskOf([4]) }, { 5: 1, 2: 3 })
    const steps: MergeStep[] = []
    await expect(computeMerge(fx, { head: version(5n), other: version(2n), headWeight: 0.5 }, (s) => steps.push(s)))
      .rejects.toThrow('version 2 cannot be merged into version 5: its weights differ from the head\'s: wrong shape for tensor "hidden1/kernel": expected [4, 3], got [4, 4]')
    expect(steps).toEqual(['fetching'])
    expect(calls).toEqual({})
  })
})

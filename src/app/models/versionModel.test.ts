import { keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { checkCommitHash, CommitHashMismatchError, NoTaskError, taskIdOf, type TaskLookup } from './versionModel.ts'

const version = (versionId: number, modelId: number, parent: number, taskId = 0) =>
  ({ versionId: BigInt(versionId), modelId: BigInt(modelId), parent: BigInt(parent), taskId: BigInt(taskId) })

describe('checkCommitHash', () => {
  const bytes = new Uint8Array([1, 2, 3])
  it('accepts the committed blob, in either hex case', async () => {
    await expect(checkCommitHash(1n, bytes, keccak256(bytes).toUpperCase().replace('0X', '0x') as `0x${string}`)).resolves.toBeUndefined()
  })
  it('refuses any other blob and names both hashes', async () => {
    await expect(checkCommitHash(4n, new Uint8Array([1, 2]), keccak256(bytes))).rejects.toThrow(CommitHashMismatchError)
    await expect(checkCommitHash(4n, new Uint8Array([1, 2]), keccak256(bytes))).rejects.toThrow(/version 4 hashes to 0x[0-9a-f]{64}, not the commit hash/)
  })
})

describe('taskIdOf', () => {
  // Model 1 (task 5): genesis 1, round version 2. Model 2 forked at 2 and merged into 3.
  const versions = new Map([[1n, version(1, 1, 0)], [2n, version(2, 1, 1, 5)], [3n, version(3, 2, 2)], [4n, version(4, 3, 0)]])
  const lookup: TaskLookup = {
    readVersion: async (id) => versions.get(id) as ReturnType<typeof version>,
    readModelTask: async (modelId) => (modelId === 1n ? 5n : 0n)
  }
  it('takes the task a round version records, else its model\'s, else its parent\'s', async () => {
    expect(await taskIdOf(version(2, 1, 1, 5), lookup)).toBe(5n)
    expect(await taskIdOf(version(1, 1, 0), lookup)).toBe(5n)
    expect(await taskIdOf(version(3, 2, 2), lookup)).toBe(5n)
  })
  it('fails for a lineage no task trained', async () => {
    await expect(taskIdOf(version(4, 3, 0), lookup)).rejects.toThrow(NoTaskError)
  })
})

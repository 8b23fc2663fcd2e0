import { keccak256, toHex, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalChain, type LocalChain } from '../../../node/testing/localChain.ts'
import { ModelRegistryAbi } from '../generated/abis.ts'
import {
  ContractRejectedError, forkVersion, listModels, listModelVersions, mergeVersions, readIsGovernor, readModel,
  readTask, readVersion, readVersions, readVersionSignatures, rollbackModel, storedData, type WriteContext
} from './index.ts'
import { versionContentHash } from '../../core/version/contentHash.ts'
import { createPlainTask } from '../../../node/testing/placeholderTask.ts'

let local: LocalChain
beforeAll(async () => { local = await startLocalChain() }, 120_000)
afterAll(async () => { await local?.stop() })

const data = (tag: string): { modelCid: Hex, commitHash: Hex, deltaRoot: Hex, dataHash: Hex, accuracyBps: number, loss: bigint } =>
  ({ modelCid: toHex(`cid ${tag}`), commitHash: keccak256(toHex(tag)), deltaRoot: keccak256(toHex(`${tag} deltas`)), dataHash: keccak256(toHex(`${tag} data`)), accuracyBps: 9000, loss: 250_000n })

/** `createModel` has no app action (models come with tasks); the test registers genesis versions directly. */
async function createModel (ctx: WriteContext, tag: string): Promise<void> {
  const hash = await ctx.walletClient.writeContract({ address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'createModel', args: [data(tag)], chain: ctx.walletClient.chain ?? null })
  await ctx.publicClient.waitForTransactionReceipt({ hash })
}

describe('model lineage actions', () => {
  it('lists, forks, merges and rolls back models as the registry allows', async () => {
    const owner = local.ctxOf(1)
    const other = local.ctxOf(2)
    await createModel(owner, 'a') // model 1, version 1
    await createModel(other, 'b') // model 2, version 2

    const forked = await forkVersion(other, { versionId: 1n }) // model 3, head 1
    expect(forked.modelId).toBe(3n)
    const merged = await mergeVersions(owner, { modelId: 1n, otherVersionId: 2n, data: data('a+b') })
    expect(merged.versionId).toBe(3n)
    expect(await readVersion(owner, { versionId: 3n })).toMatchObject({ modelId: 1n, parent: 1n, mergeParent: 2n, status: 'Final', accuracyBps: 9000 })

    const models = await listModels(owner)
    expect(models.map((m) => [m.modelId, m.head, m.origin])).toEqual([[1n, 3n, 1n], [2n, 2n, 2n], [3n, 1n, 1n]])
    expect(await listModelVersions(owner, { modelId: 1n })).toEqual([1n, 3n])
    expect(await listModelVersions(owner, { modelId: 3n })).toEqual([])

    await expect(rollbackModel(other, { modelId: 1n, path: [2n] })).rejects.toMatchObject({ errorName: 'NotModelOwner' })
    await expect(rollbackModel(owner, { modelId: 1n, path: [1n, 2n] })).rejects.toBeInstanceOf(ContractRejectedError)
    const moved = await rollbackModel(owner, { modelId: 1n, path: [2n] })
    expect([moved.from, moved.to]).toEqual([3n, 2n])
    expect((await readModel(owner, { modelId: 1n })).head).toBe(2n)
    await expect(mergeVersions(other, { modelId: 1n, otherVersionId: 2n, data: data('x') })).rejects.toMatchObject({ errorName: 'NotModelOwner' })
    await expect(readModel(owner, { modelId: 9n })).rejects.toThrow('model 9 does not exist')
  })

  it('reads governance and the (absent) signatures of versions no aggregator proposed', async () => {
    // The deployer keeps nothing: governance is the timelock.
    expect(await readIsGovernor(local.ctxOf(0), { account: local.ctxOf(0).walletClient.account.address })).toBe(false)
    expect(await readIsGovernor(local.ctxOf(0), { account: local.ctxOf(3).walletClient.account.address })).toBe(false)
    expect(await readIsGovernor(local.ctxOf(0), { account: local.governance })).toBe(true)
    expect(await readVersionSignatures(local.ctxOf(0), { versionId: 1n })).toEqual({ proposal: undefined, confirmations: [] })
  })

  it('reads contents from the events, one query for many, each matching the hash the registry stored', async () => {
    const ctx = local.ctxOf(0)
    const many = await readVersions(ctx, { versionIds: [3n, 1n, 2n] })
    expect(many).toEqual([await readVersion(ctx, { versionId: 3n }), await readVersion(ctx, { versionId: 1n }), await readVersion(ctx, { versionId: 2n })])
    expect(many[1]).toMatchObject(data('a'))
    for (const version of many) {
      expect(await ctx.publicClient.readContract({ address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'contentHashOf', args: [storedData(version)] })).toBe(versionContentHash(storedData(version)))
    }
  })

  it('creates a task continuing a final version with its content, and refuses a forged one', async () => {
    const creator = local.ctxOf(4)
    const parent = await readVersion(creator, { versionId: 1n })
    const continued = { parentVersion: 1n, initialModelCid: parent.modelCid, initialCommitHash: parent.commitHash }
    await expect(createPlainTask(creator, { ...continued, parentData: { ...storedData(parent), accuracyBps: 10_000 } }))
      .rejects.toMatchObject({ errorName: 'VersionDataMismatch' })
    const taskId = await createPlainTask(creator, { ...continued, parentData: storedData(parent) })
    const { modelId } = await readTask(creator, { taskId })
    const genesis = await readVersion(creator, { versionId: (await readModel(creator, { modelId })).head })
    expect(genesis).toMatchObject({ parent: 1n, modelCid: parent.modelCid, commitHash: parent.commitHash, status: 'Final' })
  })
})

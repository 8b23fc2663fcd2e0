import { keccak256, toHex, zeroHash } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalChain, type LocalChain } from '../../../node/testing/localChain.ts'
import { createPlainTask, placeholderCid, placeholderTaskParams } from '../../../node/testing/placeholderTask.ts'
import {
  citeDataSet, ContractRejectedError, ensureDataSet, readDataSet, readDataSetByContentHash, readModel, readTask, readTaskDataSet, registerDataSet,
  transferDataSet, updateDataSet
} from './index.ts'

let local: LocalChain
beforeAll(async () => { local = await startLocalChain() }, 120_000)
afterAll(async () => { await local?.stop() })

/** The data hash a placeholder task records: its data set's content hash. */
const taskData = placeholderTaskParams().initialDataHash

describe('data registry actions', () => {
  it('registers a data set, reads it back by id and by content hash, and refuses a second registration of the same data', async () => {
    const owner = local.ctxOf(1)
    const copier = local.ctxOf(2)
    const { dataSetId } = await registerDataSet(owner, {
      manifestCid: placeholderCid('dataset'), contentHash: taskData, name: 'MNIST', license: 'CC-BY-SA-3.0', description: 'handwritten digits'
    })
    expect(dataSetId).toBe(1n)
    const stored = await readDataSet(owner, { dataSetId })
    expect(stored).toMatchObject({
      dataSetId: 1n, owner: owner.walletClient.account.address, contentHash: taskData, manifestCid: placeholderCid('dataset'),
      name: 'MNIST', license: 'CC-BY-SA-3.0', description: 'handwritten digits'
    })
    expect(stored.registeredAt).toBeGreaterThan(0n)
    expect(await readDataSetByContentHash(copier, { contentHash: taskData })).toEqual(stored)
    expect(await readDataSetByContentHash(copier, { contentHash: keccak256(toHex('nothing')) })).toBeNull()
    await expect(readDataSet(owner, { dataSetId: 9n })).rejects.toThrow('data set 9 does not exist')

    // Someone else, another CID, other terms: the content is registered, so provenance stays with the first.
    const duplicate = registerDataSet(copier, { manifestCid: placeholderCid('copy'), contentHash: taskData, name: 'copy', license: 'MIT' })
    await expect(duplicate).rejects.toBeInstanceOf(ContractRejectedError)
    await expect(duplicate).rejects.toMatchObject({ errorName: 'AlreadyRegistered', args: [1n] })
    await expect(duplicate).rejects.toThrow('This data is registered already, as data set 1; cite that one instead.')

    await expect(registerDataSet(owner, { manifestCid: placeholderCid('x'), contentHash: zeroHash, name: 'x' }))
      .rejects.toMatchObject({ errorName: 'ZeroContentHash' })
    await expect(registerDataSet(owner, { manifestCid: placeholderCid('x'), contentHash: keccak256(toHex('x')), name: 'x'.repeat(129) }))
      .rejects.toThrow("The data set's name is 129 bytes long; at most 128 are allowed.")
  })

  it('ensures a data set: the existing registration (nothing sent), or a new one', async () => {
    const creator = local.ctxOf(7)
    expect(await ensureDataSet(creator, { manifestCid: placeholderCid('again'), contentHash: taskData, name: 'again' })).toEqual({ dataSetId: 1n, receipt: null })
    const contentHash = keccak256(toHex('fresh'))
    const fresh = await ensureDataSet(creator, { manifestCid: placeholderCid('fresh'), contentHash, name: 'fresh', license: 'CC0-1.0' })
    expect(fresh.receipt?.status).toBe('success')
    expect(await readDataSet(creator, { dataSetId: fresh.dataSetId })).toMatchObject({ owner: creator.walletClient.account.address, contentHash, license: 'CC0-1.0' })
  })

  it('lets the owner change the terms and hand the data set over, never anyone else', async () => {
    const owner = local.ctxOf(3)
    const heir = local.ctxOf(4)
    const contentHash = keccak256(toHex('terms'))
    const { dataSetId } = await registerDataSet(owner, { manifestCid: placeholderCid('terms'), contentHash, name: 'terms' })
    await expect(updateDataSet(heir, { dataSetId, license: 'MIT', description: '' })).rejects.toMatchObject({ errorName: 'NotDataSetOwner' })
    await updateDataSet(owner, { dataSetId, license: 'MIT', description: 'relabelled' })
    await transferDataSet(owner, { dataSetId, newOwner: heir.walletClient.account.address })
    expect(await readDataSet(owner, { dataSetId })).toMatchObject({ owner: heir.walletClient.account.address, license: 'MIT', description: 'relabelled', contentHash })
  })

  it('cites the data set a task trains on, refusing data that is not the task\'s', async () => {
    const creator = local.ctxOf(5)
    const taskId = await createPlainTask(creator)
    const registered = await readDataSetByContentHash(creator, { contentHash: taskData })
    if (registered === null) throw new Error('the first test registers the task data')
    const other = await registerDataSet(creator, { manifestCid: placeholderCid('other'), contentHash: keccak256(toHex('other')), name: 'other' })

    await expect(citeDataSet(local.ctxOf(6), { taskId, dataSetId: registered.dataSetId })).rejects.toMatchObject({ errorName: 'NotTaskCreator' })
    await expect(citeDataSet(creator, { taskId, dataSetId: other.dataSetId })).rejects.toMatchObject({ errorName: 'DataHashMismatch' })
    expect(await citeDataSet(creator, { taskId, dataSetId: registered.dataSetId })).toMatchObject({ dataHashChecked: true })
    expect(await readTaskDataSet(creator, { taskId })).toBe(registered.dataSetId)
    await expect(citeDataSet(creator, { taskId, dataSetId: registered.dataSetId })).rejects.toMatchObject({ errorName: 'AlreadyCited' })

    // The task's genesis version cites it with its task.
    const task = await readTask(creator, { taskId })
    const { head: genesis } = await readModel(creator, { modelId: BigInt(task.modelId) })
    expect(await readTaskDataSet(creator, { versionId: genesis })).toBe(registered.dataSetId)
  })
})

import { describe, expect, it } from 'vitest'
import { createPublicClient, custom, encodeAbiParameters, encodeEventTopics, encodeFunctionResult, keccak256, toHex, zeroAddress, zeroHash, type Address, type Hex } from 'viem'
import { versionContentHash } from '../../core/version/contentHash.ts'
import type { VersionData } from '../../core/version/signature.ts'
import { PROTOCOL_CONTRACT_NAMES, type ProtocolContracts } from '../contracts.ts'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { ChainActionError, VersionContentMismatchError } from './errors.ts'
import { readVersion } from './readVersion.ts'
import type { ReadContext } from './types.ts'

const REGISTRY: Address = '0x00000000000000000000000000000000000000aa'
const contracts = Object.fromEntries(PROTOCOL_CONTRACT_NAMES.map((name) => [name, REGISTRY])) as ProtocolContracts

const content: VersionData = {
  modelCid: `0x01551220${keccak256(toHex('weights')).slice(2)}`,
  commitHash: keccak256(toHex('weights')),
  deltaRoot: keccak256(toHex('deltas')),
  dataHash: keccak256(toHex('data')),
  accuracyBps: 9120,
  loss: 310_000n
}

const REGISTERED = ModelRegistryAbi.find((item) => item.type === 'event' && item.name === 'VersionRegistered')!

/** A `VersionRegistered` log of version 7 (model 1, parent 3) claiming `data`. */
function registeredLog (data: VersionData, logIndex: number): Record<string, unknown> {
  const nonIndexed = REGISTERED.inputs.filter((input) => !input.indexed)
  return {
    address: REGISTRY,
    topics: encodeEventTopics({ abi: ModelRegistryAbi, eventName: 'VersionRegistered', args: { versionId: 7n, modelId: 1n } }),
    data: encodeAbiParameters(nonIndexed, [3n, 0n, 1, data.modelCid, data.commitHash, data.deltaRoot, data.dataHash, data.accuracyBps, data.loss]),
    blockNumber: '0x5',
    blockHash: keccak256(toHex('block 5')),
    transactionHash: keccak256(toHex(`tx ${logIndex}`)),
    transactionIndex: '0x0',
    logIndex: toHex(logIndex),
    removed: false
  }
}

/**
 * A node that stores version 7 with the hash of `content` (what the registry computed when it was
 * registered) and answers log queries with `logs`: whatever an RPC, honest or not, returns.
 */
const logQueries: Array<{ fromBlock: string }> = []

function node (logs: Array<Record<string, unknown>>): ReadContext {
  const stored = encodeFunctionResult({
    abi: ModelRegistryAbi,
    functionName: 'getVersion',
    result: {
      modelId: 1n, parent: 3n, mergeParent: 0n, proposedAt: 1_700_000_000n, aggregator: zeroAddress, signers: 0, requiredSigners: 0,
      status: 2, taskId: 0n, round: 0n, challengeDeadline: 0n, contentHash: versionContentHash(content)
    }
  })
  const request = async ({ method, params }: { method: string, params?: unknown }): Promise<unknown> => {
    if (method === 'eth_chainId') return '0x7a69'
    if (method === 'eth_call') return stored
    if (method === 'eth_getLogs') {
      logQueries.push((params as Array<{ fromBlock: string }>)[0]!)
      return logs
    }
    throw new Error(`unexpected ${method}`)
  }
  return { publicClient: createPublicClient({ transport: custom({ request }) }), contracts }
}

describe('readVersion', () => {
  it('returns the stored state with the content of the event that hashes to the stored hash', async () => {
    const version = await readVersion(node([registeredLog(content, 0)]), { versionId: 7n })
    expect(version).toMatchObject({ versionId: 7n, modelId: 1n, parent: 3n, status: 'Final', ...content, contentHash: versionContentHash(content) })
  })

  it('attack (a lying RPC): refuses an event whose content is not the one the registry stored, naming the version', async () => {
    for (const forged of [{ ...content, accuracyBps: 9999 }, { ...content, modelCid: '0x0155' as Hex }, { ...content, dataHash: zeroHash }]) {
      const error = await readVersion(node([registeredLog(forged, 0)]), { versionId: 7n }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(VersionContentMismatchError)
      expect(error).toMatchObject({ versionId: 7n, stored: versionContentHash(content), read: versionContentHash(forged) })
      expect((error as Error).message).toContain('version 7')
    }
  })

  it('attack (an RPC adding a forged event): keeps only the event that hashes to the stored hash', async () => {
    const version = await readVersion(node([registeredLog({ ...content, loss: 1n }, 0), registeredLog(content, 1)]), { versionId: 7n })
    expect(version.loss).toBe(content.loss)
  })

  it('reads the logs from the deployment block when the context knows it, else from genesis', async () => {
    logQueries.length = 0
    await readVersion(node([registeredLog(content, 0)]), { versionId: 7n })
    await readVersion({ ...node([registeredLog(content, 0)]), deploymentBlock: 1234n }, { versionId: 7n })
    expect(logQueries.map((q) => q.fromBlock)).toEqual(['0x0', '0x4d2'])
  })

  it('fails naming the version when no event carries its content', async () => {
    const error = await readVersion(node([]), { versionId: 7n }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChainActionError)
    expect((error as Error).message).toMatch(/version 7 has no VersionRegistered event/)
  })
})

/**
 * Rewrites a contract's record behind its back, as a tampered chain (or a lying RPC) would present
 * it: for tests of what catches such a record (the auditor), on anvil only.
 */
import {
  createPublicClient, custom, decodeEventLog, encodeAbiParameters, hexToBigInt, http, keccak256, numberToHex, toEventSelector, type Hex, type Log, type PublicClient, type TestClient
} from 'viem'
import { ModelRegistryAbi } from '../../src/chain/generated/abis.ts'
import type { VersionData } from '../../src/core/version/signature.ts'

export interface StorageClients {
  publicClient: Pick<PublicClient, 'getStorageAt'>
  testClient: Pick<TestClient, 'setStorageAt'>
}

/**
 * Overwrites the storage word of `contract` that holds `value` inside a mapping entry keyed by
 * `key` (mappings in slots 0..63 of the contract, words 0..31 of the entry), and returns what
 * puts it back.
 */
export async function tamperWord (clients: StorageClients, contract: Hex, key: bigint, value: Hex, replacement: Hex): Promise<() => Promise<void>> {
  for (let slot = 0n; slot < 64n; slot++) {
    const base = hexToBigInt(keccak256(encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [key, slot])))
    for (let word = 0n; word < 32n; word++) {
      const at = numberToHex(base + word, { size: 32 })
      if ((await clients.publicClient.getStorageAt({ address: contract, slot: at })) === value) {
        await clients.testClient.setStorageAt({ address: contract, index: at, value: replacement })
        return async () => { await clients.testClient.setStorageAt({ address: contract, index: at, value }) }
      }
    }
  }
  throw new Error(`no storage word of ${contract} holds ${value}`)
}

/**
 * A public client on `rpcUrl` that lies consistently about version `versionId`: its
 * `VersionRegistered` log carries `forged` instead of the registered content (pair it with
 * `tamperWord` on the stored content hash, so the record and its event agree on the lie).
 */
export function lyingVersionClient (rpcUrl: string, versionId: bigint, forged: VersionData): PublicClient {
  const honest = http(rpcUrl, { retryCount: 0 })({})
  const registered = ModelRegistryAbi.find((item) => item.type === 'event' && item.name === 'VersionRegistered')!
  const topic = toEventSelector(registered)
  const rewrite = (log: Log): Log => {
    if (log.topics[0] !== topic || hexToBigInt(log.topics[1]!) !== versionId) return log
    const { args } = decodeEventLog({ abi: [registered], topics: log.topics, data: log.data })
    const nonIndexed = registered.inputs.filter((input) => !input.indexed)
    return { ...log, data: encodeAbiParameters(nonIndexed, [args.parent, args.mergeParent, args.status, forged.modelCid, forged.commitHash, forged.deltaRoot, forged.dataHash, forged.accuracyBps, forged.loss]) }
  }
  const transport = custom({
    request: async ({ method, params }: { method: string, params?: unknown }) => {
      const answer = await honest.request({ method, params } as never)
      return method === 'eth_getLogs' ? (answer as Log[]).map(rewrite) : answer
    }
  })
  return createPublicClient({ transport }) as PublicClient
}

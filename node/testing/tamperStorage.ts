/**
 * Rewrites a contract's record behind its back, as a tampered chain (or a lying RPC) would present
 * it: for tests of what catches such a record (the auditor), on anvil only.
 */
import { encodeAbiParameters, hexToBigInt, keccak256, numberToHex, type Hex, type PublicClient, type TestClient } from 'viem'

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

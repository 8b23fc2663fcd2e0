import { IDBBlockstore } from 'blockstore-idb'
import { IDBDatastore } from 'datastore-idb'
import type { HeliaInit } from 'helia'
import { exclusiveGate, type ExclusiveGate } from '../core/concurrency.ts'

export type Blockstore = NonNullable<HeliaInit['blockstore']>
export type Datastore = NonNullable<HeliaInit['datastore']>

/** Stores a caller opened itself (e.g. blockstore-fs for a headless provider); closed by the caller. */
export interface ProvidedStores {
  blockstore: Blockstore
  datastore: Datastore
}

export type StorageChoice = 'indexeddb' | 'memory' | ProvidedStores

export interface OpenedStores {
  /** undefined: let Helia create in-memory stores */
  blockstore?: Blockstore
  datastore?: Datastore
  /**
   * Puts hold its shared side, a sweep of unpinned blocks its exclusive side: across every tab
   * of the origin for IndexedDB (which they share), within the process otherwise.
   */
  gate: ExclusiveGate
  close: () => Promise<void>
}

/**
 * The datastore also holds the libp2p private key (Helia's keychain, key
 * `/pkcs8/self`), the peer store and the pin set, so persisting it is what
 * keeps a tab's peer ID across reloads. `dbName` separates peers that share an
 * origin (tests, several identities in one profile).
 */
export async function openStores (storage: StorageChoice, dbName = 'mlbridge'): Promise<OpenedStores> {
  if (storage === 'memory') {
    return { gate: exclusiveGate(), close: async () => {} }
  }
  if (storage === 'indexeddb') {
    const blockstore = new CompactIDBBlockstore(`${dbName}/blocks`)
    const datastore = new IDBDatastore(`${dbName}/data`)
    await blockstore.open()
    await datastore.open()
    return {
      blockstore,
      datastore,
      gate: originGate(`${dbName}/blocks`),
      close: async () => { await Promise.all([blockstore.close(), datastore.close()]) }
    }
  }
  return { blockstore: storage.blockstore, datastore: storage.datastore, gate: exclusiveGate(), close: async () => {} }
}

/**
 * An exclusive gate over the Web Locks API, which every tab of an origin shares: two tabs open
 * one IndexedDB, and one tab's sweep must not delete what the other wrote but has not pinned yet.
 * Web Locks grant requests in order, so shared requests after a waiting exclusive one wait too.
 * Where the API is missing (Node), a gate within the process.
 */
export function originGate (name: string): ExclusiveGate {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks
  if (locks === undefined) return exclusiveGate()
  return {
    shared: async (job, signal) => await locks.request(name, { mode: 'shared', signal }, job),
    exclusive: async (job) => await locks.request(name, { mode: 'exclusive' }, job)
  }
}

/**
 * IndexedDB stores a value by structured clone, and cloning a Uint8Array view clones its whole
 * underlying ArrayBuffer: a 1 MiB chunk cut from a 20 MB blob, or a block inside a bitswap
 * message, was written as the full buffer (20x the bytes, ~6 MB/s instead of ~90 MB/s here).
 * Views are copied to a buffer of their own first.
 */
class CompactIDBBlockstore extends IDBBlockstore {
  override async put (...[key, val, options]: Parameters<IDBBlockstore['put']>): ReturnType<IDBBlockstore['put']> {
    return await super.put(key, val instanceof Uint8Array ? compact(val) : val, options)
  }
}

function compact (bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}

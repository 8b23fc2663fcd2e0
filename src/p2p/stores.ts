import { IDBBlockstore } from 'blockstore-idb'
import { IDBDatastore } from 'datastore-idb'
import type { HeliaInit } from 'helia'

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
    return { close: async () => {} }
  }
  if (storage === 'indexeddb') {
    const blockstore = new IDBBlockstore(`${dbName}/blocks`)
    const datastore = new IDBDatastore(`${dbName}/data`)
    await blockstore.open()
    await datastore.open()
    return {
      blockstore,
      datastore,
      close: async () => { await Promise.all([blockstore.close(), datastore.close()]) }
    }
  }
  return { blockstore: storage.blockstore, datastore: storage.datastore, close: async () => {} }
}

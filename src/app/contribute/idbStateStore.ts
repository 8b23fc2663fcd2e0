import type { ProviderState, ProviderStateStore } from '../../provider/types.ts'

const STORE = 'provider-state'

function request<T> (req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => { resolve(req.result) }
    req.onerror = () => { reject(req.error ?? new Error('IndexedDB request failed')) }
  })
}

/**
 * The provider loop's state in IndexedDB: salts, CIDs and what was sent survive a reload, so a
 * reopened tab reveals what it committed instead of forfeiting the result.
 */
export function idbStateStore (dbName: string): ProviderStateStore {
  let db: Promise<IDBDatabase> | undefined
  const open = async (): Promise<IDBDatabase> => {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(dbName, 1)
      req.onupgradeneeded = () => { req.result.createObjectStore(STORE) }
      req.onsuccess = () => { resolve(req.result) }
      req.onerror = () => { reject(req.error ?? new Error(`cannot open IndexedDB ${dbName}`)) }
    })
    return await db
  }
  return {
    load: async (key) => {
      const tx = (await open()).transaction(STORE, 'readonly')
      const json = await request(tx.objectStore(STORE).get(key)) as string | undefined
      return json === undefined ? undefined : JSON.parse(json) as ProviderState
    },
    save: async (key, state) => {
      const tx = (await open()).transaction(STORE, 'readwrite')
      tx.objectStore(STORE).put(JSON.stringify(state), key)
      // Resolve only once the write is durable: the loop sends the transaction that depends on it next.
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => { resolve() }
        tx.onerror = () => { reject(tx.error ?? new Error('IndexedDB write failed')) }
        tx.onabort = () => { reject(tx.error ?? new Error('IndexedDB write aborted')) }
      })
    }
  }
}

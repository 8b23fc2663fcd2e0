import type { CID } from 'multiformats/cid'
import type { BlockAccess } from '../../src/storage/index.ts'
import type { GatewayBlockSource } from '../gateway.ts'

/** The blocks everyone in a test publishes to, as the pinner would hold them, and a gateway serves. */
export function blockMap (): BlockAccess & GatewayBlockSource {
  const map = new Map<string, Uint8Array>()
  return {
    has: (cid: CID) => map.has(cid.toString()),
    get: (cid: CID) => {
      const block = map.get(cid.toString())
      if (block === undefined) throw new Error(`block not found: ${cid.toString()}`)
      return [block]
    },
    put: (cid: CID, block: Uint8Array) => { map.set(cid.toString(), block.slice()) }
  }
}

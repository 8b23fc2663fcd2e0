/**
 * A real relay + pinner on a local chain, and client nodes whose pin requests are signed by
 * anvil's dev accounts: what the pinner's chain-backed tests share.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import type { PinKind } from '../../src/core/messages/schemas.ts'
import { devAccount } from '../../src/chain/devAccounts.ts'
import { authorizeSession } from '../../src/core/messages/index.ts'
import { LOCAL_CHAIN_ID } from '../../src/core/networkConfig.ts'
import { chainMembership } from '../../src/chain/taskMembership.ts'
import { createBrowserNode, type BrowserNode } from '../../src/p2p/createBrowserNode.ts'
import { requestPin, type PinReceipt } from '../../src/p2p/pinService.ts'
import { rawCid } from '../../src/storage/cid.ts'
import { startRelay, type Relay, type RelayOptions } from '../relay.ts'
import type { LocalChain } from './localChain.ts'

export interface PinnerFixture {
  relay: Relay
  node: BrowserNode
  /**
   * stores `bytes` as a delta (or `kind`: a blob of it, or for `evidence` one raw block as a
   * referee publishes) on the client node and asks the pinner to pin it, signed by dev account `account`
   */
  pinAs: (account: number, taskId: bigint | string, bytes: Uint8Array, kind?: PinKind) => Promise<{ cid: CID, receipt: PinReceipt }>
  stop: () => Promise<void>
}

export async function startPinnerFixture (chain: LocalChain, opts: Pick<RelayOptions, 'retention' | 'pinning' | 'log'> = {}): Promise<PinnerFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mlbridge-pinner-chain-'))
  const read = { publicClient: chain.publicClient, contracts: chain.contracts }
  const relay = await startRelay({ ...opts, port: 0, dataDir, chainId: LOCAL_CHAIN_ID, chain: read })
  const node = await createBrowserNode({ relayMultiaddrs: relay.multiaddrs, allowLoopback: true, storage: 'memory', webRTC: false, chainId: LOCAL_CHAIN_ID, membership: chainMembership(read) })
  const pinner = (): Multiaddr[] => relay.multiaddrs.map(m => multiaddr(m))
  return {
    relay,
    node,
    pinAs: async (account, taskId, bytes, kind = 'delta') => {
      const cid = kind === 'evidence' ? await rawCid(bytes) : await node.storage.blobs.put(bytes, { kind })
      if (kind === 'evidence') await node.helia.blockstore.put(cid, bytes)
      const { signer } = await authorizeSession({ wallet: devAccount(account), peerId: node.peerId, chainId: LOCAL_CHAIN_ID })
      return { cid, receipt: await requestPin(node.libp2p, pinner(), signer, { taskId: taskId.toString(), kind, cid }) }
    },
    stop: async () => {
      await node.stop()
      await relay.stop()
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5 })
    }
  }
}

import type { PeerId } from '@libp2p/interface'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { bitswapWantList, keepWantlistPeers, WantlistKeeperError, type WantListInternals } from './wantlistKeeper.ts'

// The failures the keeper repairs come from timing on a loaded machine (a 10-s send that times out,
// an identify that never finishes, a want the remote dropped); these tests set up the state each
// leaves behind in the wantlist, which is all the keeper reads. docs/architecture.md ("Seen at 16
// providers") has the simulator run where every provider was left in it.
/** The keeper only names peers (their string form) and hands them to the wantlist. */
const peer = (id: string): PeerId => ({ toString: () => id }) as unknown as PeerId
const RELAY = peer('12D3KooWRelay')
const GOSSIP_ONLY = peer('12D3KooWGossipOnly')

interface Fake {
  wantList: WantListInternals
  introduced: string[]
  recorded: Set<string>
  wants: Array<{ cancel: boolean }>
  /** peers' protocols as identify left them (absent: identify never finished) */
  protocols: Map<string, string[]>
  connections: Array<{ remotePeer: PeerId, limits?: object }>
  /** introductions fail (a send that times out) while set */
  failing: boolean
}

function fake (): Fake {
  const f: Fake = {
    introduced: [],
    recorded: new Set(),
    wants: [],
    protocols: new Map(),
    connections: [],
    failing: false,
    wantList: {
      peers: { has: (p) => f.recorded.has(p.toString()) },
      wants: { values: () => f.wants.values() },
      peerConnected: async (p) => {
        f.introduced.push(p.toString())
        if (f.failing) throw new Error('The operation was aborted due to timeout')
        f.recorded.add(p.toString())
      }
    }
  }
  return f
}

function libp2pOf (f: Fake): Parameters<typeof keepWantlistPeers>[0] {
  return {
    getConnections: () => f.connections,
    peerStore: {
      get: async (p: PeerId) => {
        const protocols = f.protocols.get(p.toString())
        if (protocols === undefined) throw new Error('not found')
        return { protocols }
      }
    }
  } as unknown as Parameters<typeof keepWantlistPeers>[0]
}

describe('wantlist keeper', () => {
  let stop: (() => void) | undefined
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => {
    stop?.()
    vi.useRealTimers()
  })

  it('introduces a connected peer whose first wantlist failed, again until one goes through', async () => {
    const f = fake()
    f.connections.push({ remotePeer: RELAY })
    f.protocols.set(RELAY.toString(), ['/ipfs/bitswap/1.2.0', '/meshsub/1.1.0'])
    f.failing = true
    stop = keepWantlistPeers(libp2pOf(f), f.wantList, { intervalMs: 1000 })
    await vi.advanceTimersByTimeAsync(1000)
    expect(f.introduced).toEqual([]) // one check: bitswap may still be introducing it itself
    await vi.advanceTimersByTimeAsync(1000)
    expect(f.introduced).toEqual([RELAY.toString()])
    await vi.advanceTimersByTimeAsync(2000)
    expect(f.introduced.length).toBeGreaterThanOrEqual(2)
    f.failing = false
    await vi.advanceTimersByTimeAsync(2000)
    expect(f.recorded.has(RELAY.toString())).toBe(true)
    const tries = f.introduced.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(f.introduced.length).toBe(tries) // recorded, and no want pending: left alone
  })

  it('introduces a peer identify never reported, and leaves alone one that does not speak bitswap or is limited', async () => {
    const f = fake()
    const limited = peer('12D3KooWLimited')
    f.connections.push({ remotePeer: RELAY }, { remotePeer: GOSSIP_ONLY }, { remotePeer: limited, limits: { seconds: 120 } })
    f.protocols.set(GOSSIP_ONLY.toString(), ['/meshsub/1.1.0'])
    stop = keepWantlistPeers(libp2pOf(f), f.wantList, { intervalMs: 1000 })
    await vi.advanceTimersByTimeAsync(2000)
    expect(f.introduced).toEqual([RELAY.toString()])
  })

  it('sends the whole wantlist again to every recorded peer while a want is pending, as the remote may have dropped it', async () => {
    const f = fake()
    f.connections.push({ remotePeer: RELAY })
    f.protocols.set(RELAY.toString(), ['/ipfs/bitswap/1.2.0'])
    f.recorded.add(RELAY.toString())
    stop = keepWantlistPeers(libp2pOf(f), f.wantList, { intervalMs: 1000, rebroadcastMs: 10_000 })
    f.wants.push({ cancel: true })
    await vi.advanceTimersByTimeAsync(12_000)
    expect(f.introduced).toEqual([]) // only a cancelled want: nothing to ask for
    f.wants.push({ cancel: false })
    await vi.advanceTimersByTimeAsync(1000)
    expect(f.introduced).toEqual([RELAY.toString()])
    await vi.advanceTimersByTimeAsync(9000)
    expect(f.introduced).toEqual([RELAY.toString()])
    await vi.advanceTimersByTimeAsync(1000)
    expect(f.introduced).toEqual([RELAY.toString(), RELAY.toString()])
  })

  it('names the library when the wantlist is not where @helia/bitswap 4.0 keeps it', () => {
    expect(() => bitswapWantList({})).toThrow(WantlistKeeperError)
    expect(() => bitswapWantList({ blockBrokers: [{ name: 'bitswap', bitswap: { wantList: { peers: new Map() } } }] })).toThrow(/@helia\/bitswap 4\.0/)
  })
})

import { describe, expect, it } from 'vitest'
import { watchReservation } from './reservationWatch.ts'

const RELAY = '12D3KooWKM14WjmyrowSbrdTQjZirFG4tXcJaAez84B4utq3r1H6'

/** The part of a libp2p node the watch reads: one open connection to the relay, and the node's addresses. */
function fakeNode (): { node: Parameters<typeof watchReservation>[0], addrs: string[], hangUps: string[], connected: { value: boolean }, checks: () => number } {
  const addrs: string[] = []
  const hangUps: string[] = []
  const connected = { value: true }
  const peer = { toString: () => RELAY }
  let checks = 0
  const node = {
    getMultiaddrs: () => { checks++; return addrs.map((a) => ({ toString: () => a })) },
    getConnections: () => connected.value ? [{ status: 'open', remotePeer: peer }] : [],
    hangUp: async (p: { toString: () => string }) => { hangUps.push(p.toString()) }
  } as unknown as Parameters<typeof watchReservation>[0]
  return { node, addrs, hangUps, connected, checks: () => checks }
}

/** Waits until the watch has looked `n` more times (the timers of a loaded machine are late). */
async function checksPass (checks: () => number, n = 2): Promise<void> {
  const target = checks() + n
  await expect.poll(checks, { timeout: 5000, interval: 2 }).toBeGreaterThanOrEqual(target)
}

describe('watchReservation', () => {
  it('hangs up a connected relay once the node has had no circuit address for the grace, then waits twice as long', async () => {
    const { node, hangUps, checks } = fakeNode()
    let clock = 0
    const stop = watchReservation(node, [RELAY], { checkMs: 5, graceMs: 100, now: () => clock })
    try {
      await checksPass(checks)
      expect(hangUps).toEqual([]) // the grace starts at the first check without an address
      clock = 100
      await expect.poll(() => hangUps, { timeout: 5000, interval: 2 }).toEqual([RELAY])
      await checksPass(checks) // the next grace starts at 100
      clock = 250 // under the doubled grace
      await checksPass(checks)
      expect(hangUps).toEqual([RELAY])
      clock = 300
      await expect.poll(() => hangUps, { timeout: 5000, interval: 2 }).toEqual([RELAY, RELAY])
    } finally {
      stop()
    }
  })

  it('leaves the relay alone while the node holds a circuit address, or while no relay is connected', async () => {
    const { node, addrs, hangUps, connected, checks } = fakeNode()
    addrs.push(`/ip4/127.0.0.1/tcp/4001/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/12D3KooWQsY22EmLAwzZKp8SXaY4MweM3WU3UQZ4vboB4Qf2VHqp`)
    let clock = 0
    const stop = watchReservation(node, [RELAY], { checkMs: 5, graceMs: 100, now: () => clock })
    try {
      await checksPass(checks)
      clock = 1000
      await checksPass(checks)
      addrs.length = 0
      connected.value = false
      clock = 2000
      await checksPass(checks)
      clock = 3000
      await checksPass(checks)
      expect(hangUps).toEqual([])
    } finally {
      stop()
    }
  })
})

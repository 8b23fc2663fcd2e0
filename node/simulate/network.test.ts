import { describe, expect, it } from 'vitest'
import { memoryArtifactStore } from '../../src/provider/artifacts.ts'
import { metered, type Traffic } from './network.ts'

describe('metered artifact store', () => {
  it('counts an upload once per network and a download once per participant', async () => {
    const shared = memoryArtifactStore()
    const pinned = new Set<string>()
    const a: Traffic = { sent: 0, received: 0 }
    const b: Traffic = { sent: 0, received: 0 }
    const storeA = metered(shared, a, new Set(), pinned)
    const storeB = metered(shared, b, new Set(), pinned)
    const blob = new Uint8Array(100).fill(7)
    const cid = await storeA.put(blob, 'delta')
    await storeB.put(blob, 'delta') // same CID: the pinner already has it
    await storeA.get(cid, 'delta') // A holds it
    await storeB.get(cid, 'delta')
    const other = new TextEncoder().encode('x'.repeat(10))
    await storeB.get(await storeA.put(other, 'delta'), 'delta')
    await storeB.get(await storeA.put(other, 'delta'), 'delta')
    expect(a).toEqual({ sent: 110, received: 0 })
    expect(b).toEqual({ sent: 0, received: 10 })
  })
})

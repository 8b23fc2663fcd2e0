/**
 * Pins go once their task has ended and the retention has passed: a real anvil with the deployed
 * contracts (its clock moved by the test), a real relay + pinner, and real pin requests.
 */
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keccak256, toHex } from 'viem'
import { cancelTask, readTask } from '../src/chain/actions/index.ts'
import { cidToHex } from '../src/provider/artifacts.ts'
import { modelHolder } from './pinRetention.ts'
import { startPinnerFixture, type PinnerFixture } from './testing/pinnerFixture.ts'
import { runPlaceholderTask } from './testing/placeholderRound.ts'
import { createPlainTask } from './testing/placeholderTask.ts'
import { useLocalChain } from './testing/useLocalChain.ts'

const chain = useLocalChain()
const RETENTION = 3600

async function waitFor (what: string, cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

describe('pin retention', () => {
  let pinner: PinnerFixture
  beforeAll(async () => {
    pinner = await startPinnerFixture(chain(), { retention: { retentionSeconds: RETENTION, pollMs: 200 }, log: { write: () => {} } })
  }, 60_000)
  afterAll(async () => { await pinner?.stop() })

  it('attack (pins never released): a task\'s pins go once it ended and the retention passed, and a live task keeps its own', async () => {
    const ending = await createPlainTask(chain().ctxOf(1))
    const live = await createPlainTask(chain().ctxOf(1))
    const { cid: endingCid } = await pinner.pinAs(1, ending, new Uint8Array(2000).fill(1))
    const { cid: liveCid } = await pinner.pinAs(1, live, new Uint8Array(2000).fill(2))
    // what a creator published before createTask (task 0) has no task to end with: it stays
    const { cid: preTaskCid } = await pinner.pinAs(1, 0n, new Uint8Array(2000).fill(3), 'spec')
    const pinned = async (cid: CID): Promise<boolean> => await pinner.relay.helia.pins.isPinned(cid)

    await cancelTask(chain().ctxOf(1), { taskId: ending })
    // ended, but within the retention: the pins stay (several polls later)
    await new Promise(resolve => setTimeout(resolve, 1000))
    expect(await pinned(endingCid)).toBe(true)

    await chain().timeTravel(RETENTION + 1)
    await waitFor('the ended task\'s pin to go', async () => !await pinned(endingCid))
    expect(await pinned(liveCid)).toBe(true)
    expect(await pinned(preTaskCid)).toBe(true)
    expect((await pinner.relay.pinning.pinnedTasks()).sort()).toEqual(['0', live.toString()].sort())
    expect(pinner.relay.pinning.metrics().released).toBe(1)
  }, 60_000)

  it('attack (shared CID): a short task that pinned a CID first cannot take it away from a live task that asked for it too', async () => {
    const decoy = await createPlainTask(chain().ctxOf(1))
    const victim = await createPlainTask(chain().ctxOf(4))
    const bytes = new Uint8Array(3000).fill(7)
    // the decoy pins the victim's bytes first; the victim's own request finds them pinned already
    const { cid } = await pinner.pinAs(1, decoy, bytes)
    const { receipt } = await pinner.pinAs(4, victim, bytes)
    expect(receipt.size).toBe(bytes.length)
    await cancelTask(chain().ctxOf(1), { taskId: decoy })
    await chain().timeTravel(RETENTION + 1)
    await waitFor('the decoy task to be released', async () => !(await pinner.relay.pinning.pinnedTasks()).includes(decoy.toString()))
    expect(await pinner.relay.helia.pins.isPinned(cid)).toBe(true)
    expect(await pinner.relay.pinning.pinnedTasks()).toContain(victim.toString())
  }, 60_000)

  it('a trained model outlives its task: its spec and final versions stay, the rest of its pins go', async () => {
    const pinned = async (cid: CID): Promise<boolean> => await pinner.relay.helia.pins.isPinned(cid)
    const spec = new Uint8Array(1500).fill(11)
    const specCid = await pinner.node.storage.blobs.put(spec, { kind: 'spec' })
    const versions: CID[] = []
    const deltas: CID[] = []
    const run = await runPlaceholderTask(chain(), chain().ctxOf(1), chain().ctxOf(2), {
      rounds: 2,
      params: { specCid: cidToHex(specCid) },
      // what a round's members pin: the spec (again, under the task), a delta, the round's version
      version: async (round, taskId) => {
        await pinner.pinAs(1, taskId, spec, 'spec')
        deltas.push((await pinner.pinAs(2, taskId, new Uint8Array(1800).fill(12 + round))).cid)
        const { cid } = await pinner.pinAs(2, taskId, new Uint8Array(2500).fill(20 + round), 'model')
        versions.push(cid)
        return { modelCid: cidToHex(cid), commitHash: keccak256(toHex(`weights-${round + 1}`)) }
      }
    })
    const { modelId } = await readTask(chain().ctxOf(1), { taskId: run.taskId })

    await chain().timeTravel(RETENTION + 1)
    await waitFor('the completed task to be released', async () => !(await pinner.relay.pinning.pinnedTasks()).includes(run.taskId.toString()))
    for (const cid of deltas) expect(await pinned(cid)).toBe(false)
    for (const cid of [specCid, ...versions]) expect(await pinned(cid)).toBe(true)
    expect(await pinner.relay.pinning.pinnedTasks()).toContain(modelHolder(modelId))
  }, 60_000)
})

describe('pre-task pins', () => {
  // Long enough for the test to pin and create its task on a loaded machine before the grace ends.
  const GRACE_MS = 8000
  let pinner: PinnerFixture
  beforeAll(async () => {
    pinner = await startPinnerFixture(chain(), { retention: { retentionSeconds: RETENTION, pollMs: 200, preTaskGraceMs: GRACE_MS }, log: { write: () => {} } })
  }, 60_000)
  afterAll(async () => { await pinner?.stop() })

  it('attack (pre-task pins kept forever): the task that names a pre-task spec adopts it, and what no task adopted is released after the grace', async () => {
    // Any signed wallet may pin under task 0: without a release, that disk is never given back.
    const { cid: spec } = await pinner.pinAs(2, 0n, new Uint8Array(1500).fill(5), 'spec')
    const { cid: orphan } = await pinner.pinAs(3, 0n, new Uint8Array(1500).fill(6), 'spec')
    const taskId = await createPlainTask(chain().ctxOf(2), { specCid: cidToHex(spec) })
    const pinned = async (cid: CID): Promise<boolean> => await pinner.relay.helia.pins.isPinned(cid)

    // The spec's pre-task hold goes when the task adopts it, the orphan once the grace passed: wait for both.
    const holders = async (): Promise<string[]> => await pinner.relay.pinning.pinnedTasks()
    await waitFor('no pre-task hold to be left', async () => !(await holders()).includes('0'), GRACE_MS + 10_000)
    // Helia drops a pin's record before its blocks' counts: the listing can be ahead of isPinned
    await waitFor('the orphan to be unpinned', async () => !(await pinned(orphan)), 5000)
    expect(await pinned(spec)).toBe(true)
    expect(await holders()).toEqual([taskId.toString()])
  }, 60_000)
})

/**
 * The pinner asks the chain who may upload: a real anvil with the deployed contracts, a real
 * relay + pinner, and pin requests signed by dev accounts over loopback libp2p.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cancelTask } from '../src/chain/actions/index.ts'
import { PinRefusedError } from '../src/p2p/pinService.ts'
import { startPinnerFixture, type PinnerFixture } from './testing/pinnerFixture.ts'
import { createPlainTask, joinAsProvider } from './testing/placeholderTask.ts'
import { useLocalChain } from './testing/useLocalChain.ts'

const chain = useLocalChain()

async function refusal (promise: Promise<unknown>): Promise<PinRefusedError> {
  const err = await promise.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(PinRefusedError)
  return err as PinRefusedError
}

describe('chainPinAuthorizer on the relay', () => {
  let pinner: PinnerFixture
  const logged: string[] = []
  beforeAll(async () => {
    pinner = await startPinnerFixture(chain(), { log: { level: 'info', write: (line) => { logged.push(line) } } })
  }, 60_000)
  afterAll(async () => { await pinner?.stop() })

  it('lets a creator publish its spec before createTask (task 0), and keeps it', async () => {
    const { receipt } = await pinner.pinAs(3, 0n, new Uint8Array(500).fill(7), 'spec')
    expect(receipt.size).toBe(500)
    expect(JSON.parse(receipt.signed.payload)).toMatchObject({ taskId: '0', kind: 'spec', size: 500 })
  }, 60_000)

  it('lets the creator and a joined provider of a live task pin', async () => {
    const taskId = await createPlainTask(chain().ctxOf(1))
    await joinAsProvider(chain().ctxOf(2), taskId)
    expect((await pinner.pinAs(1, taskId, new Uint8Array(1000).fill(1))).receipt.size).toBe(1000)
    expect((await pinner.pinAs(2, taskId, new Uint8Array(1000).fill(2))).receipt.size).toBe(1000)
  }, 60_000)

  it('attack (outsider pin): a wallet of no task, a task that does not exist, and a task that ended are refused as unauthorized with the reason', async () => {
    const taskId = await createPlainTask(chain().ctxOf(1))
    const stranger = await refusal(pinner.pinAs(3, taskId, new Uint8Array(1000).fill(3)))
    expect(stranger.code).toBe('unauthorized')
    expect(stranger.message).toMatch(new RegExp(`neither the creator nor a joined provider of task ${taskId}`))

    const unknown = await refusal(pinner.pinAs(3, 999_999n, new Uint8Array(1000).fill(4)))
    expect(unknown.code).toBe('unauthorized')
    expect(unknown.message).toMatch(/task 999999 does not exist on chain 31337/)

    await cancelTask(chain().ctxOf(1), { taskId })
    const ended = await refusal(pinner.pinAs(1, taskId, new Uint8Array(1000).fill(5)))
    expect(ended.code).toBe('unauthorized')
    expect(ended.message).toMatch(new RegExp(`task ${taskId} is Cancelled; only a Joining or Running task takes uploads`))

    // A creator's uploads before createTask carry task 0: a delta never does.
    const preTask = await refusal(pinner.pinAs(3, 0n, new Uint8Array(1000).fill(6)))
    expect(preTask.code).toBe('unauthorized')
    expect(preTask.message).toMatch(/a delta belongs to a task: task 0 takes only what a creator publishes before createTask/)

    expect(pinner.relay.pinning.metrics().refusals.unauthorized).toBe(4)
    const lines = logged.map(l => JSON.parse(l) as Record<string, unknown>).filter(l => l.code === 'unauthorized')
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatchObject({ level: 'warn', peer: pinner.node.peerId, wallet: chain().ctxOf(3).walletClient.account.address.toLowerCase(), taskId: taskId.toString() })
  }, 60_000)
})

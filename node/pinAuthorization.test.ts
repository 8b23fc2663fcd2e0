/**
 * The pinner asks the chain who may upload: a real anvil with the deployed contracts, a real
 * relay + pinner, and pin requests signed by dev accounts over loopback libp2p.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { sha256 } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cancelTask } from '../src/chain/actions/index.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import { authorizeSession } from '../src/core/messages/index.ts'
import { LOCAL_CHAIN_ID } from '../src/core/networkConfig.ts'
import { evidenceCid } from '../src/core/referee/evidence.ts'
import { PinRefusedError, requestPin } from '../src/p2p/pinService.ts'
import { startPinnerFixture, type PinnerFixture } from './testing/pinnerFixture.ts'
import { createPlainTask, joinAsProvider } from './testing/placeholderTask.ts'
import { useLocalChain } from './testing/useLocalChain.ts'

const chain = useLocalChain()
/** The deployment gives dev account 8 REFEREE_ROLE on a local chain (Deploy.s.sol's LOCAL_REFEREE). */
const REFEREE = 8

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

  it('lets the referee (REFEREE_ROLE) pin an evidence report as one raw block, also for a task that ended, and no one else', async () => {
    const taskId = await createPlainTask(chain().ctxOf(1))
    await joinAsProvider(chain().ctxOf(2), taskId)
    const report = new TextEncoder().encode('{"type":"mlbridge/referee-verdict/1"}')
    const { cid, receipt } = await pinner.pinAs(REFEREE, taskId, report, 'evidence')
    expect(cid.toString()).toBe(evidenceCid(sha256(report)).toString())
    expect(receipt).toMatchObject({ size: report.length, blocks: 1 })
    expect(JSON.parse(receipt.signed.payload)).toMatchObject({ taskId: taskId.toString(), kind: 'evidence', cid: cid.toString() })

    // attack (forged evidence): a member of the task, and a stranger, are no referee
    for (const account of [2, 3]) {
      const forged = await refusal(pinner.pinAs(account, taskId, new TextEncoder().encode(`{"forged":${account}}`), 'evidence'))
      expect(forged.code).toBe('unauthorized')
      expect(forged.message).toMatch(/does not hold REFEREE_ROLE: only the referee publishes evidence reports/)
    }
    const unknown = await refusal(pinner.pinAs(REFEREE, 999_999n, report, 'evidence'))
    expect(unknown.message).toMatch(/task 999999 does not exist on chain 31337/)

    // a result challenge is judged after its task may have ended
    await cancelTask(chain().ctxOf(1), { taskId })
    const late = new TextEncoder().encode('{"type":"mlbridge/referee-verdict/1","late":true}')
    expect((await pinner.pinAs(REFEREE, taskId, late, 'evidence')).receipt.size).toBe(late.length)
  }, 60_000)

  it('refuses evidence that is not one raw block: a blob root names no on-chain evidence hash', async () => {
    const taskId = await createPlainTask(chain().ctxOf(1))
    const cid = await pinner.node.storage.blobs.put(new Uint8Array(100).fill(9), { kind: 'spec' })
    const { signer } = await authorizeSession({ wallet: devAccount(REFEREE), peerId: pinner.node.peerId, chainId: LOCAL_CHAIN_ID })
    const blob = await refusal(requestPin(pinner.node.libp2p, pinner.relay.multiaddrs.map((m) => multiaddr(m)), signer, { taskId: taskId.toString(), kind: 'evidence', cid }))
    expect(blob.code).toBe('bad-request')
    expect(blob.message).toMatch(/an evidence report is one raw block/)
  }, 60_000)
})

/**
 * Equivocation: a winner's two endorsements of different models for one round are evidence that
 * the pool keeps, and the report slashes the signer on a real local chain (anvil + the contracts).
 */
import { keccak256, parseEther, toHex, type Address, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { useLocalChain } from '../../node/testing/useLocalChain.ts'
import { createMnistTask } from '../../node/testing/mnistTask.ts'
import { executeSlash, faucet, joinTask, readSlashesMade, readStake, stake } from '../chain/actions/index.ts'
import type { Endorsement } from '../core/messages/index.ts'
import { parseTaskSpec } from '../core/taskSpec.ts'
import type { VersionContent } from '../core/version/signature.ts'
import { memoryArtifactStore } from './artifacts.ts'
import { chainForAccount } from './chain.ts'
import { EndorsementPool, endorsementBody } from './endorsements.ts'

const SIGNER = '0x00000000000000000000000000000000000000aa' as Address

function content (model: string, accuracyBps = 9000): VersionContent {
  const commitHash = keccak256(toHex(model))
  return {
    taskId: 1n,
    round: 0n,
    parent: 1n,
    data: { modelCid: `0x01551220${commitHash.slice(2)}`, commitHash, deltaRoot: keccak256(toHex('deltas')), dataHash: keccak256(toHex('data')), accuracyBps, loss: 1000n }
  }
}

function endorsement (c: VersionContent, signer: Address = SIGNER, signature: Hex = `0x${'11'.repeat(65)}`): Endorsement {
  return { ...endorsementBody(c, signer, signature), type: 'endorsement', taskId: c.taskId.toString() } as Endorsement
}

describe('endorsement pool', () => {
  it('attack (equivocation): a signer\'s endorsements of two models for one round are kept as evidence, once', () => {
    const pool = new EndorsementPool()
    pool.add(endorsement(content('honest')), SIGNER)
    expect(pool.takeEquivocations()).toEqual([])
    pool.add(endorsement(content('other')), SIGNER)
    const [found, ...more] = pool.takeEquivocations()
    expect(more).toEqual([])
    expect(found?.signer).toBe(SIGNER)
    expect(found?.first.commitHash).toBe(content('honest').data.commitHash)
    expect(found?.second.commitHash).toBe(content('other').data.commitHash)
    pool.add(endorsement(content('third')), SIGNER)
    expect(pool.takeEquivocations()).toEqual([])
  })

  it('metrics alone, or another signer, are not equivocation', () => {
    const pool = new EndorsementPool()
    pool.add(endorsement(content('honest', 9000)), SIGNER)
    pool.add(endorsement(content('honest', 9100)), SIGNER)
    const other = '0x00000000000000000000000000000000000000bb' as Address
    pool.add(endorsement(content('other'), other), other)
    expect(pool.takeEquivocations()).toEqual([])
  })

  it('attack (a round far ahead): one endorsement naming round 2^53 - 1 does not make the honest ones of the running round look old', () => {
    const pool = new EndorsementPool()
    const at = (round: number, signer: Address): Endorsement => ({ ...endorsement(content('honest'), signer), round })
    const other = '0x00000000000000000000000000000000000000bb' as Address
    const mallory = '0x00000000000000000000000000000000000000cc' as Address
    pool.add(at(5, SIGNER), SIGNER)
    pool.add(at(Number.MAX_SAFE_INTEGER, mallory), mallory)
    pool.add(at(5, other), other)
    expect(pool.of(5).map((r) => r.from)).toEqual([SIGNER, other])
    // once the loop has seen the round on chain, only the rounds next to it are kept
    pool.moveTo(5)
    expect(pool.of(Number.MAX_SAFE_INTEGER)).toEqual([])
    pool.add(at(9, mallory), mallory)
    pool.add(at(6, SIGNER), SIGNER)
    expect(pool.of(9)).toEqual([])
    expect(pool.of(6)).toHaveLength(1)
    pool.moveTo(7)
    expect(pool.of(5)).toEqual([])
    expect(pool.of(6)).toHaveLength(1)
  })

  it('before the loop has observed a round, keeps at most three rounds, whatever peers name', () => {
    const pool = new EndorsementPool()
    const at = (round: number): Endorsement => ({ ...endorsement(content('honest')), round })
    for (const round of [100, 200, 300, 400]) pool.add(at(round), SIGNER)
    expect([100, 200, 300, 400].map((r) => pool.of(r).length)).toEqual([1, 1, 1, 0])
    pool.moveTo(4)
    pool.add(at(4), SIGNER)
    expect([100, 200, 300, 4].map((r) => pool.of(r).length)).toEqual([0, 0, 0, 1])
  })
})

const chain = useLocalChain()

describe('reportEquivocation', () => {
  it('attack (equivocation): a provider that signed two models for one round is slashed, and the reporter earns a share', async () => {
    const spec = parseTaskSpec({ model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [8] }, seed: 'equivocation' }, 'equivocation.test')
    const { created } = await createMnistTask(chain().ctxOf(1), memoryArtifactStore(), spec, { rounds: 1, shards: 1, replication: 1, maxReplication: 1 })
    const provider = chain().ctxOf(2)
    await faucet(provider)
    await stake(provider, { amount: parseEther('110') })
    await joinTask(provider, { taskId: created.taskId })

    const signer = chainForAccount(provider)
    const round = (model: string): VersionContent => ({ ...content(model), taskId: created.taskId, parent: created.initialVersionId })
    const a = { content: round('honest'), signature: await signer.signVersion(round('honest')) }
    const b = { content: round('other'), signature: await signer.signVersion(round('other')) }
    const reporter = chainForAccount(chain().ctxOf(3))
    const before = await readStake(chain().ctxOf(3), { account: signer.account })
    const earned = await reporter.readClaimable()
    const slashed = await reporter.reportEquivocation(signer.account, a, b)
    const after = await readStake(chain().ctxOf(3), { account: signer.account })
    expect(slashed).toBe(parseEther('100'))
    expect(before.staked - after.staked).toBe(slashed)
    // The reporter's share is paid when the slash takes effect, after its appeal delay.
    expect(await reporter.readClaimable()).toBe(earned)
    const [pending] = (await readSlashesMade(chain().ctxOf(3), { fromBlock: 0n })).slice(-1)
    expect(pending).toMatchObject({ provider: signer.account, stake: slashed, reporter: reporter.account })
    await chain().timeTravelTo(pending!.executableAt)
    await executeSlash(chain().ctxOf(3), { id: pending!.id })
    expect(await reporter.readClaimable() - earned).toBe(slashed / 10n)
    await expect(chainForAccount(chain().ctxOf(4)).reportEquivocation(signer.account, a, b)).rejects.toThrow(/AlreadyReported|already reported/i)
  }, 60_000)
})

import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it, vi } from 'vitest'
import { authorizeSession, createMessageVerifier, encodeTaskMessage, InvalidMessageError, recoverSigner, taskTopic, type TaskMembership } from './index.ts'

// counts the verifier's signature recoveries: a cached grant costs none
vi.mock('./signing.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./signing.ts')>()
  return { ...actual, recoverSigner: vi.fn(actual.recoverSigner) }
})

const NOW = 1_800_000_000_000
const PEERS = ['12D3KooWKM14WjmyrowSbrdTQjZirFG4tXcJaAez84B4utq3r1H6', '12D3KooWQsY22EmLAwzZKp8SXaY4MweM3WU3UQZ4vboB4Qf2VHqp']
const round = (n: number) => ({ type: 'round' as const, taskId: '7', round: n, phase: 'commit' as const })

describe('grant cache', () => {
  it('attack (outsiders\' valid grants): keeps only members\' grants, so grants of wallets that never joined cannot push a member\'s out', async () => {
    const member = privateKeyToAccount(generatePrivateKey())
    const membership: TaskMembership = { isMember: async (_taskId, wallet) => wallet === member.address.toLowerCase() }
    const verifier = createMessageVerifier({ chainId: 31337, membership, now: () => NOW, grantCacheSize: 2 })
    const recoveries = (): number => vi.mocked(recoverSigner).mock.calls.length
    const { signer } = await authorizeSession({ wallet: member, peerId: PEERS[0]!, chainId: 31337, now: () => NOW })
    const send = async (n: number): Promise<void> => {
      await verifier.verify(await encodeTaskMessage(signer, '7', 'rounds', round(n), { now: () => NOW }), { topic: taskTopic('7', 'rounds'), peerId: PEERS[0]! })
    }
    await send(1)
    const first = recoveries()
    await send(2)
    expect(recoveries()).toBe(first)

    // wallets anyone can make, each with a grant it really signed, fill a cache of two
    for (let i = 0; i < 2; i++) {
      const { signer: outsider } = await authorizeSession({ wallet: privateKeyToAccount(generatePrivateKey()), peerId: PEERS[1]!, chainId: 31337, now: () => NOW })
      const refused = await verifier.verify(await encodeTaskMessage(outsider, '7', 'rounds', round(10 + i), { now: () => NOW }), { topic: taskTopic('7', 'rounds'), peerId: PEERS[1]! }).catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(InvalidMessageError)
      expect((refused as InvalidMessageError).reason).toBe('not-member')
    }
    const afterOutsiders = recoveries()
    expect(afterOutsiders).toBe(first + 2)
    // the member's grant is still cached: its message costs no recovery
    await send(3)
    expect(recoveries()).toBe(afterOutsiders)
  })
})

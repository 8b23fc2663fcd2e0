import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it, vi } from 'vitest'
import { authorizeSession, createGrantCache, createMessageVerifier, encodeTaskMessage, GRANT_CACHE, InvalidMessageError, recoverSigner, taskTopic, type TaskMembership } from './index.ts'

// counts the verifier's signature recoveries: a cached grant costs none
vi.mock('./signing.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./signing.ts')>()
  return { ...actual, recoverSigner: vi.fn(actual.recoverSigner) }
})

const NOW = 1_800_000_000_000
const PEERS = ['12D3KooWKM14WjmyrowSbrdTQjZirFG4tXcJaAez84B4utq3r1H6', '12D3KooWQsY22EmLAwzZKp8SXaY4MweM3WU3UQZ4vboB4Qf2VHqp']
const round = (n: number) => ({ type: 'round' as const, taskId: '7', round: n, phase: 'commit' as const })
/** the `i`th of as many Ed25519-shaped peer IDs as a test needs (no 0 in base58) */
const peerN = (i: number): string => `12D3KooW${String(i).replaceAll('0', 'z').padStart(44, 'A')}`

describe('grant cache', () => {
  it('attack (outsiders\' valid grants): keeps only members\' grants, so grants of wallets that never joined cannot push a member\'s out', async () => {
    const member = privateKeyToAccount(generatePrivateKey())
    const membership: TaskMembership = { isMember: async (_taskId, wallet) => wallet === member.address.toLowerCase() }
    const verifier = createMessageVerifier({ chainId: 31337, membership, now: () => NOW, grantCache: { size: 2 } })
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

  it('attack (a member\'s many peer IDs): a wallet keeps at most GRANT_CACHE.perWallet grants, so a member signing grants for many peers pushes out its own, not another member\'s', async () => {
    const [honest, flooder] = [privateKeyToAccount(generatePrivateKey()), privateKeyToAccount(generatePrivateKey())]
    const members = new Set([honest.address.toLowerCase(), flooder.address.toLowerCase()])
    const membership: TaskMembership = { isMember: async (_taskId, wallet) => members.has(wallet) }
    const verifier = createMessageVerifier({ chainId: 31337, membership, now: () => NOW, grantCache: { size: GRANT_CACHE.perWallet + 2 } })
    const recoveries = (): number => vi.mocked(recoverSigner).mock.calls.length
    let n = 0
    const send = async (signer: Awaited<ReturnType<typeof authorizeSession>>['signer'], peerId: string): Promise<void> => {
      await verifier.verify(await encodeTaskMessage(signer, '7', 'rounds', round(++n), { now: () => NOW }), { topic: taskTopic('7', 'rounds'), peerId })
    }
    const { signer: honestSigner } = await authorizeSession({ wallet: honest, peerId: PEERS[0]!, chainId: 31337, now: () => NOW })
    await send(honestSigner, PEERS[0]!)

    // the flooder, a member in good standing, sends one valid message from each of more peers than the cache holds
    const flooderSigners = []
    for (let i = 1; i <= GRANT_CACHE.perWallet + 2; i++) {
      const { signer } = await authorizeSession({ wallet: flooder, peerId: peerN(i), chainId: 31337, now: () => NOW })
      flooderSigners.push(signer)
      await send(signer, peerN(i))
    }
    const afterFlood = recoveries()
    // the honest member's grant is still cached: its message costs no recovery
    await send(honestSigner, PEERS[0]!)
    expect(recoveries()).toBe(afterFlood)
    // the flooder's latest peers are cached, its first ones were dropped
    await send(flooderSigners.at(-1)!, peerN(GRANT_CACHE.perWallet + 2))
    expect(recoveries()).toBe(afterFlood)
    await send(flooderSigners[0]!, peerN(1))
    expect(recoveries()).toBe(afterFlood + 1)
  })
})

describe('createGrantCache', () => {
  it('drops the least recently used grant of all once full', () => {
    const cache = createGrantCache({ size: 2, perWallet: 2 })
    cache.add('a', 'w1')
    cache.add('b', 'w2')
    expect(cache.touch('a')).toBe(true) // now b is the least recently used
    cache.add('c', 'w3')
    expect([cache.touch('a'), cache.touch('b'), cache.touch('c')]).toEqual([true, false, true])
    expect(cache.size).toBe(2)
  })

  it('drops the least recently used grant of the same wallet once it holds perWallet', () => {
    const cache = createGrantCache({ size: 10, perWallet: 2 })
    cache.add('other', 'w2')
    cache.add('a1', 'w1')
    cache.add('a2', 'w1')
    cache.touch('a1') // now a2 is w1's least recently used
    cache.add('a3', 'w1')
    expect([cache.touch('other'), cache.touch('a1'), cache.touch('a2'), cache.touch('a3')]).toEqual([true, true, false, true])
    expect(cache.size).toBe(3)
  })

  it('adding a kept grant again keeps one copy', () => {
    const cache = createGrantCache({ size: 2, perWallet: 2 })
    cache.add('a', 'w1')
    cache.add('a', 'w1')
    cache.add('b', 'w1')
    expect([cache.touch('a'), cache.touch('b'), cache.size]).toEqual([true, true, 2])
  })

  it('refuses bounds that would keep nothing', () => {
    expect(() => createGrantCache({ size: 0 })).toThrow(RangeError)
    expect(() => createGrantCache({ perWallet: 0.5 })).toThrow(RangeError)
  })
})

import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { cachedMembership, memberRole, type TaskMembers } from './membership.ts'

const CREATOR: Address = '0x00000000000000000000000000000000000000c1'
const PROVIDER: Address = '0x00000000000000000000000000000000000000A2'
const LATE: Address = '0x00000000000000000000000000000000000000a3'

/** A chain stub that counts reads: the cache's only job is to keep that number small. */
function chainStub (members: Record<string, TaskMembers>) {
  const reads: string[] = []
  return {
    reads,
    read: async (taskId: string): Promise<TaskMembers> => {
      reads.push(taskId)
      await Promise.resolve()
      const m = members[taskId]
      if (m === undefined) throw new Error('rpc down')
      return { ...m, providers: [...m.providers] }
    }
  }
}

describe('memberRole', () => {
  it('names the creator and providers, case-insensitively, and nobody else', () => {
    const members = { creator: CREATOR, providers: [PROVIDER] } as const
    expect(memberRole(members, `0x${CREATOR.slice(2).toUpperCase()}`)).toBe('creator')
    expect(memberRole(members, PROVIDER.toLowerCase() as Address)).toBe('provider')
    expect(memberRole(members, LATE)).toBeUndefined()
  })
})

describe('cachedMembership', () => {
  it('answers a flood of outsiders with one read per task per miss interval', async () => {
    const chain = chainStub({ 7: { creator: CREATOR, providers: [PROVIDER] } })
    const membership = cachedMembership(chain.read, { now: () => 0, missRefreshMs: 2000, ttlMs: 60_000 })
    const outsiders = Array.from({ length: 100 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}` as const)
    expect(await Promise.all(outsiders.map(async w => await membership.isMember('7', w)))).toEqual(outsiders.map(() => false))
    expect(await membership.isMember('7', PROVIDER)).toBe(true)
    expect(chain.reads).toEqual(['7'])
  })

  it('hears a provider that joined after the list was read, once the list is older than the miss interval', async () => {
    let t = 0
    const members = { 7: { creator: CREATOR, providers: [PROVIDER] } }
    const chain = chainStub(members)
    const membership = cachedMembership(chain.read, { now: () => t, missRefreshMs: 2000 })
    expect(await membership.isMember('7', LATE)).toBe(false)
    members[7].providers.push(LATE)
    t = 1000
    expect(await membership.isMember('7', LATE)).toBe(false)
    t = 2500
    expect(await membership.isMember('7', LATE)).toBe(true)
    expect(chain.reads).toHaveLength(2)
  })

  it('reads a list again after its TTL, keeps at most maxTasks lists, and never caches a failed read', async () => {
    let t = 0
    const chain = chainStub({ 1: { creator: CREATOR, providers: [] }, 2: { creator: CREATOR, providers: [] } })
    const membership = cachedMembership(chain.read, { now: () => t, ttlMs: 10_000, maxTasks: 1 })
    await membership.isMember('1', CREATOR)
    t = 5000
    await membership.isMember('1', CREATOR)
    t = 10_000
    await membership.isMember('1', CREATOR)
    expect(chain.reads).toEqual(['1', '1'])
    await membership.isMember('2', CREATOR)
    await membership.isMember('1', CREATOR)
    expect(chain.reads).toEqual(['1', '1', '2', '1'])
    await expect(membership.isMember('3', CREATOR)).rejects.toThrow(/rpc down/)
    await expect(membership.isMember('3', CREATOR)).rejects.toThrow(/rpc down/)
    expect(chain.reads.filter(id => id === '3')).toHaveLength(2)
  })
})

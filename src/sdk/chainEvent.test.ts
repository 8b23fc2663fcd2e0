import { describe, expect, it } from 'vitest'
import { chainEventOf, chainEventsOfTask, EventDecodeError } from './chainEvent.ts'
import type { ProtocolEvent } from './schemas.ts'

const PROVIDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const TX = `0x${'ab'.repeat(32)}` as const

const feedEvent = (id: number, contract: ProtocolEvent['contract'], name: ProtocolEvent['name'], args: Record<string, unknown>): ProtocolEvent => ({
  id: String(id), contract, name, args, taskId: '1', blockNumber: '7', logIndex: id, transactionHash: TX, timestamp: '1700000000'
})

describe('chainEventOf', () => {
  it('types the arguments as viem decodes them: bigints for wide integers, numbers for narrow ones, checksummed addresses', () => {
    const revealed = feedEvent(3, 'ConsensusVerifier', 'Revealed', {
      taskId: '1', round: '0', shard: '2', attempt: '0', replica: '1', provider: PROVIDER.toLowerCase(),
      deltaCid: '0x01', sealedCid: '0x', salt: `0x${'00'.repeat(32)}`, fingerprint: [-3, 4]
    })
    expect(chainEventOf(revealed)).toEqual({
      contract: 'ConsensusVerifier',
      eventName: 'Revealed',
      args: { taskId: 1n, round: 0n, shard: 2n, attempt: 0n, replica: 1n, provider: PROVIDER, deltaCid: '0x01', sealedCid: '0x', salt: `0x${'00'.repeat(32)}`, fingerprint: [-3, 4] },
      blockNumber: 7n,
      transactionHash: TX,
      logIndex: 3
    })
    const reputation = chainEventOf(feedEvent(4, 'RewardDistributor', 'ReputationChanged', { provider: PROVIDER, reputation: 12, delta: '-5' }))
    expect(reputation.args).toEqual({ provider: PROVIDER, reputation: 12, delta: -5n })
  })

  it('drops the contract the feed qualifies a shared name with', () => {
    const committed = chainEventOf(feedEvent(5, 'ResultChallenges', 'ResultChallenges:ChallengeCommitted', { challenger: PROVIDER, commitment: `0x${'11'.repeat(32)}` }))
    expect(committed).toMatchObject({ contract: 'ResultChallenges', eventName: 'ChallengeCommitted' })
  })

  it('refuses an event whose arguments do not fit the ABI, naming the event and the argument', () => {
    expect(() => chainEventOf(feedEvent(6, 'TaskManager', 'RoundStarted', { taskId: '1', round: '0', seedBlock: '9' })))
      .toThrow(new EventDecodeError('event 6 (TaskManager.RoundStarted): argument startedAt is missing'))
    expect(() => chainEventOf(feedEvent(7, 'RewardDistributor', 'Claimed', { account: 5, amount: '1' })))
      .toThrow('event 7 (RewardDistributor.Claimed): expected an address for account, got 5')
  })
})

describe('chainEventsOfTask', () => {
  it('reads every page of the task\'s events', async () => {
    const claimed = (id: number): ProtocolEvent => feedEvent(id, 'RewardDistributor', 'Claimed', { account: PROVIDER, amount: String(id) })
    const asked: unknown[] = []
    const client = {
      events: async (query: unknown) => {
        asked.push(query)
        return asked.length === 1 ? { items: [claimed(1), claimed(2)], nextCursor: '2' } : { items: [claimed(3)], nextCursor: null }
      }
    }
    const events = await chainEventsOfTask(client, 4n)
    expect(events.map((e) => e.args)).toEqual([1n, 2n, 3n].map((amount) => ({ account: PROVIDER, amount })))
    expect(asked).toEqual([{ task: 4n, limit: 200 }, { task: 4n, limit: 200, cursor: '2' }])
  })
})

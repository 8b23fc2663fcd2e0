import { parseEther, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { plotPoints, polyline, roundRange, zeroBasedRange } from './chartGeometry.ts'
import { eventSentence } from './eventSentence.ts'
import { rewardPerTflop, workPerResult } from './format.ts'
import { participantsOf } from './participants.ts'
import { protocolEvent } from '../../testing/taskEvents.ts'

const A = '0x00000000000000000000000000000000000000aa' as Address
const B = '0x00000000000000000000000000000000000000bb' as Address

describe('chart geometry', () => {
  it('maps the range onto the box, higher values up', () => {
    const box = { width: 120, height: 120, padding: 10 }
    expect(polyline(plotPoints([{ x: 0, y: 0 }, { x: 1, y: 1 }], [0, 1], [0, 1], box))).toBe('10,110 110,10')
  })

  it('puts a single round in the middle', () => {
    expect(plotPoints([{ x: 4, y: 2 }], roundRange([4]), zeroBasedRange([2]), { width: 120, height: 120, padding: 10 })).toEqual([{ x: 60, y: 10 }])
  })

  it('starts value ranges at zero and never divides by zero', () => {
    expect(zeroBasedRange([0.5, 2.25])).toEqual([0, 2.25])
    expect(zeroBasedRange([0])).toEqual([0, 1])
    expect(roundRange([3, 1, 2])).toEqual([1, 3])
  })
})

describe('participantsOf', () => {
  it('counts the RewardCredited events of each provider', () => {
    const events = [
      protocolEvent('RewardDistributor', 'RewardCredited', { taskId: 1n, provider: A, amount: parseEther('10'), reputation: 1 }),
      protocolEvent('RewardDistributor', 'RewardCredited', { taskId: 1n, provider: A, amount: parseEther('10'), reputation: 2 }),
      protocolEvent('TaskManager', 'ProviderJoined', { taskId: 1n, provider: B, weight: 1n, index: 1n })
    ]
    expect(participantsOf([A, B], events)).toEqual([
      { provider: A, accepted: 2, earned: parseEther('20') },
      { provider: B, accepted: 0, earned: 0n }
    ])
  })
})

describe('eventSentence', () => {
  it('says who did what with amounts in MLB', () => {
    expect(eventSentence(protocolEvent('TaskManager', 'TaskCancelled', { taskId: 1n, refund: parseEther('120') }))).toBe('The task ended early; 120 MLB refunded to the creator.')
    // the chain's round 2 is the third: people count rounds from 1
    expect(eventSentence(protocolEvent('ConsensusVerifier', 'ShardAccepted', { taskId: 1n, round: 2n, shard: 1n, attempt: 0n, center: 1n, winnersMask: 3n, fingerprintHash: '0x' })))
      .toBe('Accepted round 3 shard 1 attempt 0 (center replica 1).')
  })
})

describe('work per result', () => {
  it('says what a result costs in the largest unit that fits, and the reward per TFLOP', () => {
    expect(workPerResult({ trainMflop: 586, parameters: 50_890, activationKib: 215 })).toBe('586 MFLOP of training, 50,890 parameters, 215 KiB of activations')
    expect(workPerResult({ trainMflop: 2_500_000, parameters: 8_000_000, activationKib: 524_288 })).toBe('2.50 TFLOP of training, 8,000,000 parameters, 512 MiB of activations')
    expect(workPerResult({ trainMflop: 1500, parameters: 1, activationKib: 1 })).toBe('1.50 GFLOP of training, 1 parameter, 1 KiB of activations')
    expect(rewardPerTflop({ rewardPerResult: parseEther('10'), trainMflop: 500_000 })).toBe('20 MLB')
  })
})

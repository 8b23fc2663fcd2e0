import { TopicValidatorResult } from '@libp2p/gossipsub'
import { defaultPeerScoreThresholds } from '@libp2p/gossipsub/score'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, WALLET_STRIKES } from '../core/messages/index.ts'
import { TASK_TOPIC_SCORE, verdictOf } from './topicGuard.ts'

const invalid = (reason: ConstructorParameters<typeof InvalidMessageError>[0]): InvalidMessageError => new InvalidMessageError(reason, 'test')

describe('verdictOf', () => {
  it('penalizes a forwarder only for what any receiver would refuse', () => {
    for (const reason of ['bad-body', 'bad-signature', 'wrong-peer'] as const) {
      expect(verdictOf(invalid(reason), false), reason).toBe(TopicValidatorResult.Reject)
    }
    for (const reason of ['stale', 'replayed', 'not-member', 'penalized'] as const) {
      expect(verdictOf(invalid(reason), false), reason).toBe(TopicValidatorResult.Ignore)
      expect(verdictOf(invalid(reason), true), reason).toBe(TopicValidatorResult.Reject)
    }
  })

  it('penalizes nobody when the chain could not be read, and rejects what is not a message error', () => {
    expect(verdictOf(invalid('unverifiable'), true)).toBe(TopicValidatorResult.Ignore)
    expect(verdictOf(new Error('boom'), false)).toBe(TopicValidatorResult.Reject)
  })
})

describe('the task topic score', () => {
  it('graylists a peer at the invalid message that bans its wallet, not before: a peer always delivers the wallet\'s last strike', () => {
    const score = (invalid: number): number => TASK_TOPIC_SCORE.topicWeight * TASK_TOPIC_SCORE.invalidMessageDeliveriesWeight * invalid ** 2
    expect(score(WALLET_STRIKES.limit - 1)).toBeGreaterThanOrEqual(defaultPeerScoreThresholds.graylistThreshold)
    expect(score(WALLET_STRIKES.limit)).toBeLessThan(defaultPeerScoreThresholds.graylistThreshold)
  })
})

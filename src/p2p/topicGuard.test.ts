import { TopicValidatorResult } from '@libp2p/gossipsub'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError } from '../core/messages/index.ts'
import { verdictOf } from './topicGuard.ts'

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

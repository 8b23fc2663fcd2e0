import { describe, expect, it } from 'vitest'
import { roundNumber, taskEndOf, taskPhase, type TaskPhaseInput } from './taskPhase.ts'

const joining: TaskPhaseInput = { status: 'Joining', currentRound: 0, started: false, rounds: 3, providerCount: 1, replication: 2, joinDeadline: 1000n }

describe('taskPhase', () => {
  it('reads a joining task by its window and the providers it has', () => {
    expect(taskPhase(joining, 999)).toMatchObject({ name: 'Joining', round: 'not started', providers: '1 joined, 2 needed', refundable: false })
    expect(taskPhase(joining, 1000)).toMatchObject({ name: 'Expired', round: 'not started', refundable: true })
    expect(taskPhase({ ...joining, providerCount: 2 }, 1000)).toMatchObject({ name: 'Starting', refundable: false })
  })

  it('numbers rounds from 1, and never past the last', () => {
    const running = { ...joining, status: 'Running', started: true, providerCount: 2 } as const
    expect(taskPhase({ ...running, currentRound: 0 }, 5000).round).toBe('1 of 3')
    expect(taskPhase({ ...running, currentRound: 2 }, 5000).round).toBe('3 of 3')
    expect(taskPhase({ ...running, status: 'Completed', currentRound: 2 }, 5000)).toMatchObject({ name: 'Completed', round: '3 of 3' })
    expect(taskPhase({ ...running, cancelRequested: true, currentRound: 1 }, 5000).explanation).toContain('ends with round 2')
    expect(roundNumber(0n)).toBe(1)
  })

  it('tells an expired task from a cancelled one', () => {
    const closed = { ...joining, status: 'Cancelled' } as const
    expect(taskPhase({ ...closed, end: 'underSubscribed' }, 5000)).toMatchObject({ name: 'Expired', refundable: false })
    expect(taskPhase({ ...closed, end: 'cancelled' }, 5000).explanation).toContain('creator cancelled')
    // closed, but the history has yet to say why: no guess
    expect(taskPhase(closed, 5000)).toMatchObject({ name: 'Cancelled', explanation: 'The task ended and the escrow left went back to the creator.' })
    expect(taskPhase({ ...closed, end: 'underSubscribed', started: true, currentRound: 1 }, 5000)).toMatchObject({ name: 'Cancelled', round: '2 of 3' })
    expect(taskPhase({ ...closed, end: 'stalled', started: true }, 5000).explanation).toContain('without a version')
  })
})

describe('taskEndOf', () => {
  it('names the reason from the closing events, a stall or an under-subscription before a plain cancel', () => {
    expect(taskEndOf(['TaskCreated', 'TaskCancelled', 'TaskUnderSubscribed'])).toBe('underSubscribed')
    expect(taskEndOf(['TaskStalled', 'TaskCancelled'])).toBe('stalled')
    expect(taskEndOf(['TaskCancelled'])).toBe('cancelled')
    expect(taskEndOf(['RoundStarted', 'TaskCompleted'])).toBe('completed')
    expect(taskEndOf(['TaskCreated'])).toBeUndefined()
  })
})

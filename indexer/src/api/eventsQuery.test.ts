import { describe, expect, it } from 'vitest'
import { eventsQuery, eventStreamQuery, lastEventIdHeader, problemOf } from './query.ts'

const parsed = (schema: typeof eventsQuery | typeof eventStreamQuery, query: Record<string, string>): unknown => {
  const result = schema.safeParse(query)
  return result.success ? result.data : problemOf(result.error)
}

describe('GET /events parameters', () => {
  it('filters by task and by event names separated by commas', () => {
    expect(parsed(eventsQuery, { task: '3', name: 'TaskCreated,TaskCompleted', limit: '10', cursor: '1048577' }))
      .toEqual({ task: '3', name: ['TaskCreated', 'TaskCompleted'], limit: 10, cursor: '1048577' })
    expect(parsed(eventStreamQuery, { name: 'Claimed' })).toEqual({ name: ['Claimed'] })
    // a name two contracts share is qualified by its contract (src/sdk/events.ts)
    expect(parsed(eventsQuery, { name: 'ResultChallenges:ChallengeCommitted,ResultChallenged' })).toEqual({ name: ['ResultChallenges:ChallengeCommitted', 'ResultChallenged'] })
    expect(lastEventIdHeader.parse({ 'last-event-id': '42' })).toEqual({ 'last-event-id': '42' })
  })

  it('refuses an unknown event name, a bad task or cursor, and parameters the route does not take', () => {
    expect(parsed(eventsQuery, { name: 'TaskCreated,Bogus' })).toMatch(/^name must be event names separated by commas \(TaskCreated, .*DataSetCited\), got "Bogus"$/)
    expect(parsed(eventsQuery, { name: 'ChallengeCommitted' })).toMatch(/got "ChallengeCommitted"$/)
    expect(parsed(eventsQuery, { task: '-1' })).toBe('task must be a non-negative integer, got "-1"')
    expect(parsed(eventsQuery, { tasks: '1' })).toBe('unknown query parameter "tasks"; this route takes task, name, limit, cursor')
    // the stream never ends, so it takes no page size
    expect(parsed(eventStreamQuery, { limit: '5' })).toBe('unknown query parameter "limit"; this route takes task, name, cursor')
    expect(lastEventIdHeader.safeParse({ 'last-event-id': 'abc' }).error?.issues[0]?.message).toBe('Last-Event-ID must be a non-negative integer, got "abc"')
  })
})

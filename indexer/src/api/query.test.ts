import { describe, expect, it } from 'vitest'
import { DEFAULT_LIMIT, disputesQuery, MAX_LIMIT, pageFrom, pageOf, pageQuery, problemOf, taskParams, taskSchema, tasksQuery, versionsQuery } from './query.ts'

/** The 400 body's message for `query`, or the parsed query. */
const parsed = (schema: typeof pageQuery | typeof versionsQuery | typeof tasksQuery | typeof disputesQuery, query: Record<string, string>): unknown => {
  const result = schema.safeParse(query)
  return result.success ? result.data : problemOf(result.error)
}

describe('REST query parameters', () => {
  it('pages by limit and cursor, bounded', () => {
    expect(pageFrom(pageQuery.parse({}))).toEqual({ limit: DEFAULT_LIMIT })
    expect(pageFrom(pageQuery.parse({ limit: '5', cursor: '12' }))).toEqual({ limit: 5, after: 12n })
    expect(pageFrom(pageQuery.parse({ limit: String(MAX_LIMIT) })).limit).toBe(MAX_LIMIT)
    expect(parsed(versionsQuery, { task: '3' })).toEqual({ task: '3' })
  })

  it('refuses a bad limit, cursor, id or parameter, saying which and why', () => {
    expect(parsed(pageQuery, { limit: '0' })).toBe(`limit must be an integer from 1 to ${MAX_LIMIT}, got "0"`)
    expect(parsed(pageQuery, { limit: String(MAX_LIMIT + 1) })).toBe(`limit must be an integer from 1 to ${MAX_LIMIT}, got "${MAX_LIMIT + 1}"`)
    expect(parsed(pageQuery, { limit: '2.5' })).toMatch(/^limit must be an integer/)
    expect(parsed(pageQuery, { cursor: '-1' })).toBe('cursor must be a non-negative integer, got "-1"')
    expect(taskParams.safeParse({ id: '0x1' }).error?.issues[0]?.message).toBe('task id must be a non-negative integer, got "0x1"')
    expect(parsed(versionsQuery, { taks: '1' })).toBe('unknown query parameter "taks"; this route takes task, model, limit, cursor')
  })

  it('filters disputes by task and states, refusing an unknown state', () => {
    expect(parsed(disputesQuery, { task: '2', state: 'open,upheld', limit: '5', cursor: '7' })).toEqual({ task: '2', state: ['open', 'upheld'], limit: 5, cursor: '7' })
    expect(parsed(disputesQuery, { state: 'open,lost' })).toBe('state must be dispute states separated by commas (open, upheld, rejected, expired), got "lost"')
    expect(parsed(disputesQuery, { kind: 'result' })).toBe('unknown query parameter "kind"; this route takes task, state, limit, cursor')
  })

  it('gives a next cursor only when more rows follow', () => {
    const rows = [1n, 2n, 3n].map((id) => ({ id }))
    expect(pageOf(rows, { limit: 2 })).toEqual({ items: rows.slice(0, 2), nextCursor: '2' })
    expect(pageOf(rows, { limit: 3 })).toEqual({ items: rows, nextCursor: null })
  })

  it('documents what a task row holds, and a row that breaks it is caught before it is sent', () => {
    const row = {
      id: '1', creator: `0x${'a'.repeat(40)}`, name: 'digits', description: '', modelId: '1', initialVersionId: '1', specCid: '0x01', datasetCid: '0x02', escrow: '10',
      status: 'Joining', rounds: 3, shards: 2, replication: 2, rewardPerResult: '1', joinDeadline: '100', trainMflop: 40, currentRound: null, providerCount: 0, refund: null, closeReason: null, dataSetId: null,
      createdBlock: '5', createdAt: '6', closedAt: null
    }
    expect(taskSchema.parse(row)).toEqual(row)
    expect(taskSchema.safeParse({ ...row, status: 'Paused' }).success).toBe(false)
    expect(taskSchema.safeParse({ ...row, escrow: 10n }).success).toBe(false)
  })

  it('takes task statuses separated by commas, naming one it does not know', () => {
    expect(tasksQuery.parse({ status: 'Joining,Running', order: 'desc' })).toEqual({ status: ['Joining', 'Running'], order: 'desc' })
    expect(parsed(tasksQuery, { status: 'Joining,Paused' })).toBe('status must be task statuses separated by commas (Joining, Running, Completed, Cancelled), got "Paused"')
    expect(parsed(tasksQuery, { provider: '0x12' })).toBe('provider must be a 0x-prefixed 20-byte address, got "0x12"')
  })
})

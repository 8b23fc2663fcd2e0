import { describe, expect, it } from 'vitest'
import { BadQueryError, DEFAULT_LIMIT, MAX_LIMIT, assertKnown, pageOf, parseId, parsePage } from './query.ts'

describe('REST query parameters', () => {
  it('pages by limit and cursor, bounded', () => {
    expect(parsePage({})).toEqual({ limit: DEFAULT_LIMIT })
    expect(parsePage({ limit: '5', cursor: '12' })).toEqual({ limit: 5, after: 12n })
    expect(parsePage({ limit: String(MAX_LIMIT) }).limit).toBe(MAX_LIMIT)
  })

  it('refuses a bad limit, cursor, id or parameter, saying which and why', () => {
    expect(() => parsePage({ limit: '0' })).toThrow(`limit must be an integer from 1 to ${MAX_LIMIT}, got "0"`)
    expect(() => parsePage({ limit: String(MAX_LIMIT + 1) })).toThrow(BadQueryError)
    expect(() => parsePage({ limit: '2.5' })).toThrow(BadQueryError)
    expect(() => parsePage({ cursor: '-1' })).toThrow('cursor must be a non-negative integer, got "-1"')
    expect(() => parseId('0x1', 'task')).toThrow('task must be a non-negative integer, got "0x1"')
    expect(() => assertKnown({ taks: '1' }, ['task', 'limit'])).toThrow('unknown query parameter "taks"; this route takes task, limit')
  })

  it('gives a next cursor only when more rows follow', () => {
    const rows = [1n, 2n, 3n].map((id) => ({ id }))
    expect(pageOf(rows, { limit: 2 })).toEqual({ items: rows.slice(0, 2), nextCursor: '2' })
    expect(pageOf(rows, { limit: 3 })).toEqual({ items: rows, nextCursor: null })
  })
})

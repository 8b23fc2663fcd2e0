/**
 * Query parameters of the REST routes, checked before any database work so a bad request gets a
 * 400 that says which parameter is wrong and what it should be.
 */
export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

export class BadQueryError extends Error {
  override name = 'BadQueryError'
}

export interface Page {
  limit: number
  /** the last ID of the previous page: this page starts after it */
  after?: bigint
}

/** A non-negative integer ID as decimal digits (task and version IDs are uint256). */
export function parseId (raw: string | undefined, name: string): bigint {
  if (raw === undefined || !/^\d{1,78}$/.test(raw)) throw new BadQueryError(`${name} must be a non-negative integer, got "${raw ?? ''}"`)
  return BigInt(raw)
}

/** `limit` (1 to MAX_LIMIT, default DEFAULT_LIMIT) and `cursor` (the `nextCursor` of the previous page). */
export function parsePage (query: Record<string, string | undefined>): Page {
  const { limit: rawLimit, cursor } = query
  let limit = DEFAULT_LIMIT
  if (rawLimit !== undefined) {
    limit = /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN
    if (!(limit >= 1 && limit <= MAX_LIMIT)) throw new BadQueryError(`limit must be an integer from 1 to ${MAX_LIMIT}, got "${rawLimit}"`)
  }
  return cursor === undefined ? { limit } : { limit, after: parseId(cursor, 'cursor') }
}

/** Refuses parameters a route does not know, so a typo (`?taks=1`) is not silently ignored. */
export function assertKnown (query: Record<string, string | undefined>, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((key) => !known.includes(key))
  if (unknown.length > 0) throw new BadQueryError(`unknown query parameter ${unknown.map((k) => `"${k}"`).join(', ')}; this route takes ${known.join(', ')}`)
}

/** One page of rows ordered by ID; `nextCursor` is set only when more may follow. */
export function pageOf<T extends { id: bigint }> (rows: T[], page: Page): { items: T[], nextCursor: string | null } {
  const items = rows.slice(0, page.limit)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > page.limit && last !== undefined ? last.id.toString() : null }
}

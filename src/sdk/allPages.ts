import type { Page } from './schemas.ts'

/** The most rows a page may hold (the API refuses a larger `limit`): the fewest requests for a whole listing. */
export const MAX_PAGE = 200

/** Every item of a listing, page after page until one has no `nextCursor`. */
export async function allPages<T> (read: (page: { limit: number, cursor?: string }) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  do {
    const page = await read({ limit: MAX_PAGE, ...(cursor === undefined ? {} : { cursor }) })
    items.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return items
}

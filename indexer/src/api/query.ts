/**
 * The REST routes' parameters and bodies as zod schemas: the same schemas validate each request
 * (a bad one gets a 400 that says which parameter is wrong and what it should be), check each
 * response before it leaves, and make the OpenAPI document at /openapi.json.
 */
import { z } from '@hono/zod-openapi'

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

/** A non-negative integer as decimal digits: task and version IDs, amounts and blocks are uint256. */
export const uint = (name: string): z.ZodString => z.string().regex(/^\d{1,78}$/, { error: (issue) => `${name} must be a non-negative integer, got "${String(issue.input)}"` })

const limit = z.string()
  .refine((raw) => /^\d{1,4}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= MAX_LIMIT, { error: (issue) => `limit must be an integer from 1 to ${MAX_LIMIT}, got "${String(issue.input)}"` })
  .transform(Number)
  .openapi({ param: { name: 'limit', in: 'query' }, description: `rows per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT})`, example: '50' })

const cursor = uint('cursor').openapi({ param: { name: 'cursor', in: 'query' }, description: 'the `nextCursor` of the previous page' })

/** Query parameters, refusing any the route does not take, so a typo (`?taks=1`) is not silently ignored. */
function queryOf<S extends z.ZodRawShape> (shape: S): z.ZodObject<S, z.core.$strict> {
  const known = Object.keys(shape).join(', ')
  return z.strictObject(shape, {
    error: (issue) => issue.code === 'unrecognized_keys' ? `unknown query parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}; this route takes ${known}` : undefined
  })
}

export const pageQuery = queryOf({ limit: limit.optional(), cursor: cursor.optional() })
export const versionsQuery = queryOf({
  task: uint('task').openapi({ param: { name: 'task', in: 'query' }, description: 'only the versions of this task' }).optional(),
  limit: limit.optional(),
  cursor: cursor.optional()
})
export const taskParams = z.object({ id: uint('task id').openapi({ param: { name: 'id', in: 'path' }, example: '1' }) })

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/)
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/)
const amount = z.string().regex(/^\d+$/)

export const taskSchema = z.object({
  id: amount, creator: address, modelId: amount, initialVersionId: amount, specCid: hex, datasetCid: hex, escrow: amount,
  status: z.enum(['Joining', 'Running', 'Completed', 'Cancelled']),
  rounds: z.number().int(), shards: z.number().int(), replication: z.number().int(), rewardPerResult: amount,
  currentRound: z.number().int().nullable(), providerCount: z.number().int(), refund: amount.nullable(),
  createdBlock: amount, createdAt: amount, closedAt: amount.nullable()
}).openapi('Task')

export const roundSchema = z.object({
  id: z.string(), taskId: amount, round: z.number().int(), seedBlock: amount, startedAt: amount,
  seed: hex.nullable(), decidedAt: amount.nullable(), versionId: amount.nullable()
}).openapi('Round')

export const taskProviderSchema = z.object({
  id: z.string(), taskId: amount, provider: address, weight: amount, index: z.number().int(),
  ejectedFromRound: z.number().int().nullable(), left: z.boolean()
}).openapi('TaskProvider')

export const versionSchema = z.object({
  id: amount, modelId: amount.nullable(), taskId: amount.nullable(), round: z.number().int().nullable(), parent: amount.nullable(),
  mergeParent: amount.nullable(), status: z.enum(['Proposed', 'Final', 'Challenged', 'Rejected']).nullable(),
  modelCid: hex.nullable(), commitHash: hex.nullable(), deltaRoot: hex.nullable(), dataHash: hex.nullable(),
  accuracyBps: z.number().int().nullable(), loss: amount.nullable(), aggregator: address.nullable(), signers: z.number().int().nullable(),
  registeredBlock: amount.nullable(), registeredAt: amount.nullable(), finalizedAt: amount.nullable()
}).openapi('Version')

export const pageSchema = <T extends z.ZodType>(item: T, name: string): z.ZodObject<{ items: z.ZodArray<T>, nextCursor: z.ZodNullable<z.ZodString> }> =>
  z.object({ items: z.array(item), nextCursor: amount.nullable() }).openapi(name)

export const taskDetailSchema = z.object({ task: taskSchema, rounds: z.array(roundSchema), providers: z.array(taskProviderSchema) }).openapi('TaskDetail')
export const errorSchema = z.object({ error: z.string() }).openapi('Error')

export interface Page {
  limit: number
  /** the last ID of the previous page: this page starts after it */
  after?: bigint
}

export function pageFrom (query: { limit?: number, cursor?: string }): Page {
  return { limit: query.limit ?? DEFAULT_LIMIT, ...(query.cursor === undefined ? {} : { after: BigInt(query.cursor) }) }
}

/** One page of rows ordered by ID; `nextCursor` is set only when more may follow. */
export function pageOf<T extends { id: bigint }> (rows: T[], page: Page): { items: T[], nextCursor: string | null } {
  const items = rows.slice(0, page.limit)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > page.limit && last !== undefined ? last.id.toString() : null }
}

/** What a refused request gets back: every problem, by parameter. */
export function problemOf (error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join('; ')
}

/**
 * The REST routes' parameters and bodies as zod schemas: the same schemas validate each request
 * (a bad one gets a 400 that says which parameter is wrong and what it should be), check each
 * response before it leaves, and make the OpenAPI document at /openapi.json.
 */
import { z } from '@hono/zod-openapi'
import * as sdk from '../../../src/sdk/schemas.ts'

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
  const known = Object.keys(shape).length === 0 ? 'none' : Object.keys(shape).join(', ')
  return z.strictObject(shape, {
    error: (issue) => issue.code === 'unrecognized_keys' ? `unknown query parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}; this route takes ${known}` : undefined
  })
}

const address = (name: string): z.ZodString => z.string().regex(/^0x[0-9a-fA-F]{40}$/, { error: (issue) => `${name} must be a 0x-prefixed 20-byte address, got "${String(issue.input)}"` })

/** GET /tasks: filters, and the order by ID that its cursor follows (after the cursor ascending, before it descending). */
export const tasksQuery = queryOf({
  status: z.string()
    .transform((raw) => raw.split(','))
    .pipe(z.array(z.enum(sdk.TASK_STATUS_NAMES, { error: (issue) => `status must be task statuses separated by commas (${sdk.TASK_STATUS_NAMES.join(', ')}), got "${String(issue.input)}"` })))
    .openapi({ param: { name: 'status', in: 'query' }, description: 'only the tasks in one of these statuses, separated by commas', example: 'Joining,Running' })
    .optional(),
  provider: address('provider').openapi({ param: { name: 'provider', in: 'query' }, description: 'only the tasks this account joined' }).optional(),
  order: z.enum(['asc', 'desc'], { error: (issue) => `order must be asc or desc, got "${String(issue.input)}"` })
    .openapi({ param: { name: 'order', in: 'query' }, description: 'oldest first (asc, the default) or newest first (desc); a page\'s cursor continues in the same order' }).optional(),
  limit: limit.optional(),
  cursor: cursor.optional()
})
export const pageQuery = queryOf({ limit: limit.optional(), cursor: cursor.optional() })
export const versionsQuery = queryOf({
  task: uint('task').openapi({ param: { name: 'task', in: 'query' }, description: 'only the versions of this task' }).optional(),
  model: uint('model').openapi({ param: { name: 'model', in: 'query' }, description: 'only the versions registered in this model (its genesis, task rounds and merges)' }).optional(),
  limit: limit.optional(),
  cursor: cursor.optional()
})
const search = z.string().max(100, { error: 'q must be at most 100 characters' })
  .openapi({ param: { name: 'q', in: 'query' }, description: 'only those whose name or description contains this text (any case)', example: 'digits' })

/** How /models orders its rows; a page's cursor is then its offset in that order. */
export const MODEL_SORTS = ['newest', 'oldest', 'accuracy', 'loss', 'name'] as const

export const modelsQuery = queryOf({
  q: search.optional(),
  sort: z.enum(MODEL_SORTS, { error: (issue) => `sort must be one of ${MODEL_SORTS.join(', ')}, got "${String(issue.input)}"` })
    .openapi({ param: { name: 'sort', in: 'query' }, description: 'newest first (default), oldest first, best head accuracy, lowest head loss, or by name' }).optional(),
  task: uint('task').openapi({ param: { name: 'task', in: 'query' }, description: 'only the model of this task' }).optional(),
  owner: address('owner')
    .openapi({ param: { name: 'owner', in: 'query' }, description: 'only the models this account owns' }).optional(),
  dataSet: uint('dataSet').openapi({ param: { name: 'dataSet', in: 'query' }, description: 'only the models trained on this registered data set' }).optional(),
  forkOf: uint('forkOf').openapi({ param: { name: 'forkOf', in: 'query' }, description: 'only the forks of this model\'s versions' }).optional(),
  limit: limit.optional(),
  // an offset in the chosen order: rows sorted by a metric have no ID to continue after
  cursor: z.string().regex(/^\d{1,9}$/, { error: (issue) => `cursor must be the nextCursor of a previous page, got "${String(issue.input)}"` })
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'the `nextCursor` of the previous page' }).optional()
})
export const disputesQuery = queryOf({
  task: uint('task').openapi({ param: { name: 'task', in: 'query' }, description: 'only the disputes of this task' }).optional(),
  state: z.string()
    .transform((raw) => raw.split(','))
    .pipe(z.array(z.enum(sdk.DISPUTE_STATES, { error: (issue) => `state must be dispute states separated by commas (${sdk.DISPUTE_STATES.join(', ')}), got "${String(issue.input)}"` })))
    .openapi({ param: { name: 'state', in: 'query' }, description: 'only the disputes in one of these states, separated by commas', example: 'open' })
    .optional(),
  limit: limit.optional(),
  cursor: cursor.optional()
})
/** GET /stats takes no parameters. */
export const statsQuery = queryOf({})
export const dataSetsQuery = queryOf({ q: search.optional(), limit: limit.optional(), cursor: cursor.optional() })
/** GET /events and its stream: the feed after a cursor, of one task and/or some event names. */
const eventFilters = {
  task: uint('task').openapi({ param: { name: 'task', in: 'query' }, description: 'only the events of this task: those naming it, and those of its versions, result challenges and slashes (each event\'s `taskId`)' }).optional(),
  name: z.string()
    .transform((raw) => raw.split(','))
    .pipe(z.array(z.enum(sdk.EVENT_NAMES, { error: (issue) => `name must be event names separated by commas (${sdk.EVENT_NAMES.join(', ')}), got "${String(issue.input)}"` })))
    .openapi({ param: { name: 'name', in: 'query' }, description: 'only these events, names separated by commas', example: 'TaskCreated,TaskCompleted' })
    .optional()
}
export const eventsQuery = queryOf({ ...eventFilters, limit: limit.optional(), cursor: cursor.optional() })
export const eventStreamQuery = queryOf({
  ...eventFilters,
  cursor: uint('cursor').openapi({ param: { name: 'cursor', in: 'query' }, description: 'start after this event ID (the `Last-Event-ID` header wins when a client reconnects)' }).optional()
})
export const lastEventIdHeader = z.object({
  'last-event-id': uint('Last-Event-ID').openapi({ param: { name: 'last-event-id', in: 'header' }, description: 'set by an EventSource when it reconnects: resume after this event' }).optional()
})

export const taskParams = z.object({ id: uint('task id').openapi({ param: { name: 'id', in: 'path' }, example: '1' }) })
export const providerParams = z.object({
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, { error: (issue) => `address must be a 0x-prefixed 20-byte address, got "${String(issue.input)}"` })
    .openapi({ param: { name: 'address', in: 'path' }, example: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' })
})
export const modelParams = z.object({ id: uint('model id').openapi({ param: { name: 'id', in: 'path' }, example: '1' }) })
export const versionParams = z.object({ id: uint('version id').openapi({ param: { name: 'id', in: 'path' }, example: '2' }) })

// The answers' schemas are the SDK's (src/sdk/schemas.ts), named here for the OpenAPI document.
export const taskSchema = sdk.taskSchema.openapi('Task')
export const taskDetailSchema = z.object({ task: taskSchema, rounds: z.array(sdk.roundSchema.openapi('Round')), providers: z.array(sdk.taskProviderSchema.openapi('TaskProvider')) }).openapi('TaskDetail')
export const versionSchema = sdk.versionSchema.openapi('Version')
// A page's items are named too, so the document refers to Task and Version rather than repeating them.
export const taskPageSchema = sdk.taskPageSchema.extend({ items: z.array(taskSchema) }).openapi('TaskPage')
export const versionPageSchema = sdk.versionPageSchema.extend({ items: z.array(versionSchema) }).openapi('VersionPage')
export const dataSetSchema = sdk.dataSetSchema.openapi('DataSet')
export const modelSchema = sdk.modelSchema.extend({ dataSet: dataSetSchema.pick({ id: true, name: true, license: true }).nullable() }).openapi('Model')
export const modelPageSchema = sdk.modelPageSchema.extend({ items: z.array(modelSchema) }).openapi('ModelPage')
export const dataSetPageSchema = sdk.dataSetPageSchema.extend({ items: z.array(dataSetSchema) }).openapi('DataSetPage')
export const disputeSchema = sdk.disputeSchema.openapi('Dispute')
export const disputePageSchema = sdk.disputePageSchema.extend({ items: z.array(disputeSchema) }).openapi('DisputePage')
export const eventSchema = sdk.eventSchema.openapi('Event')
export const eventPageSchema = sdk.eventPageSchema.extend({ items: z.array(eventSchema) }).openapi('EventPage')
export const providerSchema = sdk.providerSchema.openapi('Provider')
export const networkStatsSchema = sdk.networkStatsSchema.openapi('NetworkStats')
export const errorSchema = sdk.errorSchema.openapi('Error')

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

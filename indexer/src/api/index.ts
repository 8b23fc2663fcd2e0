/**
 * The indexer's HTTP API (served by Ponder beside /health, /ready, /status): GraphQL over every
 * table at /graphql, and REST routes described by the OpenAPI document at /openapi.json, whose
 * schemas (query.ts) validate every request and every response. Amounts and IDs are uint256 on
 * chain, so JSON carries them as decimal strings.
 */
import { db } from 'ponder:api'
import schema from 'ponder:schema'
import { and, asc, count, countDistinct, desc, eq, gt, graphql, ilike, inArray, isNotNull, isNull, lt, ne, or, replaceBigInts, sum } from 'ponder'
import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import {
  dataSetPageSchema as dataSetPage, dataSetsQuery, disputePageSchema as disputePage, disputesQuery, errorSchema, eventPageSchema as eventPage, eventSchema, eventsQuery, eventStreamQuery, lastEventIdHeader, MAX_LIMIT,
  modelPageSchema as modelPage, modelParams, modelSchema, modelsQuery, networkStatsSchema, pageFrom, pageOf, problemOf, statsQuery,
  taskDetailSchema, taskPageSchema as taskPage, providerParams, providerSchema, taskParams, tasksQuery, versionPageSchema as versionPage, versionParams, versionSchema, versionsQuery
} from './query.ts'

const app = new OpenAPIHono({
  defaultHook: (result, c) => {
    if (!result.success) return c.json({ error: problemOf(result.error) }, 400)
  }
})

/** Rows as JSON carries them: bigints as decimal strings. Each body is then parsed by its route's documented schema. */
const plain = (body: unknown): unknown => replaceBigInts(body, (v) => v.toString())

const json = <S extends z.ZodType>(s: S, description: string): { content: { 'application/json': { schema: S } }, description: string } =>
  ({ content: { 'application/json': { schema: s } }, description })
const badRequest = json(errorSchema, 'a parameter is malformed or unknown; `error` says which')

/** A route that names one thing: its row, parsed by the documented schema, or a 404 saying why there is none. */
const oneRow = <S extends z.ZodType>(c: Context, s: S, row: unknown, missing: string) =>
  row === undefined ? c.json({ error: missing }, 404) : c.json(s.parse(plain(row)), 200)

app.use('/graphql', graphql({ db, schema }))

app.openapi(createRoute({
  method: 'get', path: '/stats', summary: 'The network at a glance: providers online, tasks joining and running, versions trained, results verified, rewards paid',
  description: 'Counted from the indexed tables on each request. Providers online are the members (neither left, ejected nor stepped away) of the tasks joining or running; ' +
    'versions trained are those task rounds proposed, less the rejected; results verified are those consensus accepted; rewards paid (wei) sums every reward credited.',
  request: { query: statsQuery },
  responses: { 200: json(networkStatsSchema, 'the figures'), 400: badRequest }
}), async (c) => {
  const open = inArray(schema.task.status, ['Joining', 'Running'])
  const [[providers], statuses, [versions], [results], [rewards]] = await Promise.all([
    db.select({ n: countDistinct(schema.taskProvider.provider) }).from(schema.taskProvider)
      .innerJoin(schema.task, eq(schema.taskProvider.taskId, schema.task.id))
      .where(and(open, eq(schema.taskProvider.left, false), eq(schema.taskProvider.applicant, false), isNull(schema.taskProvider.ejectedFromRound), isNull(schema.taskProvider.awayFromRound))),
    db.select({ status: schema.task.status, n: count() }).from(schema.task).where(open).groupBy(schema.task.status),
    db.select({ n: count() }).from(schema.version).where(and(isNotNull(schema.version.round), ne(schema.version.status, 'Rejected'))),
    db.select({ n: count() }).from(schema.result).where(eq(schema.result.status, 'accepted')),
    db.select({ total: sum(schema.reward.amount) }).from(schema.reward)
  ])
  const tasksIn = (status: string): number => statuses.find((row) => row.status === status)?.n ?? 0
  return c.json(networkStatsSchema.parse({
    providersOnline: providers?.n ?? 0,
    tasksJoining: tasksIn('Joining'),
    tasksRunning: tasksIn('Running'),
    versionsTrained: versions?.n ?? 0,
    resultsVerified: results?.n ?? 0,
    // SUM of no rows is NULL; of numeric, a decimal string
    rewardsPaid: rewards?.total ?? '0'
  }), 200)
})

app.openapi(createRoute({
  method: 'get', path: '/tasks', summary: 'Tasks in creation order (or newest first), a page at a time, optionally in some statuses or joined by one provider',
  request: { query: tasksQuery },
  responses: { 200: json(taskPage, 'a page of tasks'), 400: badRequest }
}), async (c) => {
  const query = c.req.valid('query')
  const page = pageFrom(query)
  const t = schema.task
  const newestFirst = query.order === 'desc'
  const rows = await db.select().from(t)
    .where(and(
      query.status === undefined ? undefined : inArray(t.status, query.status),
      query.provider === undefined
        ? undefined
        : inArray(t.id, db.select({ id: schema.taskProvider.taskId }).from(schema.taskProvider).where(eq(schema.taskProvider.provider, query.provider.toLowerCase() as `0x${string}`))),
      // the cursor is the previous page's last ID: the next page continues past it in the same order
      page.after === undefined ? undefined : newestFirst ? lt(t.id, page.after) : gt(t.id, page.after)
    ))
    .orderBy(newestFirst ? desc(t.id) : asc(t.id)).limit(page.limit + 1)
  return c.json(taskPage.parse(plain(pageOf(rows, page))), 200)
})

// One task with its rounds and members; `rounds` in the task row is how many it has, so the rows sit beside it.
app.openapi(createRoute({
  method: 'get', path: '/tasks/{id}', summary: 'One task with its rounds and providers',
  request: { params: taskParams },
  responses: { 200: json(taskDetailSchema, 'the task'), 400: badRequest, 404: json(errorSchema, 'no such task is indexed (yet)') }
}), async (c) => {
  const id = BigInt(c.req.valid('param').id)
  const [[row], rounds, providers] = await Promise.all([
    db.select().from(schema.task).where(eq(schema.task.id, id)),
    db.select().from(schema.round).where(eq(schema.round.taskId, id)).orderBy(asc(schema.round.round)),
    db.select().from(schema.taskProvider).where(eq(schema.taskProvider.taskId, id)).orderBy(asc(schema.taskProvider.index))
  ])
  return oneRow(c, taskDetailSchema, row === undefined ? undefined : { task: row, rounds, providers }, `task ${id} is not indexed (yet)`)
})

app.openapi(createRoute({
  method: 'get', path: '/versions', summary: 'Model versions in registration order, optionally of one task',
  request: { query: versionsQuery },
  responses: { 200: json(versionPage, 'a page of versions'), 400: badRequest }
}), async (c) => {
  const query = c.req.valid('query')
  const page = pageFrom(query)
  const rows = await db.select().from(schema.version)
    .where(and(
      query.task === undefined ? undefined : eq(schema.version.taskId, BigInt(query.task)),
      query.model === undefined ? undefined : eq(schema.version.modelId, BigInt(query.model)),
      page.after === undefined ? undefined : gt(schema.version.id, page.after)
    ))
    .orderBy(asc(schema.version.id)).limit(page.limit + 1)
  return c.json(versionPage.parse(plain(pageOf(rows, page))), 200)
})

app.openapi(createRoute({
  method: 'get', path: '/providers/{address}', summary: 'A provider: tasks joined, results accepted, rewards, reputation, claims, slashes and stake',
  request: { params: providerParams },
  responses: { 200: json(providerSchema, 'the provider'), 400: badRequest, 404: json(errorSchema, 'no such provider is indexed (it never staked or joined a task)') }
}), async (c) => {
  const address = c.req.valid('param').address.toLowerCase() as `0x${string}`
  const [row] = await db.select().from(schema.provider).where(eq(schema.provider.address, address))
  return oneRow(c, providerSchema, row, `provider ${address} is not indexed: it never staked or joined a task`)
})

app.openapi(createRoute({
  method: 'get', path: '/versions/{id}', summary: 'One model version',
  request: { params: versionParams },
  responses: { 200: json(versionSchema, 'the version'), 400: badRequest, 404: json(errorSchema, 'no such version is indexed (yet)') }
}), async (c) => {
  const id = BigInt(c.req.valid('param').id)
  const [row] = await db.select().from(schema.version).where(eq(schema.version.id, id))
  return oneRow(c, versionSchema, row, `version ${id} is not indexed (yet)`)
})

/** `%text%` for ILIKE, its own wildcards escaped so a search for "50%" means those characters. */
const contains = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** Models with the name and licence of the data set each cites, for modelOf. */
const modelsWithDataSet = () => db.select({ model: schema.model, dataSet: { id: schema.dataSet.id, name: schema.dataSet.name, license: schema.dataSet.license } })
  .from(schema.model).leftJoin(schema.dataSet, eq(schema.model.dataSetId, schema.dataSet.id))

const modelOf = (row: Awaited<ReturnType<typeof modelsWithDataSet>>[number]) => ({ ...row.model, dataSet: row.dataSet?.id == null ? null : row.dataSet })

app.openapi(createRoute({
  method: 'get', path: '/models', summary: 'Models for the market: search, filter and sort, with the head\'s metrics and the data set\'s licence',
  request: { query: modelsQuery },
  responses: { 200: json(modelPage, 'a page of models'), 400: badRequest }
}), async (c) => {
  const query = c.req.valid('query')
  const limit = pageFrom(query).limit
  const offset = query.cursor === undefined ? 0 : Number(query.cursor)
  const m = schema.model
  const order = {
    newest: [desc(m.id)],
    oldest: [asc(m.id)],
    // models without a scored head (a fresh task's genesis) sort last
    accuracy: [asc(isNull(m.headAccuracyBps)), desc(m.headAccuracyBps), desc(m.id)],
    loss: [asc(isNull(m.headLoss)), asc(m.headLoss), desc(m.id)],
    name: [asc(m.name), asc(m.id)]
  }[query.sort ?? 'newest']
  const rows = await modelsWithDataSet()
    .where(and(
      query.q === undefined ? undefined : or(ilike(m.name, contains(query.q)), ilike(m.description, contains(query.q))),
      query.task === undefined ? undefined : eq(m.taskId, BigInt(query.task)),
      query.owner === undefined ? undefined : eq(m.owner, query.owner.toLowerCase() as `0x${string}`),
      query.dataSet === undefined ? undefined : eq(m.dataSetId, BigInt(query.dataSet)),
      // a fork has no task and starts at (forkedFrom) a version of the model it forks
      query.forkOf === undefined
        ? undefined
        : and(isNull(m.taskId), inArray(m.forkedFrom, db.select({ id: schema.version.id }).from(schema.version).where(eq(schema.version.modelId, BigInt(query.forkOf)))))
    ))
    .orderBy(...order).limit(limit + 1).offset(offset)
  const items = rows.slice(0, limit).map(modelOf)
  return c.json(modelPage.parse(plain({ items, nextCursor: rows.length > limit ? String(offset + limit) : null })), 200)
})

app.openapi(createRoute({
  method: 'get', path: '/models/{id}', summary: 'One model, with its head\'s metrics and its data set\'s licence',
  request: { params: modelParams },
  responses: { 200: json(modelSchema, 'the model'), 400: badRequest, 404: json(errorSchema, 'no such model is indexed (yet)') }
}), async (c) => {
  const id = BigInt(c.req.valid('param').id)
  const [row] = await modelsWithDataSet().where(eq(schema.model.id, id))
  return oneRow(c, modelSchema, row === undefined ? undefined : modelOf(row), `model ${id} is not indexed (yet)`)
})

app.openapi(createRoute({
  method: 'get', path: '/datasets', summary: 'Registered data sets in registration order',
  request: { query: dataSetsQuery },
  responses: { 200: json(dataSetPage, 'a page of data sets'), 400: badRequest }
}), async (c) => {
  const query = c.req.valid('query')
  const page = pageFrom(query)
  const d = schema.dataSet
  const rows = await db.select().from(d)
    .where(and(
      query.q === undefined ? undefined : or(ilike(d.name, contains(query.q)), ilike(d.description, contains(query.q))),
      page.after === undefined ? undefined : gt(d.id, page.after)
    ))
    .orderBy(asc(d.id)).limit(page.limit + 1)
  return c.json(dataSetPage.parse(plain(pageOf(rows, page))), 200)
})

app.openapi(createRoute({
  method: 'get', path: '/disputes', summary: 'Challenged results and versions, with their verdicts and slashes, optionally of one task or in some states',
  description: 'One row per result or version challenged, in the order of the event that last opened it; the cursor is its `seq` (that event\'s ID in /events). ' +
    'A result challenged again after its last challenge closed moves to its new place.',
  request: { query: disputesQuery },
  responses: { 200: json(disputePage, 'a page of disputes'), 400: badRequest }
}), async (c) => {
  const query = c.req.valid('query')
  const page = pageFrom(query)
  const d = schema.dispute
  const rows = await db.select().from(d)
    .where(and(
      query.task === undefined ? undefined : eq(d.taskId, BigInt(query.task)),
      query.state === undefined ? undefined : inArray(d.state, query.state),
      page.after === undefined ? undefined : gt(d.seq, page.after)
    ))
    .orderBy(asc(d.seq)).limit(page.limit + 1)
  const items = rows.slice(0, page.limit)
  const nextCursor = rows.length > page.limit ? items.at(-1)?.seq.toString() ?? null : null
  return c.json(disputePage.parse(plain({ items, nextCursor })), 200)
})

interface EventFilter { task?: string, name?: string[] }

/** The feed's rows after `after` that pass the filters, in chain order. */
async function eventsAfter (filter: EventFilter, after: bigint | undefined, limit: number): Promise<Array<typeof schema.event.$inferSelect>> {
  return await db.select().from(schema.event)
    .where(and(
      filter.task === undefined ? undefined : eq(schema.event.taskId, BigInt(filter.task)),
      filter.name === undefined ? undefined : inArray(schema.event.name, filter.name),
      after === undefined ? undefined : gt(schema.event.id, after)
    ))
    .orderBy(asc(schema.event.id)).limit(limit)
}

app.openapi(createRoute({
  method: 'get', path: '/events', summary: 'Contract events in chain order, a page at a time, optionally of one task or some event names',
  description: 'The cursor is an event\'s `id` (block number * 2^20 + log index). A chain reorganisation removes the events of the blocks it drops, so a page read again may lack events an earlier read had.',
  request: { query: eventsQuery },
  responses: { 200: json(eventPage, 'a page of events'), 400: badRequest }
}), async (c) => {
  const query = c.req.valid('query')
  const page = pageFrom(query)
  const rows = await eventsAfter(query, page.after, page.limit + 1)
  return c.json(eventPage.parse(plain(pageOf(rows, page))), 200)
})

/** How often the stream looks for new rows, and how long it stays silent before a heartbeat comment. */
const STREAM_POLL_MS = 300
const STREAM_HEARTBEAT_MS = 15_000

app.openapi(createRoute({
  method: 'get', path: '/events/stream', summary: 'The same events, live, as Server-Sent Events',
  description: 'Each message is one event: `event: <name>`, `id: <event id>`, `data: <the event as JSON>`. A reconnecting EventSource sends `Last-Event-ID` and resumes after it; ' +
    '`cursor` does the same for the first connection. Comment lines (`: heartbeat`) keep idle connections open through proxies. Events of blocks a reorganisation drops are not taken back.',
  request: { query: eventStreamQuery, headers: lastEventIdHeader },
  responses: { 200: { content: { 'text/event-stream': { schema: eventSchema } }, description: 'a stream of events, never ending' }, 400: badRequest }
}), (c) => {
  const query = c.req.valid('query')
  const resume = c.req.valid('header')['last-event-id'] ?? query.cursor
  return streamSSE(c, async (stream) => {
    let after = resume === undefined ? undefined : BigInt(resume)
    let quietSince = Date.now()
    let gone = false
    const closed = new Promise<void>((resolve) => {
      const leave = (): void => { gone = true; resolve() }
      stream.onAbort(leave)
      c.req.raw.signal.addEventListener('abort', leave, { once: true })
    })
    // the poll ends as soon as the client goes: `gone` is set by the listeners above
    while (true) {
      if (gone || stream.closed) return
      const rows = await eventsAfter(query, after, MAX_LIMIT)
      for (const row of rows) {
        const event = eventSchema.parse(plain(row))
        await stream.writeSSE({ id: event.id, event: event.name, data: JSON.stringify(event) })
        after = row.id
        quietSince = Date.now()
      }
      if (rows.length === MAX_LIMIT) continue
      if (Date.now() - quietSince >= STREAM_HEARTBEAT_MS) {
        await stream.write(': heartbeat\n\n')
        quietSince = Date.now()
      }
      await Promise.race([closed, stream.sleep(STREAM_POLL_MS)])
    }
  })
})

app.doc31('/openapi.json', {
  openapi: '3.1.0',
  info: { title: 'ML Bridge indexer', version: '1', description: 'What the indexer read from the protocol\'s events. GraphQL over every table is at /graphql.' }
})

export default app

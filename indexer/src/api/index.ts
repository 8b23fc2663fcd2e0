/**
 * The indexer's HTTP API (served by Ponder beside /health, /ready, /status): GraphQL over every
 * table at /graphql, and a few REST routes. Amounts and IDs are uint256 on chain, so JSON carries
 * them as decimal strings.
 */
import { db } from 'ponder:api'
import schema from 'ponder:schema'
import { and, asc, eq, gt, graphql, replaceBigInts } from 'ponder'
import { Hono, type Context } from 'hono'
import { BadQueryError, assertKnown, pageOf, parseId, parsePage } from './query.ts'

const app = new Hono()

const json = (c: Context, body: unknown, status: 200 | 400 | 404 = 200): Response =>
  c.json(replaceBigInts(body, (v) => v.toString()) as object, status)

app.onError((error, c) => {
  if (error instanceof BadQueryError) return json(c, { error: error.message }, 400)
  throw error
})

app.use('/graphql', graphql({ db, schema }))

app.get('/tasks', async (c) => {
  const query = c.req.query()
  assertKnown(query, ['limit', 'cursor'])
  const page = parsePage(query)
  const rows = await db.select().from(schema.task)
    .where(page.after === undefined ? undefined : gt(schema.task.id, page.after))
    .orderBy(asc(schema.task.id)).limit(page.limit + 1)
  return json(c, pageOf(rows, page))
})

// One task with its rounds and members; `rounds` in the task row is how many it has, so the rows sit beside it.
app.get('/tasks/:id', async (c) => {
  const id = parseId(c.req.param('id'), 'task id')
  const [row] = await db.select().from(schema.task).where(eq(schema.task.id, id))
  if (row === undefined) return json(c, { error: `task ${id} is not indexed (yet)` }, 404)
  const rounds = await db.select().from(schema.round).where(eq(schema.round.taskId, id)).orderBy(asc(schema.round.round))
  const providers = await db.select().from(schema.taskProvider).where(eq(schema.taskProvider.taskId, id)).orderBy(asc(schema.taskProvider.index))
  return json(c, { task: row, rounds, providers })
})

app.get('/versions', async (c) => {
  const query = c.req.query()
  assertKnown(query, ['task', 'limit', 'cursor'])
  const page = parsePage(query)
  const task = query.task === undefined ? undefined : parseId(query.task, 'task')
  const rows = await db.select().from(schema.version)
    .where(and(
      task === undefined ? undefined : eq(schema.version.taskId, task),
      page.after === undefined ? undefined : gt(schema.version.id, page.after)
    ))
    .orderBy(asc(schema.version.id)).limit(page.limit + 1)
  return json(c, pageOf(rows, page))
})

export default app

/** DataRegistry: data sets, their terms and owners, and the tasks (and so the models) that cite them. */
import { on } from './feed.ts'
import { dataSet, model, task } from 'ponder:schema'

on('DataRegistry:DataSetRegistered', async ({ event, context }) => {
  const { dataSetId, owner, contentHash, manifestCid, name, license, description } = event.args
  await context.db.insert(dataSet).values({
    id: dataSetId, owner, contentHash, manifestCid, name, license, description, citations: 0, registeredBlock: event.block.number, registeredAt: event.block.timestamp
  })
})

on('DataRegistry:DataSetUpdated', async ({ event, context }) => {
  await context.db.update(dataSet, { id: event.args.dataSetId }).set({ license: event.args.license, description: event.args.description })
})

on('DataRegistry:DataSetOwnershipTransferred', async ({ event, context }) => {
  await context.db.update(dataSet, { id: event.args.dataSetId }).set({ owner: event.args.newOwner })
})

on('DataRegistry:DataSetCited', async ({ event, context }) => {
  const { taskId, dataSetId } = event.args
  const cited = await context.db.update(task, { id: taskId }).set({ dataSetId })
  await context.db.update(model, { id: cited.modelId }).set({ dataSetId })
  await context.db.update(dataSet, { id: dataSetId }).set((row) => ({ citations: row.citations + 1 }))
})

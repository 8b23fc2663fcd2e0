/** ModelRegistry: versions, their task round and aggregator, and their fate. */
import { on } from './feed.ts'
import { model, round, version } from 'ponder:schema'
import { VERSION_STATUSES, roundId } from '../ids.ts'

on('ModelRegistry:VersionRegistered', async ({ event, context }) => {
  const { versionId, modelId, parent, mergeParent, status, modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss } = event.args
  const values = {
    modelId, parent, mergeParent, status: VERSION_STATUSES[status] ?? 'None', modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss,
    registeredBlock: event.block.number, registeredAt: event.block.timestamp,
    ...(VERSION_STATUSES[status] === 'Final' ? { finalizedAt: event.block.timestamp } : {})
  }
  await context.db.insert(version).values({ id: versionId, ...values }).onConflictDoUpdate(values)
  // a task's genesis version comes before its ModelCreated, which counts it
  if (await context.db.find(model, { id: modelId }) !== null) await context.db.update(model, { id: modelId }).set((row) => ({ versionCount: row.versionCount + 1 }))
})

type VersionRow = typeof version.$inferSelect

/** A head version's metrics as the model row copies them (null while the version is not indexed). */
function metricsOf (row: VersionRow | null): { headAccuracyBps: number | null, headLoss: bigint | null } {
  return { headAccuracyBps: row?.accuracyBps ?? null, headLoss: row?.loss ?? null }
}

on('ModelRegistry:ModelCreated', async ({ event, context }) => {
  const { modelId, owner, taskId, head } = event.args
  const fork = taskId === 0n
  const headRow = await context.db.find(version, { id: head })
  // A task continuing a version has that version as its genesis's parent (registered just before).
  const genesisParent = fork ? null : headRow?.parent ?? null
  const forkedFrom = fork ? head : genesisParent === 0n ? null : genesisParent
  // a fork is named after the model it came from; a task's model gets its task's name from TaskCreated, next in the transaction
  const sourceModel = !fork || headRow?.modelId == null ? null : await context.db.find(model, { id: headRow.modelId })
  await context.db.insert(model).values({
    id: modelId, owner, taskId: fork ? null : taskId, forkedFrom,
    name: sourceModel === null ? '' : `fork of ${sourceModel.name}`, description: sourceModel?.description ?? '',
    head, ...metricsOf(headRow), versionCount: fork ? 0 : 1, dataSetId: sourceModel?.dataSetId ?? null,
    createdBlock: event.block.number, createdAt: event.block.timestamp
  })
})

on('ModelRegistry:HeadMoved', async ({ event, context }) => {
  const headRow = await context.db.find(version, { id: event.args.to })
  await context.db.update(model, { id: event.args.modelId }).set({ head: event.args.to, ...metricsOf(headRow) })
})

on('ModelRegistry:VersionProposed', async ({ event, context }) => {
  const { versionId, taskId, round: n, aggregator } = event.args
  // The event leaves out the signers it needs and the end of its quiet window, set once by the proposal.
  const { requiredSigners, challengeDeadline } = await context.client.readContract({
    abi: context.contracts.ModelRegistry.abi, address: event.log.address, functionName: 'getVersion', args: [versionId], blockNumber: event.block.number
  })
  const values = { taskId, round: Number(n), aggregator, signers: 1, requiredSigners, challengeDeadline }
  await context.db.insert(version).values({ id: versionId, ...values }).onConflictDoUpdate(values)
  const id = roundId(taskId, n)
  if (await context.db.find(round, { id }) !== null) await context.db.update(round, { id }).set({ versionId })
})

on('ModelRegistry:VersionConfirmed', async ({ event, context }) => {
  await context.db.update(version, { id: event.args.versionId }).set({ signers: Number(event.args.signers) })
})

// VersionChallenged and the challenge's other events: disputes.ts

on('ModelRegistry:VersionFinalized', async ({ event, context }) => {
  await context.db.update(version, { id: event.args.versionId }).set({ status: 'Final', finalizedAt: event.block.timestamp })
})

on('ModelRegistry:VersionRejected', async ({ event, context }) => {
  await context.db.update(version, { id: event.args.versionId }).set({ status: 'Rejected' })
})

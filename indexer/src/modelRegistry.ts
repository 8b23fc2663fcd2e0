/** ModelRegistry: versions, their task round and aggregator, and their fate. */
import { on } from './feed.ts'
import { round, version } from 'ponder:schema'
import { VERSION_STATUSES, roundId } from '../ids.ts'

on('ModelRegistry:VersionRegistered', async ({ event, context }) => {
  const { versionId, modelId, parent, mergeParent, status, modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss } = event.args
  const values = {
    modelId, parent, mergeParent, status: VERSION_STATUSES[status] ?? 'None', modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss,
    registeredBlock: event.block.number, registeredAt: event.block.timestamp,
    ...(VERSION_STATUSES[status] === 'Final' ? { finalizedAt: event.block.timestamp } : {})
  }
  await context.db.insert(version).values({ id: versionId, ...values }).onConflictDoUpdate(values)
})

on('ModelRegistry:VersionProposed', async ({ event, context }) => {
  const { versionId, taskId, round: n, aggregator } = event.args
  const values = { taskId, round: Number(n), aggregator, signers: 1 }
  await context.db.insert(version).values({ id: versionId, ...values }).onConflictDoUpdate(values)
  const id = roundId(taskId, n)
  if (await context.db.find(round, { id }) !== null) await context.db.update(round, { id }).set({ versionId })
})

on('ModelRegistry:VersionConfirmed', async ({ event, context }) => {
  await context.db.update(version, { id: event.args.versionId }).set({ signers: Number(event.args.signers) })
})

on('ModelRegistry:VersionChallenged', async ({ event, context }) => {
  await context.db.update(version, { id: event.args.versionId }).set({ status: 'Challenged' })
})

on('ModelRegistry:VersionFinalized', async ({ event, context }) => {
  await context.db.update(version, { id: event.args.versionId }).set({ status: 'Final', finalizedAt: event.block.timestamp })
})

on('ModelRegistry:VersionRejected', async ({ event, context }) => {
  await context.db.update(version, { id: event.args.versionId }).set({ status: 'Rejected' })
})

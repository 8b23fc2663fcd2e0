/** TaskManager: tasks, their rounds and who joined them. */
import { on } from './feed.ts'
import { model, provider, round, task, taskProvider, version } from 'ponder:schema'
import { MAX_PROVIDERS } from '../../src/core/taskLimits.ts'
import { TASK_STATUSES, roundId, taskProviderId } from '../ids.ts'

on('TaskManager:TaskCreated', async ({ event, context }) => {
  const { taskId, creator, modelId, initialVersionId, specCid, datasetCid, escrow, name, description } = event.args
  // The event leaves out the task's shape; one read at the creation block fills it in.
  const shape = await context.client.readContract({
    abi: context.contracts.TaskManager.abi, address: event.log.address, functionName: 'getTask', args: [taskId], blockNumber: event.block.number
  })
  await context.db.insert(task).values({
    id: taskId, creator, name, description, modelId, initialVersionId, specCid, datasetCid, escrow,
    status: TASK_STATUSES[shape.status] ?? 'Joining',
    rounds: shape.rounds, shards: shape.shards, replication: shape.replication, rewardPerResult: shape.rewardPerResult,
    joinDeadline: shape.joinDeadline, trainMflop: shape.trainMflop,
    providerCount: 0, createdBlock: event.block.number, createdAt: event.block.timestamp
  })
  // the genesis version and the model were registered (ModelRegistry) in this transaction, before they knew their task's name
  await context.db.insert(version).values({ id: initialVersionId, taskId }).onConflictDoUpdate({ taskId })
  await context.db.update(model, { id: modelId }).set({ name, description })
})

on('TaskManager:ProviderJoined', async ({ event, context }) => {
  const { taskId, provider: address, weight, index } = event.args
  await context.db.insert(taskProvider).values({ id: taskProviderId(taskId, address), taskId, provider: address, weight, index: Number(index), applicant: false, left: false })
  await context.db.update(task, { id: taskId }).set((row) => ({ providerCount: row.providerCount + 1 }))
  await countJoin(context, address)
})

// Every place was taken: an applicant until the draw after the joining window gives it one.
on('TaskManager:ProviderApplied', async ({ event, context }) => {
  const { taskId, provider: address, weight, position } = event.args
  await context.db.insert(taskProvider).values({ id: taskProviderId(taskId, address), taskId, provider: address, weight, index: MAX_PROVIDERS + Number(position), applicant: true, left: false })
  await countJoin(context, address)
})

// The draw swapped a provider left without a place with an applicant it chose: each takes the other's index.
on('TaskManager:ProviderReplaced', async ({ event, context }) => {
  const { taskId, index, previous, provider: address } = event.args
  const entrant = await context.db.find(taskProvider, { id: taskProviderId(taskId, address) })
  await context.db.update(taskProvider, { id: taskProviderId(taskId, previous) }).set({ index: entrant?.index ?? MAX_PROVIDERS, applicant: true, awayFromRound: null })
  await context.db.update(taskProvider, { id: taskProviderId(taskId, address) }).set({ index: Number(index), applicant: false })
})

// Kept in the feed; the ProviderReplaced events of the same transaction carry what changed.
on('TaskManager:ApplicantDrawScheduled', async () => {})
on('TaskManager:ApplicantsDrawn', async () => {})
on('TaskManager:RoundHeld', async () => {})

async function countJoin (context: Parameters<Parameters<typeof on>[1]>[0]['context'], address: `0x${string}`): Promise<void> {
  await context.db.insert(provider)
    .values({ address, tasksJoined: 1, acceptedCount: 0, rewardsEarned: 0n, reputation: 0, claimed: 0n, slashed: 0n })
    .onConflictDoUpdate((row) => ({ tasksJoined: row.tasksJoined + 1 }))
}

on('TaskManager:RoundStarted', async ({ event, context }) => {
  const { taskId, round: n, seedBlock, startedAt } = event.args
  await context.db.insert(round).values({ id: roundId(taskId, n), taskId, round: Number(n), seedBlock, startedAt })
  await context.db.update(task, { id: taskId }).set({ status: 'Running', currentRound: Number(n) })
})

on('TaskManager:TaskCompleted', async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ status: 'Completed', refund: event.args.refund, closedAt: event.block.timestamp, closeReason: 'completed' })
})

// A stalled or under-subscribed task ends as Cancelled too; TaskCancelled carries the refund. In the
// closing transaction TaskStalled comes before TaskCancelled and TaskUnderSubscribed after it, so
// each keeps its reason.
on('TaskManager:TaskStalled', async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ closeReason: 'stalled' })
})

on('TaskManager:TaskCancelled', async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId })
    .set((row) => ({ status: 'Cancelled', refund: event.args.refund, closedAt: event.block.timestamp, closeReason: row.closeReason ?? 'cancelled' }))
})

on('TaskManager:TaskUnderSubscribed', async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ status: 'Cancelled', refund: event.args.refund, closedAt: event.block.timestamp, closeReason: 'underSubscribed' })
})

on('TaskManager:ProviderEjected', async ({ event, context }) => {
  const { taskId, provider: address, fromRound } = event.args
  await context.db.update(taskProvider, { id: taskProviderId(taskId, address) }).set({ ejectedFromRound: Number(fromRound) })
})

on('TaskManager:ProviderSteppedAway', async ({ event, context }) => {
  const { taskId, provider: address, fromRound } = event.args
  await context.db.update(taskProvider, { id: taskProviderId(taskId, address) }).set({ awayFromRound: Number(fromRound) })
})

on('TaskManager:ProviderSteppedBack', async ({ event, context }) => {
  await context.db.update(taskProvider, { id: taskProviderId(event.args.taskId, event.args.provider) }).set({ awayFromRound: null })
})

on('TaskManager:ProviderLeft', async ({ event, context }) => {
  await context.db.update(taskProvider, { id: taskProviderId(event.args.taskId, event.args.provider) }).set({ left: true })
})

// The feed keeps these for the task's history; TaskCancelled or TaskCompleted ends the row's task.
on('TaskManager:TaskCancelRequested', async () => {})

/** RewardDistributor: stakes, rewards credited, claims and slashes, summed per provider. */
import type { Context } from 'ponder:registry'
import { on } from './feed.ts'
import { claim, provider, reward, slash } from 'ponder:schema'

const NEW_PROVIDER = { tasksJoined: 0, acceptedCount: 0, rewardsEarned: 0n, reputation: 0, claimed: 0n, slashed: 0n }

on('RewardDistributor:RewardCredited', async ({ event, context }) => {
  const { taskId, provider: address, amount, reputation } = event.args
  await context.db.insert(reward).values({ id: event.id, taskId, provider: address, amount, reputation, block: event.block.number, timestamp: event.block.timestamp })
  await context.db.insert(provider)
    .values({ ...NEW_PROVIDER, address, acceptedCount: 1, rewardsEarned: amount, reputation })
    .onConflictDoUpdate((row) => ({ acceptedCount: row.acceptedCount + 1, rewardsEarned: row.rewardsEarned + amount, reputation }))
})

on('RewardDistributor:ReputationChanged', async ({ event, context }) => {
  const row = await context.db.find(provider, { address: event.args.provider })
  if (row !== null) await context.db.update(provider, { address: event.args.provider }).set({ reputation: event.args.reputation })
})

// Creators and reporters claim too: their claims are kept, but only providers have a provider row.
on('RewardDistributor:Claimed', async ({ event, context }) => {
  const { account, amount } = event.args
  await context.db.insert(claim).values({ id: event.id, account, amount, block: event.block.number, timestamp: event.block.timestamp })
  if (await context.db.find(provider, { address: account }) !== null) {
    await context.db.update(provider, { address: account }).set((row) => ({ claimed: row.claimed + amount }))
  }
})

on('RewardDistributor:Slashed', async ({ event, context }) => {
  const { provider: address, amount, burned, reporter, reporterShare } = event.args
  await context.db.insert(slash).values({ id: event.id, provider: address, amount, burned, reporter, reporterShare, block: event.block.number, timestamp: event.block.timestamp })
  await context.db.insert(provider)
    .values({ ...NEW_PROVIDER, address, slashed: amount })
    .onConflictDoUpdate((row) => ({ slashed: row.slashed + amount }))
  await refreshStake(context, address)
})

/**
 * The provider's stake as the distributor holds it at the event's block. Read rather than summed:
 * a slash or a forfeit takes from the locked, free and unbonding stake in a split no event carries.
 */
async function refreshStake (context: Context, address: `0x${string}`): Promise<void> {
  const { abi, address: distributor } = context.contracts.RewardDistributor
  const [[stake, unstaking], lockedStake, unstakeReleaseAt] = await Promise.all([
    context.client.readContract({ abi, address: distributor, functionName: 'stakes', args: [address] }),
    context.client.readContract({ abi, address: distributor, functionName: 'lockedStake', args: [address] }),
    context.client.readContract({ abi, address: distributor, functionName: 'unbondingReleaseAt', args: [address] })
  ])
  const values = { stake, unstaking, lockedStake, unstakeReleaseAt: BigInt(unstakeReleaseAt) }
  await context.db.insert(provider).values({ ...NEW_PROVIDER, address, ...values }).onConflictDoUpdate(values)
}

on('RewardDistributor:Staked', async ({ event, context }) => { await refreshStake(context, event.args.provider) })
on('RewardDistributor:UnstakeRequested', async ({ event, context }) => { await refreshStake(context, event.args.provider) })
on('RewardDistributor:Withdrawn', async ({ event, context }) => { await refreshStake(context, event.args.provider) })
on('RewardDistributor:StakeLocked', async ({ event, context }) => { await refreshStake(context, event.args.provider) })
on('RewardDistributor:StakeReleased', async ({ event, context }) => { await refreshStake(context, event.args.provider) })
on('RewardDistributor:LivenessForfeited', async ({ event, context }) => { await refreshStake(context, event.args.provider) })

// The feed keeps a task's escrow and its slashes' appeals for the task's history (feedTask.ts); no table sums them.
on('RewardDistributor:EscrowDeposited', async () => {})
on('RewardDistributor:EscrowRefunded', async () => {})
on('RewardDistributor:EarningsForfeited', async () => {})
on('RewardDistributor:SlashPending', async () => {})
on('RewardDistributor:SlashExecuted', async () => {})
on('RewardDistributor:SlashOverturned', async () => {})

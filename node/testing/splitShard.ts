import { isAddressEqual, type Address } from 'viem'
import { advance, commitResult, finalizeShard, readRound, revealResult, type WriteContext } from '../../src/chain/actions/index.ts'
import type { LocalChain } from './localChain.ts'
import { createPlainTask, joinAsProvider, placeholderCid } from './placeholderTask.ts'

/** A split of one shard between two providers: replica 0 honest, replica 1 far off; the shard ends disputed. */
export async function splitShard (local: Pick<LocalChain, 'testClient' | 'timeTravel'>, creator: WriteContext, providers: WriteContext[]): Promise<{ taskId: bigint, assigned: readonly Address[] }> {
  const taskId = await createPlainTask(creator, { replication: 2, maxReplication: 2 })
  for (const provider of providers) await joinAsProvider(provider, taskId)
  await local.timeTravel(601)
  await advance(creator, { taskId })
  // The block after the advance draws the providers.
  await local.testClient.mine({ blocks: 2 })
  const assigned = (await readRound(creator, { taskId })).shards[0]!.providers
  const ctxFor = (address: Address): WriteContext => providers.find((p) => isAddressEqual(p.walletClient.account.address, address))!
  const committed = []
  for (const [replica, address] of assigned.entries()) {
    committed.push(await commitResult(ctxFor(address), { taskId, round: 0, shard: 0, attempt: 0, replica, deltaCid: placeholderCid(`delta ${replica}`), sealedCid: placeholderCid(`sealed ${replica}`) }))
  }
  // The fingerprint seed is the hash of the block after the last commit.
  await local.testClient.mine({ blocks: 2 })
  for (const [replica, c] of committed.entries()) {
    await revealResult(ctxFor(assigned[replica]!), { ...c, fingerprint: Array<number>(16).fill(replica * 1_000_000) })
  }
  const { outcome } = await finalizeShard(creator, { taskId, round: 0, shard: 0 })
  if (outcome.kind !== 'disputed') throw new Error(`the split shard was decided ${outcome.kind}, not disputed`)
  return { taskId, assigned }
}

import { isAddressEqual, type Address, type Hex } from 'viem'
import {
  advance, commitResult, readAcceptedResults, readRound, revealResult, type ShardOutcome, type TaskParams, type WriteContext
} from '../../src/chain/actions/index.ts'
import type { AcceptedResult } from '../../src/core/version/acceptedResults.ts'
import type { LocalChain } from './localChain.ts'
import { createPlainTask, joinAsProvider, placeholderCid, placeholderTaskParams } from './placeholderTask.ts'

type Chain = Pick<LocalChain, 'testClient' | 'timeTravel'>

/**
 * The one shard of a placeholder task with a replica per provider: each commits and reveals
 * `fingerprint(replica)` (and `deltaCid(replica)`, a placeholder by default), then the shard is
 * finalized. `drawn` are the providers in replica order.
 */
async function revealShard (
  local: Chain, creator: WriteContext, providers: WriteContext[],
  opts: { fingerprint: (replica: number) => number[], deltaCid?: (replica: number) => Hex, over?: Partial<TaskParams> }
): Promise<{ taskId: bigint, drawn: WriteContext[], outcome: ShardOutcome }> {
  const taskId = await createPlainTask(creator, { replication: providers.length, maxReplication: providers.length, ...opts.over })
  for (const provider of providers) await joinAsProvider(provider, taskId)
  await local.timeTravel(placeholderTaskParams(opts.over).joinWindow + 1)
  await advance(creator, { taskId })
  // The advance's block draws the providers, readable from the next block.
  await local.testClient.mine({ blocks: 1 })
  const drawn = (await readRound(creator, { taskId })).shards[0]!.providers
    .map((address) => providers.find((p) => isAddressEqual(p.walletClient.account.address, address))!)
  const committed = []
  for (const [replica, provider] of drawn.entries()) {
    const deltaCid = opts.deltaCid?.(replica) ?? placeholderCid(`delta ${replica}`)
    committed.push(await commitResult(provider, { taskId, round: 0, shard: 0, attempt: 0, replica, deltaCid, sealedCid: placeholderCid(`sealed ${replica}`) }))
  }
  // The fingerprint seed is the hash of the last commit's block: a reveal is checked in a later one.
  await local.testClient.mine({ blocks: 1 })
  let outcome: ShardOutcome | undefined
  // The last replica's reveal decides the shard.
  for (const [replica, c] of committed.entries()) ({ outcome } = await revealResult(drawn[replica]!, { ...c, fingerprint: opts.fingerprint(replica) }))
  if (outcome === undefined) throw new Error('the last reveal did not decide the shard')
  return { taskId, drawn, outcome }
}

/** A split of one shard between two providers: replica 0 honest, replica 1 far off; the shard ends disputed. */
export async function splitShard (local: Chain, creator: WriteContext, providers: WriteContext[]): Promise<{ taskId: bigint, assigned: readonly Address[] }> {
  const { taskId, drawn, outcome } = await revealShard(local, creator, providers, { fingerprint: (replica) => Array<number>(16).fill(replica * 1_000_000) })
  if (outcome.kind !== 'disputed') throw new Error(`the split shard was decided ${outcome.kind}, not disputed`)
  return { taskId, assigned: drawn.map((p) => p.walletClient.account.address) }
}

export interface AcceptedShard {
  taskId: bigint
  params: TaskParams
  /** the providers in replica order */
  winners: WriteContext[]
  fingerprint: number[]
  /** what a proposal of the round names */
  results: AcceptedResult[]
}

/**
 * One shard every provider reveals alike (the same fingerprint; `deltaCid` for each delta, else a
 * placeholder), so all of them win it: the task's one round is decided and awaits its version.
 */
export async function acceptedShard (
  local: Chain, creator: WriteContext, providers: WriteContext[], opts: { deltaCid?: Hex, over?: Partial<TaskParams> } = {}
): Promise<AcceptedShard> {
  const params = placeholderTaskParams(opts.over)
  const fingerprint = Array.from({ length: params.fingerprintLength }, (_, i) => i)
  const deltaCid = opts.deltaCid
  const { taskId, drawn, outcome } = await revealShard(local, creator, providers, {
    fingerprint: () => fingerprint, ...(deltaCid === undefined ? {} : { deltaCid: () => deltaCid }), over: opts.over
  })
  if (outcome.kind !== 'accepted') throw new Error(`the shard every provider revealed alike was decided ${outcome.kind}, not accepted`)
  return { taskId, params, winners: drawn, fingerprint, results: await readAcceptedResults(creator, { taskId, round: 0 }) }
}

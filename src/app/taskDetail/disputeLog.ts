/**
 * What an account's record on the Contribute page (`accountRecordOf` over `disputesOf`) needs of
 * the chain, without keeping every protocol event: a page left open for days on a busy chain would
 * otherwise hold every commit and reveal of every task. The log reads the slash and challenge
 * events alone (they grow with slashes and challenges, not with rounds) and, for each challenge or
 * version slash, looks up once the one event that says whose work it is: the challenged result's
 * `Revealed`, the version's `VersionProposed`, found by their indexed arguments. It leaves out
 * what only a task page's splits read (`ShardDisputed`, `ShardRequeued`, `ShardFailed`: a re-run
 * of every timed-out shard emits them), so its `disputesOf(...).splits` is not the task page's.
 */
import { readRoundStartBlock, type ProtocolEventName } from '../../chain/actions/index.ts'
import { concurrencyLimit } from '../../core/concurrency.ts'
import { createProtocolEventLog, type ProtocolEventLog } from '../../chain/eventLog.ts'
import { ConsensusVerifierAbi, ModelRegistryAbi } from '../../chain/generated/abis.ts'
import { byChainOrder, decodeProtocolLog, type ProtocolEvent } from '../../chain/protocolEvents.ts'
import { logsFrom, type ReadContext } from '../../chain/actions/types.ts'

/** Every event the slashes and challenges of `disputesOf` read, but the two per-result and per-round ones they only look people up in. */
export const DISPUTE_EVENTS = [
  'SplitResolved', 'ResultSlashed',
  'ResultChallenged', 'ResultChallengeResolved', 'ResultChallengeExpired', 'InvalidDeltaProven',
  'VersionChallenged', 'ChallengeResolved', 'ChallengeExpired', 'VersionSlashed', 'CosignerSlashed', 'Equivocated',
  'Slashed', 'EarningsForfeited', 'SlashPending', 'SlashExecuted', 'SlashOverturned'
] as const satisfies readonly ProtocolEventName[]

/** Lookups in flight at once: a first load on a chain with many challenges stays under an RPC's rate limit. */
const LOOKUPS_AT_ONCE = 4

export function createDisputeLog (ctx: ReadContext): ProtocolEventLog {
  const log = createProtocolEventLog(ctx, { names: DISPUTE_EVENTS })
  const limit = concurrencyLimit(LOOKUPS_AT_ONCE)
  /** the event naming whose work a dispute event concerns, by what it names (a result, a version) */
  const found = new Map<string, Promise<ProtocolEvent | undefined>>()

  const lookUp = (event: ProtocolEvent): { key: string, read: () => Promise<ProtocolEvent | undefined> } | undefined => {
    if (event.eventName === 'ResultChallenged') {
      const { taskId, round, shard, attempt, replica } = event.args
      return { key: `result/${taskId}/${round}/${shard}/${attempt}/${replica}`, read: async () => await revealedOf(ctx, event, { taskId, round, shard, attempt, replica }) }
    }
    if (event.eventName === 'VersionChallenged' || event.eventName === 'VersionSlashed' || event.eventName === 'CosignerSlashed') {
      const { versionId } = event.args
      return { key: `version/${versionId}`, read: async () => await proposalOf(ctx, event, versionId) }
    }
    return undefined
  }

  return {
    events: async () => {
      const events = await log.events()
      const keys = new Set<string>()
      for (const event of events) {
        const wanted = lookUp(event)
        if (wanted === undefined || keys.has(wanted.key)) continue
        keys.add(wanted.key)
        if (!found.has(wanted.key)) {
          // A failed read leaves whose work it is unknown for this call (the record still shows)
          // and is tried again at the next one instead of being remembered.
          found.set(wanted.key, limit(wanted.read).catch(() => { found.delete(wanted.key); return undefined }))
        }
      }
      // what events a reorganization took away no longer need their lookups
      for (const key of found.keys()) if (!keys.has(key)) found.delete(key)
      const context = (await Promise.all([...keys].map(async (key) => await found.get(key)))).filter((e): e is ProtocolEvent => e !== undefined)
      return [...events, ...context].sort(byChainOrder)
    }
  }
}

/** The challenged result's `Revealed`, scanned from its round's start up to the challenge. */
async function revealedOf (
  ctx: ReadContext,
  challenge: ProtocolEvent,
  ref: { taskId: bigint, round: bigint, shard: bigint, attempt: bigint, replica: bigint }
): Promise<ProtocolEvent | undefined> {
  const logs = await ctx.publicClient.getContractEvents({
    address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, eventName: 'Revealed',
    args: { taskId: ref.taskId, round: ref.round, shard: ref.shard },
    fromBlock: await readRoundStartBlock(ctx, { taskId: ref.taskId, round: Number(ref.round) }),
    toBlock: challenge.blockNumber,
    strict: true
  })
  const log = logs.find((l) => l.args.attempt === ref.attempt && l.args.replica === ref.replica)
  return log === undefined ? undefined : decodeProtocolLog(ctx.contracts, log) ?? undefined
}

/** The version's `VersionProposed` (none for a version that no task round proposed). */
async function proposalOf (ctx: ReadContext, event: ProtocolEvent, versionId: bigint): Promise<ProtocolEvent | undefined> {
  const [log] = await ctx.publicClient.getContractEvents({
    address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, eventName: 'VersionProposed',
    args: { versionId }, fromBlock: logsFrom(ctx), toBlock: event.blockNumber, strict: true
  })
  return log === undefined ? undefined : decodeProtocolLog(ctx.contracts, log) ?? undefined
}

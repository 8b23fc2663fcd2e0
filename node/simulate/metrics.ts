/** Measurements: where each provider's time went, and what the chain recorded (gas, rewards, verdicts, slashes). */
import type { Address, Hex, PublicClient } from 'viem'
import { readReputation, readTaskEvents, type ReadContext } from '../../src/chain/actions/index.ts'
import { RewardDistributorAbi } from '../../src/chain/generated/abis.ts'
import { protocolFunctionName } from '../../src/chain/protocolEvents.ts'
import type { Phase } from '../../src/provider/types.ts'
import { categoryOf, type TimeCategory } from '../../src/provider/timing.ts'

export const zeroTimes = (): Record<TimeCategory, number> => ({ train: 0, transfer: 0, chain: 0, aggregate: 0, wait: 0 })

/** Seconds spent per step kind: each 'step' event closes the previous step's interval. */
export class TimeSplit {
  readonly seconds = zeroTimes()
  private current: { category: TimeCategory, since: number } | undefined
  constructor (private readonly now: () => number = () => performance.now()) {}

  step (phase: Phase): void {
    this.close()
    this.current = { category: categoryOf(phase), since: this.now() }
  }

  close (): void {
    if (this.current !== undefined) this.seconds[this.current.category] += (this.now() - this.current.since) / 1000
    this.current = undefined
  }
}

/** Gas and count of the transactions that called each contract function. */
export type GasByFunction = Record<string, { gas: number, count: number }>

export interface ChainFigures {
  /** gas of the blocks after `fromBlock` up to round 0's start: creating, staking, joining */
  setupGas: number
  rounds: Array<{ round: number, gas: number, transactions: number, rewards: Map<string, bigint>, byFunction: GasByFunction }>
  slashes: Map<string, { count: number, amount: bigint }>
  /** unclaimed rewards a slash took (`EarningsForfeited`) */
  forfeited: Map<string, bigint>
  /** liveness deposits taken for missed results (`LivenessForfeited`) */
  liveness: Map<string, bigint>
  /** challenge bonds paid and forfeited (`BondHeld`, then `BondForfeited`: the challenge was dismissed) */
  bondsLost: Map<string, bigint>
  verdicts: Map<string, { accepted: number, outvoted: number, missed: number, disputed: number }>
}

/** Sums the receipts of the blocks in [from, to]. */
async function gasOfBlocks (client: PublicClient, from: bigint, to: bigint): Promise<{ gas: number, transactions: number, byFunction: GasByFunction }> {
  let gas = 0
  let transactions = 0
  const byFunction: GasByFunction = {}
  for (let b = from; b <= to; b++) {
    const block = await client.getBlock({ blockNumber: b, includeTransactions: true })
    const receipts = await client.request({ method: 'eth_getBlockReceipts', params: [`0x${b.toString(16)}` as Hex] }) as Array<{ gasUsed: Hex, transactionHash: Hex }> | null
    for (const r of receipts ?? []) {
      const used = Number(BigInt(r.gasUsed))
      const tx = block.transactions.find((t) => t.hash === r.transactionHash)
      const name = tx === undefined ? 'unknown' : protocolFunctionName(tx.input)
      const entry = byFunction[name] ?? { gas: 0, count: 0 }
      byFunction[name] = { gas: entry.gas + used, count: entry.count + 1 }
      gas += used
      transactions++
    }
  }
  return { gas, transactions, byFunction }
}

/**
 * Reads what the chain recorded for the task. A round spans the blocks from its `RoundConfigured`
 * event to the block before the next round's (the last round: to `toBlock`).
 */
export async function chainFigures (ctx: ReadContext, opts: { taskId: bigint, fromBlock: bigint, toBlock: bigint, accounts: Address[] }): Promise<ChainFigures> {
  const { publicClient: client } = ctx
  const { taskId, fromBlock, toBlock } = opts
  const events = (await readTaskEvents(ctx, { taskId, fromBlock })).filter((e) => e.blockNumber <= toBlock)
  const starts = events.flatMap((e) => e.eventName === 'RoundConfigured' ? [e] : [])
  const startOf = new Map(starts.map((e) => [Number(e.args.round), e.blockNumber]))
  const rewards = events.flatMap((e) => e.eventName === 'RewardCredited' ? [e] : [])
  // The distributor's, so a forged version's aggregator and an equivocator count as a slashed result's provider does.
  const slashedLogs = events.flatMap((e) => e.eventName === 'Slashed' ? [e] : [])
  const rounds: ChainFigures['rounds'] = []
  const ordered = [...startOf.entries()].sort((a, b) => a[0] - b[0])
  for (let i = 0; i < ordered.length; i++) {
    const [round, start] = ordered[i]!
    const end = i + 1 < ordered.length ? ordered[i + 1]![1] - 1n : toBlock
    const { gas, transactions, byFunction } = await gasOfBlocks(client, start, end)
    const paid = new Map<string, bigint>()
    for (const e of rewards) {
      if (e.blockNumber < start || e.blockNumber > end) continue
      const who = e.args.provider.toLowerCase()
      paid.set(who, (paid.get(who) ?? 0n) + e.args.amount)
    }
    rounds.push({ round, gas, transactions, rewards: paid, byFunction })
  }
  const firstStart = ordered[0]?.[1] ?? toBlock + 1n
  // `fromBlock` is the head before the task's first transaction: it may hold the tail of the
  // contracts' deployment (anvil mines a burst of them into one block), none of the task's setup.
  const setupGas = (await gasOfBlocks(client, fromBlock + 1n, firstStart - 1n)).gas
  const slashes = new Map<string, { count: number, amount: bigint }>()
  for (const e of slashedLogs) {
    const who = e.args.provider.toLowerCase()
    const prev = slashes.get(who) ?? { count: 0, amount: 0n }
    slashes.set(who, { count: prev.count + 1, amount: prev.amount + e.args.amount })
  }
  const forfeited = await forfeitsOf(ctx, 'EarningsForfeited', opts)
  const liveness = await forfeitsOf(ctx, 'LivenessForfeited', opts)
  const bondsLost = await bondsLostOf(ctx, opts)
  // An attempt closed by a re-queue had no majority: its revealers were neither paid nor outvoted.
  const requeued = events.flatMap((e) => e.eventName === 'ShardRequeued' ? [e] : [])
  const closed = new Set(requeued.map((e) => `${e.args.round}/${e.args.shard}/${Number(e.args.attempt) - 1}`))
  const reveals = events.flatMap((e) => e.eventName === 'Revealed' ? [e] : [])
  const disputed = new Map<string, number>()
  for (const e of reveals) {
    if (!closed.has(`${e.args.round}/${e.args.shard}/${e.args.attempt}`)) continue
    const who = e.args.provider.toLowerCase()
    disputed.set(who, (disputed.get(who) ?? 0) + 1)
  }
  const verdicts = new Map<string, { accepted: number, outvoted: number, missed: number, disputed: number }>()
  for (const account of opts.accounts) {
    const r = await readReputation(ctx, { account })
    verdicts.set(account.toLowerCase(), { accepted: Number(r.accepted), outvoted: Number(r.outvoted), missed: Number(r.missed), disputed: disputed.get(account.toLowerCase()) ?? 0 })
  }
  return { setupGas, rounds, slashes, forfeited, liveness, bondsLost, verdicts }
}

/** What one of the distributor's forfeiture events took from each of `accounts` (lowercase address -> wei). */
async function forfeitsOf (ctx: ReadContext, eventName: 'EarningsForfeited' | 'LivenessForfeited', opts: { fromBlock: bigint, toBlock: bigint, accounts: Address[] }): Promise<Map<string, bigint>> {
  const logs = await ctx.publicClient.getContractEvents({ address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, eventName, args: { provider: opts.accounts }, fromBlock: opts.fromBlock, toBlock: opts.toBlock, strict: true })
  const sums = new Map<string, bigint>()
  for (const e of logs) {
    const who = e.args.provider.toLowerCase()
    sums.set(who, (sums.get(who) ?? 0n) + e.args.amount)
  }
  return sums
}

/** What each challenger lost: a forfeited bond is charged to whoever held that key's bond last (lowercase address -> wei). */
async function bondsLostOf (ctx: ReadContext, opts: { fromBlock: bigint, toBlock: bigint }): Promise<Map<string, bigint>> {
  const range = { address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, fromBlock: opts.fromBlock, toBlock: opts.toBlock, strict: true } as const
  const [held, forfeited] = await Promise.all([
    ctx.publicClient.getContractEvents({ ...range, eventName: 'BondHeld' }),
    ctx.publicClient.getContractEvents({ ...range, eventName: 'BondForfeited' })
  ])
  return bondLosses(
    held.map((e) => ({ at: [e.blockNumber, e.logIndex] as const, key: e.args.key, payer: e.args.payer })),
    forfeited.map((e) => ({ at: [e.blockNumber, e.logIndex] as const, key: e.args.key, amount: e.args.burned + e.args.share }))
  )
}

type EventAt = readonly [block: bigint, logIndex: number]

/** Pure part of `bondsLostOf`: a key's bond can be held again after it was settled, so events are walked in chain order. */
export function bondLosses (held: ReadonlyArray<{ at: EventAt, key: string, payer: string }>, forfeited: ReadonlyArray<{ at: EventAt, key: string, amount: bigint }>): Map<string, bigint> {
  const before = (a: EventAt, b: EventAt): number => (a[0] === b[0] ? a[1] - b[1] : (a[0] < b[0] ? -1 : 1))
  const events = [...held.map((h) => ({ ...h, amount: 0n })), ...forfeited.map((f) => ({ ...f, payer: undefined }))].sort((a, b) => before(a.at, b.at))
  const holder = new Map<string, string>()
  const lost = new Map<string, bigint>()
  for (const e of events) {
    if (e.payer !== undefined) {
      holder.set(e.key, e.payer.toLowerCase())
      continue
    }
    const payer = holder.get(e.key)
    if (payer !== undefined) lost.set(payer, (lost.get(payer) ?? 0n) + e.amount)
  }
  return lost
}

/**
 * The simulator's report: the stable, machine-readable structure `--json` writes (numbers in
 * plain units; token amounts as decimal strings of wei), and the terminal table.
 */
import type { SimulationOptions } from './args.ts'

export const REPORT_VERSION = 1

import type { TimeCategory } from '../../src/provider/timing.ts'
export type { TimeCategory }

export interface RoundReport {
  round: number
  /** the round's version as recorded in the registry (accuracyBps / 1e4, loss / 1e6) and as scored here */
  network: { versionId: string, registryAccuracy: number, registryLoss: number, accuracy: number, loss: number } | null
  /** centralized training on the samples of the round's accepted shards */
  baseline: { accuracy: number, loss: number, samples: number }
  acceptedShards: number
  /** results paid this round (winners of the accepted shards) */
  acceptedResults: number
  /** every transaction mined while this round was current (the last round: also the claims after the task completed) */
  gas: { total: number, transactions: number, perAcceptedResult: number | null, byFunction: Record<string, { gas: number, count: number }> }
  /** wall seconds from the round's start (as the driver saw it) to the next round's, or to the providers' end (claims included) */
  seconds: number | null
  /** bytes each provider's libp2p node moved on the wire this round, on average (everything: artifacts, gossip, pins, libp2p's own protocols, framing) */
  bytesPerProvider: { sent: number, received: number }
  /** JSON-RPC requests each provider sent to its node this round, on average (reads, gas estimates, transactions, polls) */
  rpcRequestsPerProvider: number
  /** what synchronous data-parallel SGD sends per worker for the same steps: 2 x params x 4 bytes x steps */
  syncDataParallelBytesPerProvider: number
}

export interface ProviderReport {
  account: string
  role: 'honest' | 'byzantine'
  /**
   * shard results by verdict: accepted, outvoted and missed from the distributor's counters;
   * disputed: revealed in an attempt that found no majority and was re-queued (nobody paid)
   */
  verdicts: { accepted: number, outvoted: number, missed: number, disputed: number }
  /** accepted results (winners of an accepted shard) where it submitted an attack, not its honest work */
  attacksAccepted: number
  slashes: number
  /** wei */
  slashed: string
  /** wei credited for accepted results */
  rewards: string
  /** wei of unclaimed rewards its slashes forfeited */
  forfeited: string
  /** wei of its liveness deposit taken for results it committed to, or was drawn for, and never revealed */
  livenessForfeited: string
  /** wei of challenge bonds it posted and lost (its challenges were dismissed) */
  bondsLost: string
  claimable: string
  /** on the wire */
  bytes: { sent: number, received: number }
  /** the payload of its libp2p streams by protocol (gossip, bitswap, pins, identify, ...), before muxing and encryption */
  bytesByProtocol: Record<string, { sent: number, received: number }>
  /** JSON-RPC requests it sent to its node over the whole run, by method */
  rpcRequests: Record<string, number>
  /** seconds in each kind of step (from the loop's 'step' events) */
  time: Record<TimeCategory, number>
  attackNotes: string[]
}

export interface SimulationReport {
  version: typeof REPORT_VERSION
  /** --task lm: synchronous data-parallel bytes per provider over ours (sent and received, all rounds) */
  trafficRatio?: number | null
  /** --task lm: held-out loss of the last version, of centralized training and of dense DiLoCo on the same tokens */
  valLoss?: number | null
  centralValLoss?: number | null
  denseDilocoValLoss?: number | null
  options: SimulationOptions
  setup: {
    params: number
    shards: number
    samplesPerShard: number
    localSteps: number
    batchSize: number
    aggregationRule: string
    /** how the participants' p2p nodes were set up */
    nodes: string
    /** whether a referee settled split shards */
    referee: boolean
    /** gas of everything before round 0 (deploy excluded): create, stake, join */
    setupGas: number
  }
  rounds: RoundReport[]
  providers: ProviderReport[]
  final: {
    networkAccuracy: number | null
    baselineAccuracy: number
    /** percentage points, network minus baseline */
    gapPp: number | null
    maxBytesRatio: number
    /** the gas of every round (commit, reveal, finalize, propose, confirm, advance, claim, …; setup excluded) over every accepted result */
    gasPerAcceptedResult: number | null
    honestSlashed: number
    /** wei the attackers that never train (FREE_RIDERS in attacks.ts) were credited and kept (slashes forfeit the rest) */
    freeRiderRewards: string
    taskStatus: string
  }
  /** the relay's pinner: pins accepted, and of the models among them those it computed from the deltas it held (never fetched) */
  pinner: { pins: number, rebuilt: number }
  /** wall seconds: the whole run, and the sum over providers of each step kind */
  wallTime: { total: number, split: Record<TimeCategory, number> }
  /** errors the loops reported, each distinct one once with how often it came (honest ones: lost races) */
  errors: Array<{ account: string, role: 'honest' | 'byzantine', phase: string, message: string, count: number }>
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '   -  ' : `${(100 * x).toFixed(2)}%`)
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`
const eth = (wei: string): string => (Number(BigInt(wei) / 10n ** 14n) / 1e4).toFixed(2)

export function table (head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ')
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function gasTotals (r: SimulationReport): Record<string, { gas: number, count: number }> {
  const totals: Record<string, { gas: number, count: number }> = {}
  for (const round of r.rounds) {
    for (const [name, g] of Object.entries(round.gas.byFunction)) {
      const t = totals[name] ?? { gas: 0, count: 0 }
      totals[name] = { gas: t.gas + g.gas, count: t.count + g.count }
    }
  }
  return totals
}

/** Each protocol's sent + received payload, averaged over providers, largest first. */
function protocolTotals (r: SimulationReport): string {
  const totals = new Map<string, number>()
  for (const p of r.providers) for (const [name, b] of Object.entries(p.bytesByProtocol)) totals.set(name, (totals.get(name) ?? 0) + (b.sent + b.received) / r.providers.length)
  return [...totals].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${kb(n)}`).join(', ')
}

export function formatReport (r: SimulationReport): string {
  const o = r.options
  const parts = [
    `ML Bridge simulation: ${o.providers} providers, ${o.byzantine} byzantine (${o.attack}), ${o.rounds} rounds, aggregator ${r.setup.aggregationRule}`,
    `model ${r.setup.params} params, ${r.setup.shards} shards x ${r.setup.samplesPerShard} samples, H=${r.setup.localSteps}, batch ${r.setup.batchSize}; nodes: ${r.setup.nodes}; ${r.setup.referee ? 'a referee settles splits' : 'no referee (splits lapse and run again)'}`,
    '',
    table(['round', 'net acc', 'net loss', 'registry acc', 'base acc', 'base loss', 'accepted', 'gas/round', 'gas/result', 'sent/prov', 'recv/prov', 'sync DP/prov', 'ratio', 'rpc/prov'],
      r.rounds.map((x) => [
        String(x.round), pct(x.network?.accuracy), x.network?.loss.toFixed(3) ?? '-', pct(x.network?.registryAccuracy), pct(x.baseline.accuracy), x.baseline.loss.toFixed(3),
        `${x.acceptedShards}/${x.acceptedResults}`, String(x.gas.total), x.gas.perAcceptedResult === null ? '-' : x.gas.perAcceptedResult.toFixed(0),
        kb(x.bytesPerProvider.sent), kb(x.bytesPerProvider.received), kb(x.syncDataParallelBytesPerProvider),
        x.syncDataParallelBytesPerProvider === 0 ? '-' : `1/${Math.round(x.syncDataParallelBytesPerProvider / Math.max(1, x.bytesPerProvider.sent + x.bytesPerProvider.received))}`,
        x.rpcRequestsPerProvider.toFixed(0)
      ])),
    '',
    table(['provider', 'role', 'accepted', 'outvoted', 'missed', 'disputed', 'slashes', 'rewards', 'liveness lost', 'bonds lost', 'sent', 'received', 'train s', 'transfer s', 'chain s', 'aggregate s'],
      r.providers.map((p) => [
        p.account.slice(0, 10), p.role, String(p.verdicts.accepted), String(p.verdicts.outvoted), String(p.verdicts.missed), String(p.verdicts.disputed), String(p.slashes), eth(p.rewards), eth(p.livenessForfeited), eth(p.bondsLost),
        kb(p.bytes.sent), kb(p.bytes.received), p.time.train.toFixed(1), p.time.transfer.toFixed(1), p.time.chain.toFixed(1), p.time.aggregate.toFixed(1)
      ])),
    '',
    `final: network ${pct(r.final.networkAccuracy)} vs baseline ${pct(r.final.baselineAccuracy)} (gap ${r.final.gapPp === null ? '-' : r.final.gapPp.toFixed(2)} pp); ` +
      `gas per accepted result ${r.final.gasPerAcceptedResult?.toFixed(0) ?? '-'}; honest slashed ${r.final.honestSlashed}; free riders earned ${eth(r.final.freeRiderRewards)} MLB; task ${r.final.taskStatus}`,
    `gas by function (all rounds): ${Object.entries(gasTotals(r)).sort((a, b) => b[1].gas - a[1].gas).map(([name, g]) => `${name} ${g.count}x ${Math.round(g.gas / g.count)}`).join(', ')}`,
    `bytes per provider on the wire by protocol (payload, all rounds): ${protocolTotals(r)}`,
    `wall ${r.wallTime.total.toFixed(1)} s; provider-seconds: train ${r.wallTime.split.train.toFixed(1)}, transfer ${r.wallTime.split.transfer.toFixed(1)}, chain ${r.wallTime.split.chain.toFixed(1)}, aggregate ${r.wallTime.split.aggregate.toFixed(1)}, waiting ${r.wallTime.split.wait.toFixed(1)}`
  ]
  if (r.trafficRatio !== undefined) {
    const loss = (x: number | null | undefined): string => x === null || x === undefined ? '-' : x.toFixed(4)
    parts.push(`language model: traffic ratio ${r.trafficRatio === null ? '-' : `1/${Math.round(r.trafficRatio)}`} of synchronous data-parallel; held-out loss ${loss(r.valLoss)} (centralized ${loss(r.centralValLoss)}, dense DiLoCo ${loss(r.denseDilocoValLoss)})`)
  }
  for (const p of r.providers.filter((x) => x.attackNotes.length > 0)) parts.push(`${p.account.slice(0, 10)} (${o.attack}): ${p.attackNotes.join('; ')}`)
  for (const e of r.errors) parts.push(`error x${e.count} ${e.account.slice(0, 10)} (${e.role}) ${e.phase}: ${e.message}`)
  return parts.join('\n')
}

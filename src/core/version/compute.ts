/**
 * The round's new version from the accepted deltas: validate each, average the replicas of each
 * shard (every winner whose bytes were checked, see deltaCheck.ts), aggregate the shards (the
 * spec's rule, in canonical order), apply the outer step (Nesterov momentum kept in the version).
 * Pure and deterministic: the aggregator and every confirmer compute the same bytes from the same
 * inputs.
 */
import type { Hex } from 'viem'
import { aggregate, canonicalOrder, type AggregationRule, type Contribution } from '../aggregate.ts'
import { decodeDelta } from '../delta/codec.ts'
import { outerStep } from '../outer.ts'
import type { TaskSpec } from '../taskSpec.ts'
import type { WeightLayout } from '../tensors.ts'
import { validateRound, type DeltaVerdict } from '../validateDelta.ts'
import { decodeVersion, encodeVersion, type VersionContent } from './blob.ts'
import { errorKind } from '../errors.ts'

/** One winner's delta of an accepted shard; a shard has one per checked winner. */
export interface AcceptedDelta {
  shard: number
  cid: Hex
  bytes: Uint8Array
}

/** The version's bytes; its commit hash is `versionCommitHash(bytes)`, left to the callers that need it (a pinner needs only the CID). */
export interface ComputedVersion {
  bytes: Uint8Array
  content: VersionContent
  /** Contributions by id (`shard:cid`) and their verdicts; the refused ones did not count. */
  verdicts: Map<string, DeltaVerdict>
  used: AcceptedDelta[]
}

export class NothingToAggregateError extends errorKind('NOTHING_TO_AGGREGATE') {
  override name = 'NothingToAggregateError'
}

const contributionId = (d: AcceptedDelta): string => `${d.shard.toString().padStart(5, '0')}:${d.cid.toLowerCase()}`

export function computeVersion (
  spec: Pick<TaskSpec, 'aggregation' | 'outer' | 'validation'>,
  layout: WeightLayout,
  parent: Uint8Array,
  deltas: readonly AcceptedDelta[],
  opts: { maxDeltaBytes: number, maxModelBytes: number }
): ComputedVersion {
  const before = decodeVersion(parent, { layout, maxBytes: opts.maxModelBytes })
  const byId = new Map(deltas.map((d) => [contributionId(d), d]))
  // A delta that does not decode (wrong layout, corrupt, oversized) is refused, not fatal.
  const undecodable = new Map<string, DeltaVerdict>()
  const contributions: Contribution[] = []
  for (const d of deltas) {
    try {
      contributions.push({ id: contributionId(d), delta: decodeDelta(d.bytes, { expected: layout, maxBytes: opts.maxDeltaBytes }) })
    } catch (error) {
      undecodable.set(contributionId(d), { ok: false, reason: 'layout', message: `undecodable: ${error instanceof Error ? error.message : String(error)}` })
    }
  }
  const { accepted, verdicts: checked } = validateRound(contributions, layout, spec.validation)
  const verdicts = new Map([...checked, ...undecodable])
  if (accepted.length === 0) throw new NothingToAggregateError('no accepted delta passed validation')
  const combined = aggregate(shardMeans(accepted), spec.aggregation)
  const next = outerStep(before.weights, combined, before.momentum, spec.outer)
  const content: VersionContent = { weights: next.params, momentum: next.momentum }
  const bytes = encodeVersion(content)
  const used = accepted.map(({ id }) => byId.get(id) as AcceptedDelta).sort((a, b) => a.shard - b.shard || (a.cid.toLowerCase() < b.cid.toLowerCase() ? -1 : 1))
  return { bytes, content, verdicts, used }
}

const MEAN: AggregationRule = { rule: 'mean', trimFraction: 0, clipIterations: 1 }

/**
 * One contribution per shard: the mean of its replicas, so a shard counts once in the round's rule
 * however many winners it had.
 */
function shardMeans (accepted: readonly Contribution[]): Contribution[] {
  const byShard = new Map<string, Contribution[]>()
  for (const c of canonicalOrder(accepted)) {
    const shard = c.id.slice(0, c.id.indexOf(':'))
    byShard.set(shard, [...(byShard.get(shard) ?? []), c])
  }
  return [...byShard].map(([shard, replicas]) => ({ id: shard, delta: replicas.length === 1 ? (replicas[0] as Contribution).delta : aggregate(replicas, MEAN) }))
}

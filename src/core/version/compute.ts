/**
 * The round's new version from the accepted deltas: validate, aggregate (the spec's rule, in
 * canonical order), apply the outer step (Nesterov momentum kept in the version). Pure and
 * deterministic: the aggregator and every confirmer compute the same bytes from the same inputs.
 */
import type { Hex } from 'viem'
import { aggregate, type Contribution } from '../aggregate.ts'
import { decodeDelta } from '../delta/codec.ts'
import { outerStep } from '../outer.ts'
import type { TaskSpec } from '../taskSpec.ts'
import type { WeightLayout } from '../tensors.ts'
import { validateRound, type DeltaVerdict } from '../validateDelta.ts'
import { decodeVersion, encodeVersion, versionCommitHash, type VersionContent } from './blob.ts'
import { deltaRoot } from './deltaRoot.ts'
import { errorKind } from '../errors.ts'

export interface AcceptedDelta {
  shard: number
  cid: Hex
  bytes: Uint8Array
}

export interface ComputedVersion {
  bytes: Uint8Array
  commitHash: Hex
  content: VersionContent
  /** Merkle root of the contributing delta CIDs in shard order (see deltaRoot.ts). */
  deltaRoot: Hex
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
  const combined = aggregate(accepted, spec.aggregation)
  const next = outerStep(before.weights, combined, before.momentum, spec.outer)
  const content: VersionContent = { weights: next.params, momentum: next.momentum }
  const bytes = encodeVersion(content)
  const used = accepted.map(({ id }) => byId.get(id) as AcceptedDelta).sort((a, b) => a.shard - b.shard)
  return { bytes, commitHash: versionCommitHash(bytes), content, deltaRoot: deltaRoot(used.map((d) => d.cid)), verdicts, used }
}

/**
 * Others' proposals for the round's version: confirm one that matches this provider's own
 * recomputation, challenge one that does not, and finalize a quiet one after its challenge window.
 */
import type { ProposalView } from '../core/duties.ts'
import { MLBridgeError } from '../core/errors.ts'
import { versionClaim } from '../core/version/challengeClaim.ts'
import type { ProviderContext } from './context.ts'
import type { RoundVersionRecord } from './types.ts'

function ownRecord (ctx: ProviderContext, round: number): RoundVersionRecord | undefined {
  return ctx.state.versions[String(round)]
}

export async function confirm (ctx: ProviderContext, round: number, proposal: ProposalView): Promise<boolean> {
  const mine = ownRecord(ctx, round)
  if (mine === undefined) return false
  const id = proposal.versionId.toString()
  await ctx.step({ phase: 'confirming', round, detail: `version ${id}` })
  await ctx.published(round) // the confirmation that makes it final starts the round that trains from it
  const sent = await ctx.quietly('confirming', async () => {
    const { final } = await ctx.timed(ctx.deps.chain.confirmVersion(proposal.versionId, mine.commitHash))
    ctx.action({ name: 'confirmVersion', round, versionId: proposal.versionId, detail: final ? 'final' : 'confirmed' })
  })
  if (sent) await recordConfirmation(ctx, round, proposal)
  return sent
}

export async function recordConfirmation (ctx: ProviderContext, round: number, proposal: ProposalView): Promise<boolean> {
  const mine = ownRecord(ctx, round)
  if (mine === undefined) return false
  mine.confirmed.push(proposal.versionId.toString())
  await ctx.save()
  return true
}

/**
 * Disputes a version this provider recomputed differently, claiming what it recomputed
 * (`versionClaim`: its commit hash, the round's delta root and data hash); it pins and proposes
 * its own version in turn, so anyone can compare the two blobs.
 */
export async function challenge (ctx: ProviderContext, round: number, proposal: ProposalView): Promise<boolean> {
  const mine = ownRecord(ctx, round)
  if (mine === undefined) return false
  const id = proposal.versionId.toString()
  mine.mismatched.push(id)
  await ctx.save()
  ctx.error({ phase: 'confirming', error: new MLBridgeError('VERSION_MISMATCH', `version ${id} of round ${round} is ${proposal.commitHash} (model ${proposal.modelCid}, data ${proposal.dataHash}); this provider computed ${mine.commitHash} (model ${mine.modelCid}, data ${mine.dataHash})`), fatal: false })
  if (mine.challenged?.includes(id) === true) return true
  await ctx.step({ phase: 'confirming', round, detail: `challenging version ${id}: it differs from the version recomputed here` })
  const sent = await ctx.quietly('confirming', async () => {
    await ctx.timed(ctx.deps.chain.challengeVersion(proposal.versionId, versionClaim(mine)))
    ctx.action({ name: 'challengeVersion', round, versionId: proposal.versionId, detail: mine.commitHash })
  }, { round })
  if (sent) {
    mine.challenged = [...(mine.challenged ?? []), id]
    await ctx.save()
  }
  return true
}

export async function finalizeVersion (ctx: ProviderContext, round: number, proposal: ProposalView): Promise<boolean> {
  await ctx.published(round)
  return await ctx.quietly('confirming', async () => { await ctx.timed(ctx.deps.chain.finalizeVersion(proposal.versionId)) })
}

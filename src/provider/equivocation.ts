/**
 * A winner that signed two different models for one round (two endorsements on the task's gossip)
 * proved it equivocates: whoever sees it reports it on chain, which slashes the signer and ejects
 * it from the task's later draws. The signatures are checked here first, so a forged pair costs
 * nothing but a message.
 */
import { endorsementContent } from '../core/version/endorsement.ts'
import { verifyVersionSignature } from '../core/version/signature.ts'
import type { ProviderContext } from './context.ts'

export async function reportEquivocations (ctx: ProviderContext): Promise<void> {
  const found = ctx.endorsements.takeEquivocations()
  if (found.length === 0) return
  const domain = await ctx.deps.chain.registryDomain()
  for (const { signer, first, second } of found) {
    const a = { content: endorsementContent(first), signature: first.signature }
    const b = { content: endorsementContent(second), signature: second.signature }
    const valid = await verifyVersionSignature(domain, a.content, { signer, signature: a.signature }) &&
      await verifyVersionSignature(domain, b.content, { signer, signature: b.signature })
    if (!valid) continue
    const round = Number(a.content.round)
    await ctx.quietly('confirming', async () => {
      const slashed = await ctx.timed(ctx.deps.chain.reportEquivocation(signer, a, b))
      ctx.action({ name: 'reportEquivocation', round, detail: `${signer} signed two models; slashed ${slashed}` })
    }, { round })
  }
}

import type { Hex } from 'viem'
import { versionTypedData, type RegistryDomain, type VersionContent } from '../../core/version/signature.ts'
import { asAction } from './errors.ts'
import { readRegistryDomain } from './readRegistryDomain.ts'
import type { WriteContext } from './types.ts'

/**
 * The wallet's EIP-712 `Version` signature of `content`: a winner's endorsement of a round's
 * version, sent to the aggregator off chain or submitted by `proposeVersion` or `confirmVersion`.
 * `domain` defaults to the registry's, read from the chain.
 */
export async function signVersion (ctx: WriteContext, content: VersionContent, domain?: RegistryDomain): Promise<Hex> {
  return await asAction('signVersion', async () => await ctx.walletClient.signTypedData({
    account: ctx.walletClient.account,
    ...versionTypedData(domain ?? await readRegistryDomain(ctx), content)
  }))
}

/**
 * Section 16 step 5's signature checks of one round version, from the chain alone: the aggregator's
 * signature (`VersionProposed`) and every other signer's (`VersionConfirmed`) checked against the
 * stored content and the round's winners (src/core/version/signers.ts).
 */
import type { Address } from 'viem'
import { readVersionSignatures, storedContent, type ReadContext, type VersionState } from '../../src/chain/actions/index.ts'
import { checkVersionSigners, type SignersCheck } from '../../src/core/version/signers.ts'
import type { RegistryDomain } from '../../src/core/version/signature.ts'

export async function auditSigners (
  read: ReadContext,
  task: { domain: RegistryDomain, confirmations: number },
  version: VersionState,
  winners: readonly Address[]
): Promise<SignersCheck> {
  const { proposal, confirmations, finalizedIn } = await readVersionSignatures(read, { versionId: version.versionId })
  const counted = [...(proposal === undefined ? [] : [proposal]), ...confirmations]
  return await checkVersionSigners({
    domain: task.domain,
    content: storedContent(version),
    signatures: counted.map(({ signer, signature }) => ({ signer, signature })),
    winners,
    confirmations: task.confirmations,
    // Only `propose` and `confirm` count signatures, so a version final in one of their
    // transactions was made final by its signers; `finalizeVersion` (the quiet window) and a
    // dismissed challenge emit none.
    finalBySignatures: finalizedIn !== undefined && counted.some((s) => s.transactionHash === finalizedIn)
  })
}

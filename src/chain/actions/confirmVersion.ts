import type { Hex, TransactionReceipt } from 'viem'
import { ascendingSigners, type SignerSignature } from '../../core/version/signature.ts'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { VersionMismatchError, asAction } from './errors.ts'
import { eventsIn } from './internal.ts'
import { readVersion, storedContent, storedData } from './readVersion.ts'
import { signVersion } from './signVersion.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Adds winners' signatures to a proposed version; the registry makes it final once enough signers
 * are counted (`final`). By default the caller signs the **stored** version itself; pass
 * `commitHash` (what the caller recomputed) to refuse to sign a version with another hash, or
 * `signatures` to submit others' signatures of the stored version instead (anyone may).
 */
export async function confirmVersion (
  ctx: WriteContext,
  params: { versionId: bigint, commitHash?: Hex, signatures?: readonly SignerSignature[] }
): Promise<{ signers: bigint, final: boolean, submitted: SignerSignature[], receipt: TransactionReceipt }> {
  return await asAction('confirmVersion', async () => {
    const { walletClient, contracts } = ctx
    const version = await readVersion(ctx, { versionId: params.versionId })
    if (params.commitHash !== undefined && params.commitHash.toLowerCase() !== version.commitHash.toLowerCase()) {
      throw new VersionMismatchError('confirmVersion', params.versionId, version.commitHash, params.commitHash)
    }
    const own = async (): Promise<SignerSignature[]> => {
      const signature = await signVersion(ctx, storedContent(version))
      return [{ signer: walletClient.account.address, signature }]
    }
    const submitted = ascendingSigners(params.signatures ?? await own())
    const receipt = await transact(ctx, 'confirmVersion', {
      contract: 'ModelRegistry', functionName: 'confirm', args: [params.versionId, storedData(version), submitted.map((s) => s.signer), submitted.map((s) => s.signature)]
    })
    const confirmed = eventsIn(receipt, ModelRegistryAbi, 'VersionConfirmed', contracts.ModelRegistry)
    const final = eventsIn(receipt, ModelRegistryAbi, 'VersionFinalized', contracts.ModelRegistry).length > 0
    return { signers: confirmed.at(-1)?.args.signers ?? BigInt(version.signers), final, submitted, receipt }
  })
}

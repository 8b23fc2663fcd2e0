import type { Hex, TransactionReceipt } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { VersionMismatchError, asAction } from './errors.ts'
import { eventIn, eventsIn } from './internal.ts'
import { transact } from './transact.ts'
import { readRegistryDomain } from './readRegistryDomain.ts'
import { signatureDeadline } from './signatureDeadline.ts'
import type { WriteContext } from './types.ts'

export const CONFIRM_TYPES = {
  Confirm: [
    { name: 'versionId', type: 'uint256' },
    { name: 'commitHash', type: 'bytes32' },
    { name: 'confirmer', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' }
  ]
} as const

/**
 * A provider of the task confirms a proposed version it recomputed: signs an EIP-712 `Confirm`
 * over the stored commit hash and submits it. `final` says whether this confirmation made it final.
 * Pass `commitHash` (what the caller recomputed) to refuse to confirm a version with another hash.
 */
export async function confirmVersion (
  ctx: WriteContext,
  params: { versionId: bigint, commitHash?: Hex, deadline?: bigint }
): Promise<{ confirmations: bigint, final: boolean, signature: Hex, receipt: TransactionReceipt }> {
  return await asAction('confirmVersion', async () => {
    const { publicClient, walletClient, contracts } = ctx
    const confirmer = walletClient.account.address
    const [domain, nonce, version, deadline] = await Promise.all([
      readRegistryDomain(ctx),
      publicClient.readContract({ address: contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'nonces', args: [confirmer] }),
      publicClient.readContract({ address: contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'getVersion', args: [params.versionId] }),
      params.deadline ?? signatureDeadline(publicClient)
    ])
    if (params.commitHash !== undefined && params.commitHash.toLowerCase() !== version.commitHash.toLowerCase()) {
      throw new VersionMismatchError('confirmVersion', params.versionId, version.commitHash, params.commitHash)
    }
    const signature = await walletClient.signTypedData({
      account: walletClient.account,
      domain,
      types: CONFIRM_TYPES,
      primaryType: 'Confirm',
      message: { versionId: params.versionId, commitHash: version.commitHash, confirmer, nonce, deadline }
    })
    const receipt = await transact(ctx, 'confirmVersion', { contract: 'ModelRegistry', functionName: 'confirm', args: [params.versionId, confirmer, deadline, signature] })
    const { args } = eventIn('confirmVersion', receipt, ModelRegistryAbi, 'VersionConfirmed', contracts.ModelRegistry)
    const final = eventsIn(receipt, ModelRegistryAbi, 'VersionFinalized', contracts.ModelRegistry).length > 0
    return { confirmations: args.confirmations, final, signature, receipt }
  })
}

import type { Address, Hash, Hex } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** One EIP-712 signature the registry checked and emitted for a version. */
export interface VersionSignature {
  signer: Address
  signature: Hex
  transactionHash: Hash
  blockNumber: bigint
}

/**
 * Who proposed a version and who else signed it (with the proposal or later), from its
 * VersionProposed and VersionConfirmed events, and where it became final (VersionFinalized).
 */
export interface VersionSignatures {
  /** undefined for versions no aggregator proposed (genesis, merges) */
  proposal: (VersionSignature & { taskId: bigint, round: bigint }) | undefined
  /** every other signer, in the order counted; `count` is the signers counted so far, the aggregator included */
  confirmations: Array<VersionSignature & { count: bigint }>
  /** the transaction that made it final (`VersionFinalized`), undefined while it is not */
  finalizedIn: Hash | undefined
}

export async function readVersionSignatures (ctx: ReadContext, params: { versionId: bigint }): Promise<VersionSignatures> {
  return await asAction('readVersionSignatures', async () => {
    const registry = { address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, fromBlock: 0n, strict: true } as const
    const [proposed, confirmed, finalized] = await Promise.all([
      ctx.publicClient.getContractEvents({ ...registry, eventName: 'VersionProposed', args: { versionId: params.versionId } }),
      ctx.publicClient.getContractEvents({ ...registry, eventName: 'VersionConfirmed', args: { versionId: params.versionId } }),
      ctx.publicClient.getContractEvents({ ...registry, eventName: 'VersionFinalized', args: { versionId: params.versionId } })
    ])
    const [first] = proposed
    return {
      proposal: first === undefined
        ? undefined
        : { signer: first.args.aggregator, signature: first.args.signature, taskId: first.args.taskId, round: first.args.round, transactionHash: first.transactionHash, blockNumber: first.blockNumber },
      confirmations: confirmed.map((log) => ({
        signer: log.args.signer, signature: log.args.signature, count: log.args.signers, transactionHash: log.transactionHash, blockNumber: log.blockNumber
      })),
      finalizedIn: finalized[0]?.transactionHash
    }
  })
}

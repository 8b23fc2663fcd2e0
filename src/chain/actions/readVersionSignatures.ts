import type { Address, Hash, Hex } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import type { ProtocolEvent } from '../protocolEvents.ts'
import { asAction } from './errors.ts'
import { logsFrom, type ReadContext } from './types.ts'

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

/** The registry's events a version's signatures come from. */
export type SignatureEvent = Pick<ProtocolEvent, 'transactionHash' | 'blockNumber'> & (
  | { eventName: 'VersionProposed', args: { versionId: bigint, taskId: bigint, round: bigint, aggregator: Address, signature: Hex } }
  | { eventName: 'VersionConfirmed', args: { versionId: bigint, signer: Address, signers: bigint, signature: Hex } }
  | { eventName: 'VersionFinalized', args: { versionId: bigint } }
)

/** A version's signatures from its events, in chain order (whichever source read them: the chain or the indexer's feed). */
export function versionSignaturesOf (events: readonly SignatureEvent[]): VersionSignatures {
  let proposal: VersionSignatures['proposal']
  const confirmations: VersionSignatures['confirmations'] = []
  let finalizedIn: Hash | undefined
  for (const event of events) {
    const { transactionHash, blockNumber } = event
    if (event.eventName === 'VersionProposed') {
      proposal ??= { signer: event.args.aggregator, signature: event.args.signature, taskId: event.args.taskId, round: event.args.round, transactionHash, blockNumber }
    } else if (event.eventName === 'VersionConfirmed') {
      confirmations.push({ signer: event.args.signer, signature: event.args.signature, count: event.args.signers, transactionHash, blockNumber })
    } else {
      finalizedIn ??= transactionHash
    }
  }
  return { proposal, confirmations, finalizedIn }
}

export async function readVersionSignatures (ctx: ReadContext, params: { versionId: bigint }): Promise<VersionSignatures> {
  return await asAction('readVersionSignatures', async () => {
    const registry = { address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, fromBlock: logsFrom(ctx), strict: true } as const
    const [proposed, confirmed, finalized] = await Promise.all([
      ctx.publicClient.getContractEvents({ ...registry, eventName: 'VersionProposed', args: { versionId: params.versionId } }),
      ctx.publicClient.getContractEvents({ ...registry, eventName: 'VersionConfirmed', args: { versionId: params.versionId } }),
      ctx.publicClient.getContractEvents({ ...registry, eventName: 'VersionFinalized', args: { versionId: params.versionId } })
    ])
    return versionSignaturesOf([...proposed, ...confirmed, ...finalized])
  })
}

import { BaseError, ContractFunctionRevertedError, type Abi, type Hash, type Hex } from 'viem'
import { MLBridgeError } from '../../core/errors.ts'
import { explainError } from '../explainError.ts'
import { abis } from '../generated/abis.ts'
import type { VersionStatusName } from './readVersion.ts'

/** Every custom error of every protocol contract (OZ errors included), for decoding nested reverts. */
export const protocolErrorsAbi: Abi = (() => {
  const seen = new Set<string>()
  const out: Abi[number][] = []
  for (const abi of Object.values(abis)) {
    for (const item of abi) {
      if (item.type !== 'error') continue
      const key = `${item.name}(${item.inputs.map((input) => input.type).join(',')})`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(item)
    }
  }
  return out
})()

/** Any failure of a chain action; `action` names it, `cause` keeps what viem threw. */
export class ChainActionError extends MLBridgeError {
  override name = 'ChainActionError'
  constructor (readonly action: string, message: string, options?: { cause?: unknown }) {
    super('CHAIN_ACTION_FAILED', message, options)
  }
}

/**
 * The contract said no: `errorName` is the custom error (e.g. `NotAssigned`, `CommitmentMismatch`)
 * and `args` its decoded arguments; `message` says it in words. `errorName` is `Error` for a
 * require-string revert, `Panic` for a panic, or undefined when the revert data matches no ABI.
 */
export class ContractRejectedError extends ChainActionError {
  override name = 'ContractRejectedError'
  override readonly code: string = 'CONTRACT_REJECTED'
  constructor (
    action: string,
    readonly errorName: string | undefined,
    readonly args: readonly unknown[],
    readonly data: Hex | undefined,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(action, message, options)
  }
}

/** The transaction was mined but reverted (a race the simulation did not see). */
export class TransactionRevertedError extends ChainActionError {
  override name = 'TransactionRevertedError'
  override readonly code: string = 'TRANSACTION_REVERTED'
  constructor (action: string, readonly hash: Hash) {
    super(action, `${action}: transaction ${hash} reverted on chain.`)
  }
}

/** The transaction succeeded but did not emit the event the action reads its result from. */
export class MissingEventError extends ChainActionError {
  override name = 'MissingEventError'
  override readonly code: string = 'EVENT_MISSING'
  constructor (action: string, readonly eventName: string, readonly hash: Hash) {
    super(action, `${action}: transaction ${hash} emitted no ${eventName} event.`)
  }
}

/** The version on chain is not what the caller recomputed: challenge it rather than confirm it. */
export class VersionMismatchError extends ChainActionError {
  override name = 'VersionMismatchError'
  override readonly code: string = 'VERSION_MISMATCH'
  constructor (action: string, readonly versionId: bigint, readonly onChain: Hex, readonly recomputed: Hex) {
    super(action, `${action}: version ${versionId} has commit hash ${onChain}, not the recomputed ${recomputed}; challenge it instead of confirming.`)
  }
}

/**
 * A version's content as read (its `VersionRegistered` log) does not hash to the content hash the
 * registry stored for it: the RPC or the log lies, and the content is refused.
 */
export class VersionContentMismatchError extends ChainActionError {
  override name = 'VersionContentMismatchError'
  override readonly code: string = 'VERSION_CONTENT_MISMATCH'
  constructor (action: string, readonly versionId: bigint, readonly status: VersionStatusName, readonly stored: Hex, readonly read: Hex) {
    super(action, `${action}: the content read for version ${versionId} hashes to ${read}, not to the ${stored} the registry stored; refused.`)
  }
}

/** Wraps whatever a chain call threw as a ChainActionError; contract reverts become ContractRejectedError. */
export function toChainActionError (action: string, error: unknown): ChainActionError {
  if (error instanceof ChainActionError) return error
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
    if (reverted instanceof ContractFunctionRevertedError) {
      let decoded: ContractFunctionRevertedError = reverted
      if (reverted.data === undefined && reverted.raw !== undefined && reverted.raw !== '0x') {
        // Reverted in a contract the target called (e.g. the token inside createTask): decode with
        // every protocol ABI, so the error still has its name and its words.
        const retry = new ContractFunctionRevertedError({ abi: protocolErrorsAbi, data: reverted.raw, functionName: action })
        if (retry.data !== undefined) decoded = retry
      }
      const errorName = decoded.data?.errorName ?? (decoded.reason !== undefined ? 'Error' : undefined)
      const args: readonly unknown[] = decoded.data?.args ?? []
      const words = explainError(decoded === reverted ? error : decoded)
      return new ContractRejectedError(action, errorName, args, reverted.raw, `${action}: ${words}`, { cause: error })
    }
  }
  return new ChainActionError(action, `${action}: ${explainError(error)}`, { cause: error })
}

/** Runs `body`, turning anything it throws into a ChainActionError for `action`. */
export async function asAction<T> (action: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body()
  } catch (error) {
    throw toChainActionError(action, error)
  }
}

import {
  BaseError,
  ChainMismatchError,
  ContractFunctionRevertedError,
  HttpRequestError,
  InsufficientFundsError,
  UserRejectedRequestError
} from 'viem'
import { ConnectorChainMismatchError } from '@wagmi/core'

/** Sentences for the contracts' custom errors; names not listed are spelled out from their name. */
const revertSentences: Record<string, (args: readonly unknown[]) => string> = {
  FaucetDisabled: ([chainId]) => `The faucet only works on the local development chain (this is chain ${String(chainId)}).`,
  // DataRegistry
  AlreadyRegistered: ([existingId]) => `This data is registered already, as data set ${String(existingId)}; cite that one instead.`,
  FieldTooLong: ([field, length, max]) => `The data set's ${String(field)} is ${String(length)} bytes long; at most ${String(max)} are allowed.`,
  EmptyField: ([field]) => `The data set's ${String(field)} must not be empty.`,
  ZeroContentHash: () => 'The data set has no content hash (it is zero).',
  UnknownDataSet: ([dataSetId]) => `Data set ${String(dataSetId)} is not registered.`,
  NotDataSetOwner: ([dataSetId, caller]) => `Only the owner of data set ${String(dataSetId)} may change it, not ${String(caller)}.`,
  TaskNotJoining: ([taskId]) => `Task ${String(taskId)} is no longer joining: a data set can be cited only before its join deadline.`,
  AlreadyCited: ([taskId, dataSetId]) => `Task ${String(taskId)} cites data set ${String(dataSetId)} already.`,
  DataHashMismatch: ([taskId, taskDataHash, contentHash]) =>
    `That data set (content hash ${String(contentHash)}) is not the data of task ${String(taskId)}, whose data hash is ${String(taskDataHash)}.`,
  // ModelRegistry
  VersionDataMismatch: ([versionId, stored, given]) =>
    `The content sent for version ${String(versionId)} is not the content it was registered with (it hashes to ${String(given)}, the registry holds ${String(stored)}); read the version again.`
}

function spellOut (errorName: string, args: readonly unknown[] | undefined): string {
  const words = errorName.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  const detail = args !== undefined && args.length > 0 ? ` (${args.map(String).join(', ')})` : ''
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${detail}.`
}

/**
 * Turns what viem and wagmi throw into one sentence a user can act on. Transactions fail for a few
 * reasons people must tell apart: they said no, the contract said no (and why), the wallet is on
 * another chain, the account cannot pay for gas, or the chain cannot be reached.
 */
export function explainError (error: unknown): string {
  if (!(error instanceof BaseError)) {
    return error instanceof Error ? error.message : String(error)
  }
  const rejected = error.walk((e) => e instanceof UserRejectedRequestError)
  if (rejected !== null) return 'You rejected the request in your wallet; nothing was sent.'

  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
  if (reverted instanceof ContractFunctionRevertedError) {
    const name = reverted.data?.errorName
    if (name !== undefined) {
      const sentence = revertSentences[name]?.(reverted.data?.args ?? []) ?? spellOut(name, reverted.data?.args)
      return `The contract rejected the transaction: ${sentence}`
    }
    return `The contract rejected the transaction: ${reverted.reason ?? 'no reason given'}.`
  }

  const mismatch = error.walk((e) => e instanceof ChainMismatchError || e instanceof ConnectorChainMismatchError)
  if (mismatch !== null) return `Your wallet is on another chain. ${mismatch instanceof BaseError ? mismatch.shortMessage : ''}`.trim()

  if (error.walk((e) => e instanceof InsufficientFundsError) !== null) {
    return 'This account has too little ETH to pay for gas.'
  }
  const http = error.walk((e) => e instanceof HttpRequestError)
  if (http instanceof HttpRequestError) return `Cannot reach the chain at ${http.url}. Is the RPC running?`

  return error.shortMessage
}

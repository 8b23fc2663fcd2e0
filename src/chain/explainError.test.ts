import { describe, expect, it } from 'vitest'
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  HttpRequestError,
  InsufficientFundsError,
  UserRejectedRequestError
} from 'viem'
import { MLBTokenAbi, ModelRegistryAbi } from './generated/abis.ts'
import { explainError } from './explainError.ts'

const wrap = (cause: Error): ContractFunctionExecutionError =>
  new ContractFunctionExecutionError(cause as never, { abi: MLBTokenAbi, functionName: 'faucet', args: [] })

describe('explainError', () => {
  it('says the user rejected, however deep the rejection is wrapped', () => {
    expect(explainError(wrap(new UserRejectedRequestError(new Error('denied')))))
      .toBe('You rejected the request in your wallet; nothing was sent.')
  })

  it('decodes a custom error from the contract into a sentence', () => {
    const data = encodeErrorResult({ abi: MLBTokenAbi, errorName: 'FaucetDisabled', args: [1n] })
    const reverted = new ContractFunctionRevertedError({ abi: MLBTokenAbi, data, functionName: 'faucet' })
    expect(explainError(wrap(reverted)))
      .toBe('The contract rejected the transaction: The faucet only works on the local development chain (this is chain 1).')
  })

  it('says which version a forged content was sent for', () => {
    const [stored, given] = [`0x${'1'.repeat(64)}`, `0x${'2'.repeat(64)}`] as const
    const data = encodeErrorResult({ abi: ModelRegistryAbi, errorName: 'VersionDataMismatch', args: [7n, stored, given] })
    const reverted = new ContractFunctionRevertedError({ abi: ModelRegistryAbi, data, functionName: 'confirm' })
    expect(explainError(wrap(reverted))).toBe(
      `The contract rejected the transaction: The content sent for version 7 is not the content it was registered with (it hashes to ${given}, the registry holds ${stored}); read the version again.`)
  })

  it('spells out custom errors it has no sentence for', () => {
    const data = encodeErrorResult({ abi: MLBTokenAbi, errorName: 'ERC20InsufficientBalance', args: ['0x0000000000000000000000000000000000000001', 1n, 2n] })
    const reverted = new ContractFunctionRevertedError({ abi: MLBTokenAbi, data, functionName: 'faucet' })
    expect(explainError(wrap(reverted))).toBe(
      'The contract rejected the transaction: Erc20 insufficient balance (0x0000000000000000000000000000000000000001, 1, 2).')
  })

  it('names gas and connectivity problems', () => {
    expect(explainError(wrap(new InsufficientFundsError()))).toBe('This account has too little ETH to pay for gas.')
    expect(explainError(new HttpRequestError({ url: 'http://127.0.0.1:8545' })))
      .toBe('Cannot reach the chain at http://127.0.0.1:8545. Is the RPC running?')
  })

  it('passes plain errors through', () => {
    expect(explainError(new Error('boom'))).toBe('boom')
    expect(explainError('text')).toBe('text')
  })
})

import { BaseError, ContractFunctionRevertedError, createPublicClient, encodeErrorResult, http } from 'viem'
import { describe, expect, it } from 'vitest'
import { ConsensusVerifierAbi, MLBTokenAbi } from '../generated/abis.ts'
import { ChainActionError, ContractRejectedError, toChainActionError } from './errors.ts'
import { readClaimable } from './readClaimable.ts'

const zero = '0x0000000000000000000000000000000000000000'
const contracts = { MLBToken: zero, TaskManager: zero, ConsensusVerifier: zero, RewardDistributor: zero, ModelRegistry: zero, ResultChallenges: zero, DataRegistry: zero } as const

describe('toChainActionError', () => {
  it('names the custom error of the called contract with its arguments and words', () => {
    const data = encodeErrorResult({ abi: ConsensusVerifierAbi, errorName: 'AlreadyCommitted', args: [1n] })
    const reverted = new ContractFunctionRevertedError({ abi: ConsensusVerifierAbi, data, functionName: 'commit' })
    const error = toChainActionError('commitResult', new BaseError('call failed', { cause: reverted }))
    expect(error).toBeInstanceOf(ContractRejectedError)
    expect(error).toMatchObject({ action: 'commitResult', errorName: 'AlreadyCommitted', args: [1n], data })
    expect(error.message).toBe('commitResult: The contract rejected the transaction: Already committed (1).')
  })

  it('decodes an error of a contract called further down with every protocol ABI', () => {
    const data = encodeErrorResult({ abi: MLBTokenAbi, errorName: 'FaucetDisabled', args: [1n] })
    // Decoded against the verifier's ABI, the token's error is unknown...
    const reverted = new ContractFunctionRevertedError({ abi: ConsensusVerifierAbi, data, functionName: 'x' })
    const error = toChainActionError('faucet', reverted)
    // ...but the protocol-wide ABI knows it, and explainError has words for it.
    expect(error).toMatchObject({ errorName: 'FaucetDisabled', args: [1n] })
    expect(error.message).toBe('faucet: The contract rejected the transaction: The faucet only works on the local development chain (this is chain 1).')
  })

  it('says when the chain cannot be reached, keeping the cause', async () => {
    const publicClient = createPublicClient({ transport: http('http://127.0.0.1:1', { retryCount: 0 }) })
    const error = await readClaimable({ publicClient, contracts }, { account: zero }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChainActionError)
    expect(error).not.toBeInstanceOf(ContractRejectedError)
    expect((error as Error).message).toBe('readClaimable: Cannot reach the chain at http://127.0.0.1:1/. Is the RPC running?')
    expect((error as Error).cause).toBeInstanceOf(BaseError)
  })
})

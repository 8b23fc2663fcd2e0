import { useCallback, useState } from 'react'
import { useConfig } from 'wagmi'
import { waitForTransactionReceipt, writeContract, type WriteContractParameters } from '@wagmi/core'
import type { Hash } from 'viem'
import { explainError } from '../../chain/explainError.ts'

export type TransactionPhase =
  | { phase: 'idle' }
  | { phase: 'signing' }
  | { phase: 'pending'; hash: Hash }
  | { phase: 'confirmed'; hash: Hash; blockNumber: bigint }
  | { phase: 'failed'; message: string; hash?: Hash }

/**
 * One transaction's life as the user sees it: waiting for the wallet, pending on-chain, confirmed
 * or failed with the reason in words. Every write in the app goes through here.
 */
export function useTransaction (): { state: TransactionPhase; send: (request: WriteContractParameters) => Promise<boolean> } {
  const config = useConfig()
  const [state, setState] = useState<TransactionPhase>({ phase: 'idle' })

  const send = useCallback(async (request: WriteContractParameters): Promise<boolean> => {
    setState({ phase: 'signing' })
    let hash: Hash | undefined
    try {
      hash = await writeContract(config, request)
      setState({ phase: 'pending', hash })
      const receipt = await waitForTransactionReceipt(config, { hash })
      if (receipt.status !== 'success') {
        setState({ phase: 'failed', hash, message: 'The transaction was mined but reverted.' })
        return false
      }
      setState({ phase: 'confirmed', hash, blockNumber: receipt.blockNumber })
      return true
    } catch (error) {
      setState({ phase: 'failed', hash, message: explainError(error) })
      return false
    }
  }, [config])

  return { state, send }
}

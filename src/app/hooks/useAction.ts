import { useCallback, useState } from 'react'
import type { TransactionReceipt } from 'viem'
import type { WriteContext } from '../../chain/actions/index.ts'
import { explainError } from '../../chain/explainError.ts'
import type { TransactionPhase } from './useTransaction.ts'

/**
 * Runs one chain action (`src/chain/actions`) with the states `TxStatus` shows: waiting for the
 * wallet, pending once sent, then confirmed (with the block of the receipt the action returns) or
 * failed with the reason in words. Returns the action's result, or undefined when it failed.
 */
export function useAction (): { state: TransactionPhase, run: <T extends { receipt: TransactionReceipt }>(ctx: WriteContext | undefined, action: (ctx: WriteContext) => Promise<T>) => Promise<T | undefined>, reset: () => void } {
  const [state, setState] = useState<TransactionPhase>({ phase: 'idle' })
  const run = useCallback(async <T extends { receipt: TransactionReceipt }>(ctx: WriteContext | undefined, action: (ctx: WriteContext) => Promise<T>): Promise<T | undefined> => {
    if (ctx === undefined) {
      setState({ phase: 'failed', message: 'Connect a wallet on this network first.' })
      return undefined
    }
    setState({ phase: 'signing' })
    try {
      // Each transaction of the action shows as pending once sent; the next one asks the wallet again.
      const result = await action({ ...ctx, onSent: (_name, hash) => { setState({ phase: 'pending', hash }) } })
      setState({ phase: 'confirmed', hash: result.receipt.transactionHash, blockNumber: result.receipt.blockNumber })
      return result
    } catch (error) {
      setState({ phase: 'failed', message: explainError(error) })
      return undefined
    }
  }, [])
  const reset = useCallback(() => { setState({ phase: 'idle' }) }, [])
  return { state, run, reset }
}

import { useCallback, useState } from 'react'
import type { Hash, TransactionReceipt } from 'viem'
import type { WriteContext } from '../../chain/actions/index.ts'
import { explainError } from '../../chain/explainError.ts'

/** One transaction's life as the user sees it. `skipped`: the action had nothing to send. */
export type TransactionPhase =
  | { phase: 'idle' }
  | { phase: 'signing' }
  | { phase: 'pending'; hash: Hash }
  | { phase: 'confirmed'; hash: Hash; blockNumber: bigint }
  | { phase: 'skipped' }
  | { phase: 'failed'; message: string; hash?: Hash }

export interface Transactor {
  state: TransactionPhase
  /** Runs the action; its result, or undefined when it failed (the state says why). */
  run: <T extends { receipt: TransactionReceipt | null }>(ctx: WriteContext | undefined, action: (ctx: WriteContext) => Promise<T>) => Promise<T | undefined>
  reset: () => void
}

/**
 * Every write in the app goes through here, over a chain action (`src/chain/actions`, whose
 * transactor simulates, sends and waits): waiting for the wallet, pending once sent, then confirmed
 * with the block of the receipt the action returns, skipped when it sent nothing, or failed with
 * the reason in words.
 */
export function useTransactor (): Transactor {
  const [state, setState] = useState<TransactionPhase>({ phase: 'idle' })
  const run = useCallback(async <T extends { receipt: TransactionReceipt | null }>(ctx: WriteContext | undefined, action: (ctx: WriteContext) => Promise<T>): Promise<T | undefined> => {
    if (ctx === undefined) {
      setState({ phase: 'failed', message: 'Connect a wallet on this network first.' })
      return undefined
    }
    setState({ phase: 'signing' })
    let sent: Hash | undefined
    try {
      // Each transaction of the action shows as pending once sent; the next one asks the wallet again.
      const result = await action({ ...ctx, onSent: (_name, hash) => { sent = hash; setState({ phase: 'pending', hash }) } })
      setState(result.receipt === null ? { phase: 'skipped' } : { phase: 'confirmed', hash: result.receipt.transactionHash, blockNumber: result.receipt.blockNumber })
      return result
    } catch (error) {
      setState({ phase: 'failed', message: explainError(error), ...(sent === undefined ? {} : { hash: sent }) })
      return undefined
    }
  }, [])
  const reset = useCallback(() => { setState({ phase: 'idle' }) }, [])
  return { state, run, reset }
}

import { useState } from 'react'
import { advance } from '../../chain/actions/index.ts'
import { TxStatus } from '../components/TxStatus.tsx'
import { useTransactor } from '../hooks/useTransactor.ts'
import { useWriteContext } from '../hooks/useProtocol.ts'
import { mlb } from './format.ts'

/**
 * Ends a task whose join window closed with too few providers, which refunds its escrow to the
 * creator. Anyone may send it (`TaskManager.advance`), so any visitor with a wallet can free a
 * creator's escrow; the creator is the one it pays. The page keeps it mounted, so once the task
 * has ended (`refundable` false) the transaction's outcome remains on screen.
 */
export function EndExpiredTask ({ taskId, refundable, escrowLeft, isCreator, onDone }: {
  taskId: bigint, refundable: boolean, escrowLeft: bigint, isCreator: boolean, onDone: () => void
}): React.JSX.Element | null {
  const ctx = useWriteContext()
  const action = useTransactor()
  const [refund, setRefund] = useState<bigint>()
  const end = async (): Promise<void> => {
    const result = await action.run(ctx, async (ctx) => await advance(ctx, { taskId }))
    if (result?.outcome.kind === 'cancelled') setRefund(result.outcome.refund)
    onDone()
  }
  const busy = action.state.phase === 'signing' || action.state.phase === 'pending'
  if (!refundable && action.state.phase === 'idle') return null
  return (
    <div className="td-cancel">
      {refundable && refund === undefined && (
        <button type="button" data-testid="end-expired" disabled={busy} onClick={() => { void end() }}>
          {isCreator ? `End the task and refund my ${mlb(escrowLeft)}` : `End the task (refunds its ${mlb(escrowLeft)} to the creator)`}
        </button>
      )}
      <TxStatus state={action.state} testId="end-expired-status" />
      {refund !== undefined && <p className="ok" data-testid="end-expired-refund">Refunded {mlb(refund)} to the creator: it is claimable from the Contribute page.</p>}
    </div>
  )
}

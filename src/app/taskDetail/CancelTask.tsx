import { useState } from 'react'
import { cancelTask } from '../../chain/actions/index.ts'
import { TxStatus } from '../components/TxStatus.tsx'
import { useTransactor } from '../hooks/useTransactor.ts'
import { useWriteContext } from '../hooks/useProtocol.ts'
import { mlb } from './format.ts'

/**
 * The creator's cancel button (while the task is `open`), with a confirm step. It stays mounted
 * after the task closes so the transaction's outcome and the refund remain on screen.
 */
export function CancelTask ({ taskId, open, escrowLeft, onDone }: { taskId: bigint, open: boolean, escrowLeft: bigint, onDone: () => void }): React.JSX.Element {
  const ctx = useWriteContext()
  const action = useTransactor()
  const [confirming, setConfirming] = useState(false)
  const [refund, setRefund] = useState<bigint>()
  const busy = action.state.phase === 'signing' || action.state.phase === 'pending'
  const cancel = async (): Promise<void> => {
    setConfirming(false)
    const result = await action.run(ctx, async (ctx) => await cancelTask(ctx, { taskId }))
    if (result !== undefined) setRefund(result.refund)
    onDone()
  }
  return (
    <div className="td-cancel">
      {open && !confirming && refund === undefined && (
        <button type="button" data-testid="cancel-task" disabled={busy} onClick={() => { setConfirming(true) }}>Cancel task</button>
      )}
      {open && confirming && (
        <p>
          Cancel task {taskId.toString()}? About {mlb(escrowLeft)} of escrow not yet earned becomes claimable by you.{' '}
          <button type="button" data-testid="cancel-confirm" onClick={() => { void cancel() }}>Yes, cancel it</button>{' '}
          <button type="button" data-testid="cancel-abort" onClick={() => { setConfirming(false) }}>Keep it</button>
        </p>
      )}
      <TxStatus state={action.state} testId="cancel-status" />
      {refund !== undefined && <p className="ok" data-testid="cancel-refund">Refunded {mlb(refund)}: claim it from the rewards panel.</p>}
    </div>
  )
}

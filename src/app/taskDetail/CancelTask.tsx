import { useState } from 'react'
import { cancelTask, type CancelOutcome } from '../../chain/actions/index.ts'
import { TxStatus } from '../components/TxStatus.tsx'
import { useTransactor } from '../hooks/useTransactor.ts'
import { useWriteContext } from '../hooks/useProtocol.ts'
import { mlb } from './format.ts'
import { roundNumber } from '../../core/taskPhase.ts'

/**
 * The creator's cancel button (while the task is `open`), with a confirm step. A joining task ends
 * at once; a running one ends with its current round, whose revealed results are still paid. It
 * stays mounted after the task closes so the transaction's outcome remains on screen.
 */
export function CancelTask ({ taskId, open, escrowLeft, onDone }: { taskId: bigint, open: boolean, escrowLeft: bigint, onDone: () => void }): React.JSX.Element {
  const ctx = useWriteContext()
  const action = useTransactor()
  const [confirming, setConfirming] = useState(false)
  const [outcome, setOutcome] = useState<CancelOutcome>()
  const busy = action.state.phase === 'signing' || action.state.phase === 'pending'
  const cancel = async (): Promise<void> => {
    setConfirming(false)
    const result = await action.run(ctx, async (ctx) => await cancelTask(ctx, { taskId }))
    if (result !== undefined) setOutcome(result.outcome)
    onDone()
  }
  return (
    <div className="td-cancel">
      {open && !confirming && outcome === undefined && (
        <button type="button" data-testid="cancel-task" disabled={busy} onClick={() => { setConfirming(true) }}>Cancel task</button>
      )}
      {open && confirming && (
        <p>
          Cancel task {taskId.toString()}? A running task ends when its current round does (the results revealed in it are still
          paid); then about {mlb(escrowLeft)} of escrow not yet earned becomes claimable by you.{' '}
          <button type="button" data-testid="cancel-confirm" onClick={() => { void cancel() }}>Yes, cancel it</button>{' '}
          <button type="button" data-testid="cancel-abort" onClick={() => { setConfirming(false) }}>Keep it</button>
        </p>
      )}
      <TxStatus state={action.state} testId="cancel-status" />
      {outcome?.kind === 'cancelled' && <p className="ok" data-testid="cancel-refund">Refunded {mlb(outcome.refund)}: claim it from the rewards panel.</p>}
      {outcome?.kind === 'requested' && <p className="ok" data-testid="cancel-refund">Cancel requested: the task ends when round {roundNumber(outcome.round)} does; the escrow left then becomes claimable by you.</p>}
    </div>
  )
}

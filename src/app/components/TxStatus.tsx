import type { TransactionPhase } from '../hooks/useTransactor.ts'

const short = (hash: string): string => `${hash.slice(0, 10)}…${hash.slice(-6)}`

/** `skipped` says why nothing was sent (e.g. an allowance that already covers the amount). */
export function TxStatus ({ state, testId, skipped }: { state: TransactionPhase; testId: string; skipped?: string }): React.JSX.Element | null {
  switch (state.phase) {
    case 'idle':
      return null
    case 'signing':
      return <p className="tx pending" data-testid={testId} data-phase="signing">Waiting for your wallet to sign…</p>
    case 'pending':
      return <p className="tx pending" data-testid={testId} data-phase="pending">Pending: {short(state.hash)}</p>
    case 'confirmed':
      return <p className="tx ok" data-testid={testId} data-phase="confirmed">Confirmed in block {state.blockNumber.toString()}</p>
    case 'skipped':
      return <p className="tx ok" data-testid={testId} data-phase="skipped">{skipped ?? 'Nothing needed sending.'}</p>
    case 'failed':
      return <p className="tx error" role="alert" data-testid={testId} data-phase="failed">Failed: {state.message}</p>
  }
}

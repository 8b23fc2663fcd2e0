import type { TransactionPhase } from '../hooks/useTransaction.ts'

const short = (hash: string): string => `${hash.slice(0, 10)}…${hash.slice(-6)}`

export function TxStatus ({ state, testId }: { state: TransactionPhase; testId: string }): React.JSX.Element | null {
  switch (state.phase) {
    case 'idle':
      return null
    case 'signing':
      return <p className="tx pending" data-testid={testId} data-phase="signing">Waiting for your wallet to sign…</p>
    case 'pending':
      return <p className="tx pending" data-testid={testId} data-phase="pending">Pending: {short(state.hash)}</p>
    case 'confirmed':
      return <p className="tx ok" data-testid={testId} data-phase="confirmed">Confirmed in block {state.blockNumber.toString()}</p>
    case 'failed':
      return <p className="tx error" role="alert" data-testid={testId} data-phase="failed">Failed: {state.message}</p>
  }
}

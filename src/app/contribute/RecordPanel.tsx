import { useQuery } from '@tanstack/react-query'
import type { Address } from 'viem'
import { explainError } from '../../chain/explainError.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { useDisputeLog } from '../hooks/useEventLogs.ts'
import { ChallengesTable } from '../taskDetail/ChallengesTable.tsx'
import { disputesOf } from '../taskDetail/disputes.ts'
import { mlb } from '../taskDetail/format.ts'
import { SlashesTable } from '../taskDetail/SlashesTable.tsx'
import { accountRecordOf } from './accountRecord.ts'

/** Slower than the stake figures: it looks through every dispute of every task. */
const REFRESH_MS = 5000

/** The account's slashes, the earnings they forfeited, and the challenges it made or faces that are still open. */
export function RecordPanel ({ account }: { account: Address }): React.JSX.Element {
  const ctx = useReadContext()
  const log = useDisputeLog()
  const query = useQuery({
    queryKey: ['account-record', ctx.contracts.RewardDistributor, account],
    queryFn: async () => accountRecordOf(disputesOf(await log.events()), account),
    refetchInterval: REFRESH_MS
  })
  const record = query.data
  return (
    <section className="panel" aria-labelledby="record-title" data-testid="my-slashes">
      <h2 id="record-title">Your record</h2>
      {query.error !== null && <p className="error" role="alert">Could not read your record: {explainError(query.error)}</p>}
      {record === undefined
        ? query.error === null && <p className="muted">Loading…</p>
        : record.slashes.length + record.openChallenges.length === 0
          ? <p className="muted" data-testid="my-record-empty">Never slashed, nothing forfeited, no open challenge by or against you.</p>
          : (
              <>
                <p>Earnings forfeited by slashes: <strong data-testid="my-forfeited" data-wei={record.forfeited.toString()}>{mlb(record.forfeited)}</strong></p>
                {record.slashes.length > 0 && <SlashesTable slashes={record.slashes} withTask />}
                {record.openChallenges.length > 0 && <ChallengesTable challenges={record.openChallenges} caption="Open challenges by or against you" />}
              </>
            )}
    </section>
  )
}

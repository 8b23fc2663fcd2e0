/**
 * Where a task's data comes from, as the data registry records it: the registered data set the
 * creator cited (its name, licence and first registrant), or that none is cited. A citation is
 * checked on chain against the task's data hash, so the page can say the data is that set's.
 */
import { useQuery } from '@tanstack/react-query'
import { readDataSet, readTaskDataSet } from '../../chain/actions/index.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { shortAddress } from './format.ts'

/** A citation comes once, right after creation: look again now and then until it has. */
const REFRESH_MS = 5000

export function DataProvenance ({ taskId }: { taskId: bigint }): React.JSX.Element {
  const ctx = useReadContext()
  const query = useQuery({
    queryKey: ['taskDataSet', ctx.contracts.DataRegistry, taskId.toString()],
    queryFn: async () => {
      const dataSetId = await readTaskDataSet(ctx, { taskId })
      return dataSetId === 0n ? null : await readDataSet(ctx, { dataSetId })
    },
    refetchInterval: (q) => (q.state.data === undefined || q.state.data === null ? REFRESH_MS : false)
  })
  const set = query.data
  if (set === undefined) return <dd className="muted" data-testid="task-dataset">{query.error === null ? 'Loading…' : 'Could not read the data registry.'}</dd>
  if (set === null) return <dd className="muted" data-testid="task-dataset">Not cited in the data registry</dd>
  const registered = new Date(Number(set.registeredAt) * 1000).toISOString().slice(0, 10)
  return (
    <dd data-testid="task-dataset" data-dataset-id={set.dataSetId.toString()}>
      #{set.dataSetId.toString()} <strong>{set.name}</strong>, licence {set.license === '' ? 'not stated' : set.license}, registered {registered} by <span title={set.owner}>{shortAddress(set.owner)}</span>
      {set.description !== '' && <span className="muted"> ({set.description})</span>}
    </dd>
  )
}

import { useQuery } from '@tanstack/react-query'
import { explainError } from '../../chain/explainError.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { loadModelList } from '../models/loadModelList.ts'
import { shortHex } from '../models/format.ts'
import { Link } from '../router.tsx'
import '../models/models.css'

export function ModelsPage (): React.JSX.Element {
  const ctx = useReadContext()
  const models = useQuery({
    queryKey: ['models', ctx.contracts.ModelRegistry],
    queryFn: async () => await loadModelList(ctx),
    refetchInterval: 5000
  })
  return (
    <section className="panel page" data-testid="models-page">
      <h2>Models</h2>
      {models.isPending && <p className="muted">Loading models…</p>}
      {models.isError && <p className="error" role="alert">Could not read the models: {explainError(models.error)}</p>}
      {models.data?.length === 0 && <p className="muted" data-testid="models-empty">No models yet: a model is created with every task, or by forking a version.</p>}
      {models.data !== undefined && models.data.length > 0 && (
        <table data-testid="models-table">
          <thead><tr><th>Model</th><th>Owner</th><th>Task</th><th>Head</th><th>Versions</th></tr></thead>
          <tbody>
            {models.data.map((m) => (
              <tr key={m.modelId.toString()} data-testid={`model-row-${m.modelId}`}>
                <td><Link to={{ page: 'model', modelId: m.modelId }} testId={`model-link-${m.modelId}`}>Model {m.modelId.toString()}</Link></td>
                <td title={m.owner}>{shortHex(m.owner, 4)}</td>
                <td>{m.taskId === 0n ? <span className="muted">forked</span> : <Link to={{ page: 'task', taskId: m.taskId }}>Task {m.taskId.toString()}</Link>}</td>
                <td><Link to={{ page: 'version', versionId: m.head }}>v{m.head.toString()}</Link></td>
                <td data-testid={`model-versions-${m.modelId}`}>{m.versionCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

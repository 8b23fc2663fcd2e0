import { useQuery } from '@tanstack/react-query'
import { explainError } from '../../chain/explainError.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { useReadSource } from '../hooks/useReadSource.ts'
import { formatBps } from '../models/format.ts'
import { LineageGraph } from '../models/LineageGraph.tsx'
import { loadLineage } from '../models/loadLineage.ts'
import { ModelActions } from '../models/ModelActions.tsx'
import { Link } from '../router.tsx'
import '../models/models.css'

export function ModelPage ({ modelId }: { modelId: bigint }): React.JSX.Element {
  const ctx = useReadContext()
  const { source, via } = useReadSource()
  const lineage = useQuery({
    queryKey: ['lineage', ctx.contracts.ModelRegistry, via, modelId.toString()],
    queryFn: async () => await loadLineage(ctx, source, modelId),
    refetchInterval: 5000
  })
  if (lineage.data === 'missing') {
    return (
      <section className="panel" data-testid="model-missing">
        <h2>Model {modelId.toString()}</h2>
        <p className="error" role="alert">There is no model {modelId.toString()} on this network. <Link to={{ page: 'models' }}>See the market</Link>.</p>
      </section>
    )
  }
  if (lineage.data === undefined || lineage.data === 'indexing') {
    return (
      <section className="panel">
        <h2>Model {modelId.toString()}</h2>
        {lineage.error === null
          ? <p className="muted">{lineage.data === 'indexing' ? 'Loading… (the indexer has yet to reach this model)' : 'Loading…'}</p>
          : <p className="error" role="alert" data-testid="model-error">{explainError(lineage.error)}</p>}
      </section>
    )
  }
  const { model, versions, forks } = lineage.data
  const head = versions.find((v) => v.versionId === model.head)
  return (
    <div className="page" data-testid="model-page">
      <section className="panel">
        <h2>Model {modelId.toString()}</h2>
        <dl>
          <dt>Owner</dt><dd data-testid="model-owner">{model.owner}</dd>
          <dt>Task</dt><dd>{model.taskId === 0n ? <span className="muted">none (forked model)</span> : <Link to={{ page: 'task', taskId: model.taskId }}>Task {model.taskId.toString()}</Link>}</dd>
          <dt>Head</dt>
          <dd data-testid="model-head" data-version-id={model.head.toString()}>
            <Link to={{ page: 'version', versionId: model.head }}>Version {model.head.toString()}</Link>
            {head !== undefined && head.accuracyBps > 0 && <span className="muted"> · accuracy {formatBps(head.accuracyBps)}</span>}
          </dd>
          <dt>Versions</dt><dd>{versions.filter((v) => v.modelId === modelId).length}</dd>
        </dl>
        <h3>Lineage</h3>
        <div className="lineage-wrap">
          <LineageGraph modelId={modelId} versions={versions} head={model.head} forks={forks} />
        </div>
        <p className="muted">Green: final · yellow: proposed · red: challenged or rejected · dashed orange edge: merge · dashed node: another model's version.</p>
      </section>
      <ModelActions lineage={lineage.data} />
    </div>
  )
}

import { useQuery } from '@tanstack/react-query'
import { readTaskCount } from '../../chain/actions/index.ts'
import { explainError } from '../../chain/explainError.ts'
import type { MLBridgeClient } from '../../sdk/index.ts'
import { useApi } from '../hooks/useApi.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { landingFigures } from '../landing/figures.ts'
import { marketRowView } from '../market/marketRow.ts'
import { Link } from '../router.tsx'
import '../landing/landing.css'

/** The figures move with blocks and rounds; a visitor reading the page sees them change. */
const REFRESH_MS = 10_000
const FEATURED = 3

/**
 * What a first visit sees, with no wallet: what the network does, its figures from the indexer's
 * API, the best models it has trained, and the way in to contributing.
 */
export function LandingPage (): React.JSX.Element {
  const api = useApi()
  return (
    <>
      <section className="panel landing-hero" aria-labelledby="landing-title">
        <h2 id="landing-title">Train machine-learning models on computers lent by volunteers</h2>
        <p className="landing-lede" data-testid="landing-summary">
          ML Bridge splits a funded training task into small shards that volunteers train in their browsers, and merges their
          work into new versions of the model. Every shard is trained by several volunteers and only results they agree on are
          accepted and paid, on-chain, so no single volunteer or server has to be trusted.
        </p>
        <p className="muted">
          Contributing lends this tab&apos;s CPU or GPU while it is open. You stake MLB, locked for the tasks you join and taken
          only on proof of a bad result, and earn each task&apos;s reward for every result of yours that is accepted.
        </p>
        <Link to={{ page: 'contribute' }} className="button-link" testId="start-contributing">Start contributing</Link>
      </section>
      <NetworkFigures api={api} />
      {api !== undefined && <FeaturedModels api={api} />}
    </>
  )
}

function NetworkFigures ({ api }: { api: MLBridgeClient | undefined }): React.JSX.Element {
  const stats = useQuery({ queryKey: ['network-stats', api], queryFn: async () => await api!.stats(), enabled: api !== undefined, refetchInterval: REFRESH_MS })
  return (
    <section className="panel" aria-labelledby="figures-title">
      <h2 id="figures-title">The network now</h2>
      <dl className="landing-figures" data-testid="landing-figures" data-state={api === undefined ? 'no-api' : stats.data === undefined ? 'loading' : 'ready'}>
        {landingFigures(stats.data).map((figure) => (
          <div key={figure.key} className="landing-figure">
            <dt>{figure.label}</dt>
            <dd data-testid={`figure-${figure.key}`}>{figure.value}</dd>
            <dd className="landing-figure-note">{figure.note}</dd>
          </div>
        ))}
      </dl>
      {api === undefined && <NoApiNote />}
      {stats.isError && <p className="error" role="alert">Could not read the figures: {explainError(stats.error)}</p>}
    </section>
  )
}

/** Without an indexer the figures are unknown; how many tasks exist is one cheap read of the chain. */
function NoApiNote (): React.JSX.Element {
  const read = useReadContext()
  const created = useQuery({ queryKey: ['task-count', read.contracts.TaskManager], queryFn: async () => await readTaskCount(read), refetchInterval: REFRESH_MS })
  return (
    <p className="muted" data-testid="figures-no-api">
      This network configures no indexer API, which counts these figures.
      {created.data !== undefined && <> The chain holds <span data-testid="tasks-created">{created.data.toString()}</span> task{created.data === 1n ? '' : 's'}.</>}
    </p>
  )
}

function FeaturedModels ({ api }: { api: MLBridgeClient }): React.JSX.Element {
  const models = useQuery({ queryKey: ['featured-models', api], queryFn: async () => (await api.models({ sort: 'accuracy', limit: FEATURED })).items, refetchInterval: REFRESH_MS })
  // a task's genesis has no validated head yet: only trained models are featured
  const featured = (models.data ?? []).map((model) => ({ model, view: marketRowView(model) })).filter(({ view }) => view.accuracy !== '–')
  return (
    <section className="panel" aria-labelledby="featured-title">
      <h2 id="featured-title">Featured models</h2>
      {models.isError && <p className="error" role="alert">Could not read the models: {explainError(models.error)}</p>}
      {models.data !== undefined && featured.length === 0 && <p className="muted" data-testid="featured-empty">No model has a validated version yet.</p>}
      {featured.length > 0 && (
        <ul className="landing-models" data-testid="featured-models">
          {featured.map(({ model, view }) => (
            <li key={model.id} data-testid="featured-model" data-model-id={model.id}>
              <Link to={{ page: 'model', modelId: BigInt(model.id) }}>{view.name}</Link>
              <span className="landing-model-accuracy">{view.accuracy} accuracy</span>
              <span className="muted">{view.lineage}; data {view.data}</span>
            </li>
          ))}
        </ul>
      )}
      <p><Link to={{ page: 'models' }}>Every model in the market</Link> · <Link to={{ page: 'tasks' }}>Tasks</Link></p>
    </section>
  )
}

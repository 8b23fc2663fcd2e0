import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { explainError } from '../../chain/explainError.ts'
import type { DataSet, MLBridgeClient, Model, ModelSort } from '../../sdk/index.ts'
import { useApi } from '../hooks/useApi.ts'
import { marketRowView } from '../market/marketRow.ts'
import { saveFile } from '../models/download.ts'
import { Link } from '../router.tsx'
import '../models/models.css'

const SORTS: Array<{ value: ModelSort, label: string }> = [
  { value: 'newest', label: 'Newest' },
  { value: 'accuracy', label: 'Best accuracy' },
  { value: 'loss', label: 'Lowest loss' },
  { value: 'name', label: 'Name' },
  { value: 'oldest', label: 'Oldest' }
]

/**
 * The model market: every model with its name, owner, task, head metrics, data licence and
 * lineage, read from the indexer's API, so it needs no wallet and no chain scan. Search, sort and
 * a data set filter run in the API; each row opens the model, runs its head in the viewer, or
 * downloads it over the gateway, checked against the head's commit hash.
 */
export function MarketPage (): React.JSX.Element {
  const api = useApi()
  if (api === undefined) {
    return (
      <section className="panel page" data-testid="models-page">
        <h2>Market</h2>
        <p className="muted" data-testid="market-no-api">This network configures no indexer API, which the market reads from.</p>
      </section>
    )
  }
  return <Market api={api} />
}

function Market ({ api }: { api: MLBridgeClient }): React.JSX.Element {
  const [q, setQ] = useState('')
  const [sort, setSort] = useState<ModelSort>('newest')
  const [dataSet, setDataSet] = useState('')
  const dataSets = useQuery({ queryKey: ['market-datasets'], queryFn: async () => (await api.dataSets({ limit: 200 })).items, refetchInterval: 15_000 })
  const models = useQuery({
    queryKey: ['market', q.trim(), sort, dataSet],
    queryFn: async () => await api.models({ ...(q.trim() === '' ? {} : { q: q.trim() }), sort, ...(dataSet === '' ? {} : { dataSet }), limit: 100 }),
    placeholderData: keepPreviousData,
    refetchInterval: 5000
  })
  return (
    <section className="panel page" data-testid="models-page">
      <h2>Market</h2>
      <p className="muted">Models trained on the network, and forks of them. Readable without a wallet; every download is checked against the version&apos;s commit hash on chain.</p>
      <div className="market-controls" role="search">
        <label>Search <input type="search" data-testid="market-search" value={q} maxLength={100} placeholder="name or description" onChange={(e) => { setQ(e.target.value) }} /></label>
        <label>Sort <SortSelect sort={sort} onChange={setSort} /></label>
        <label>Data <DataSetSelect dataSets={dataSets.data ?? []} value={dataSet} onChange={setDataSet} /></label>
      </div>
      {models.isPending && <p className="muted">Loading models…</p>}
      {models.isError && <p className="error" role="alert">Could not read the models: {explainError(models.error)}</p>}
      {models.data?.items.length === 0 && <p className="muted" data-testid="models-empty">{q === '' && dataSet === '' ? 'No models yet: a model is created with every task, or by forking a version.' : 'No model matches.'}</p>}
      {models.data !== undefined && models.data.items.length > 0 && (
        <table data-testid="models-table">
          <thead><tr><th>Model</th><th>Owner</th><th>Accuracy</th><th>Loss</th><th>Data</th><th>Lineage</th><th>Actions</th></tr></thead>
          <tbody>{models.data.items.map((m) => <MarketRow key={m.id} api={api} model={m} />)}</tbody>
        </table>
      )}
      {models.data?.nextCursor !== null && models.data?.nextCursor !== undefined && <p className="muted">The first 100 are shown: narrow the search to find the others.</p>}
    </section>
  )
}

function SortSelect ({ sort, onChange }: { sort: ModelSort, onChange: (sort: ModelSort) => void }): React.JSX.Element {
  return (
    <select data-testid="market-sort" value={sort} onChange={(e) => { onChange(e.target.value as ModelSort) }}>
      {SORTS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
    </select>
  )
}

function DataSetSelect ({ dataSets, value, onChange }: { dataSets: DataSet[], value: string, onChange: (id: string) => void }): React.JSX.Element {
  return (
    <select data-testid="market-dataset" value={value} onChange={(e) => { onChange(e.target.value) }}>
      <option value="">any</option>
      {dataSets.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
    </select>
  )
}

type DownloadState = { phase: 'idle' } | { phase: 'downloading' } | { phase: 'done', bytes: number } | { phase: 'failed', error: string }

function MarketRow ({ api, model }: { api: MLBridgeClient, model: Model }): React.JSX.Element {
  const view = marketRowView(model)
  const [download, setDownload] = useState<DownloadState>({ phase: 'idle' })
  const fetchModel = async (): Promise<void> => {
    setDownload({ phase: 'downloading' })
    try {
      const bytes = await api.downloadModel(await api.version(model.head))
      saveFile(bytes, `${view.name.replace(/[^\w.-]+/g, '-')}-v${model.head}.mlbv`, 'application/octet-stream')
      setDownload({ phase: 'done', bytes: bytes.length })
    } catch (error) {
      setDownload({ phase: 'failed', error: explainError(error) })
    }
  }
  return (
    <tr data-testid={`model-row-${model.id}`} data-model-name={model.name}>
      <td>
        <Link to={{ page: 'model', modelId: BigInt(model.id) }} testId={`model-link-${model.id}`}>{view.name}</Link>
        {model.description !== '' && <div className="muted market-description">{model.description}</div>}
      </td>
      <td title={model.owner}>{view.owner}</td>
      <td data-testid={`model-accuracy-${model.id}`}>{view.accuracy}</td>
      <td>{view.loss}</td>
      <td data-testid={`model-data-${model.id}`}>{view.data}</td>
      <td data-testid={`model-versions-${model.id}`}>
        {model.taskId === null ? view.lineage : <Link to={{ page: 'task', taskId: BigInt(model.taskId) }}>{view.lineage}</Link>}
      </td>
      <td className="market-actions">
        <Link to={{ page: 'version', versionId: BigInt(model.head) }} testId={`model-run-${model.id}`}>Run v{model.head}</Link>
        <Link to={{ page: 'new-task', versionId: BigInt(model.head) }} testId={`model-continue-${model.id}`}>Train further</Link>
        <button type="button" data-testid={`model-download-${model.id}`} disabled={download.phase === 'downloading'} onClick={() => { void fetchModel() }}>Download</button>
        <span data-testid={`model-download-status-${model.id}`} data-phase={download.phase} role="status">
          {download.phase === 'downloading' && 'verifying…'}
          {download.phase === 'done' && `${(download.bytes / 1024).toFixed(0)} KiB, verified`}
          {download.phase === 'failed' && <span className="error">{download.error}</span>}
        </span>
      </td>
    </tr>
  )
}

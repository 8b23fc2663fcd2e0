import { useQuery } from '@tanstack/react-query'
import type { VersionSignature } from '../../chain/actions/index.ts'
import { explainError } from '../../chain/explainError.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { useReadSource } from '../hooks/useReadSource.ts'
import { formatBps, formatLoss, isZeroHash } from '../models/format.ts'
import { loadVersionView } from '../models/loadVersionView.ts'
import { ModelFiles } from '../models/ModelFiles.tsx'
import { useVersionModel } from '../models/useVersionModel.ts'
import { Viewer } from '../models/Viewer.tsx'
import { Link } from '../router.tsx'
import { chainTime } from '../taskDetail/format.ts'
import '../models/models.css'
import { roundNumber } from '../../core/taskPhase.ts'
import { hasQuietWindow } from '../../core/version/quietWindow.ts'

export function VersionPage ({ versionId }: { versionId: bigint }): React.JSX.Element {
  const ctx = useReadContext()
  const { source, via } = useReadSource()
  const view = useQuery({
    queryKey: ['version-view', ctx.contracts.ModelRegistry, via, versionId.toString()],
    queryFn: async () => await loadVersionView(ctx, source, versionId),
    refetchInterval: 5000
  })
  const shown = typeof view.data === 'object' ? view.data : undefined
  const model = useVersionModel(shown?.version.versionId)
  if (view.data === 'missing') {
    return (
      <section className="panel" data-testid="version-missing">
        <h2>Version {versionId.toString()}</h2>
        <p className="error" role="alert">There is no version {versionId.toString()} on this network. <Link to={{ page: 'models' }}>See the market</Link>.</p>
      </section>
    )
  }
  if (shown === undefined) {
    return (
      <section className="panel">
        <h2>Version {versionId.toString()}</h2>
        {view.error === null
          ? <p className="muted">{view.data === 'indexing' ? 'Loading… (the indexer has yet to reach this version)' : 'Loading…'}</p>
          : <p className="error" role="alert" data-testid="version-error">{explainError(view.error)}</p>}
      </section>
    )
  }
  const { version: v, signatures } = shown
  const hasMetrics = v.taskId !== 0n || v.accuracyBps !== 0 || v.loss !== 0n
  return (
    <div className="page" data-testid="version-page">
      <section className="panel">
        <h2>Version {versionId.toString()}</h2>
        <dl>
          <dt>Status</dt><dd data-testid="version-status">{v.status}</dd>
          <dt>Model</dt><dd><Link to={{ page: 'model', modelId: v.modelId }} testId="version-model-link">Model {v.modelId.toString()}</Link></dd>
          <dt>Parent</dt>
          <dd data-testid="version-parents">
            {v.parent === 0n ? <span className="muted">none (genesis)</span> : <Link to={{ page: 'version', versionId: v.parent }}>Version {v.parent.toString()}</Link>}
            {v.mergeParent !== 0n && <> and <Link to={{ page: 'version', versionId: v.mergeParent }}>Version {v.mergeParent.toString()}</Link> (merge)</>}
          </dd>
          {v.taskId !== 0n && (
            <>
              <dt>Task round</dt>
              <dd><Link to={{ page: 'task', taskId: v.taskId }} testId="version-task-link">Task {v.taskId.toString()}</Link>, round {roundNumber(v.round)}</dd>
            </>
          )}
          <dt>Commit hash</dt><dd data-testid="version-commit">{v.commitHash}</dd>
          <dt>Model CID</dt><dd data-testid="version-cid">{v.modelCid}</dd>
          <dt>Delta root</dt><dd>{isZeroHash(v.deltaRoot) ? <span className="muted">none</span> : v.deltaRoot}</dd>
          <dt>Data hash</dt><dd>{isZeroHash(v.dataHash) ? <span className="muted">none</span> : v.dataHash}</dd>
          <dt>Accuracy</dt><dd data-testid="version-accuracy" data-bps={v.accuracyBps}>{hasMetrics ? formatBps(v.accuracyBps) : '—'}</dd>
          <dt>Loss</dt><dd data-testid="version-loss">{hasMetrics ? formatLoss(v.loss) : '—'}</dd>
          {v.status === 'Proposed' && (
            <>
              <dt>Signers</dt><dd>{v.signers} of {v.requiredSigners}{hasQuietWindow(v.challengeDeadline) ? <>, or final unchallenged after {chainTime(v.challengeDeadline)}</> : ' (a challenge went unjudged: only the winners can make it final)'}</dd>
            </>
          )}
        </dl>
      </section>
      <section className="panel" data-testid="version-signatures">
        <h2>Signatures</h2>
        <h3>Aggregator</h3>
        {signatures.proposal === undefined
          ? <p className="muted" data-testid="version-aggregator">No aggregator: {v.parent === 0n ? 'a genesis version' : 'registered by the model owner'}.</p>
          : <Signature sig={signatures.proposal} testId="version-aggregator" note={`signed Version for task ${signatures.proposal.taskId}, round ${roundNumber(signatures.proposal.round)}, and proposed it`} />}
        <h3>Other signers</h3>
        {signatures.confirmations.length === 0
          ? <p className="muted">No other signer yet.</p>
          : signatures.confirmations.map((c) => <Signature key={c.signer} sig={c} testId="version-confirmer" note={`signed Version (signer #${c.count})`} />)}
      </section>
      <section className="panel" data-testid="version-files">
        <h2>Model files</h2>
        {model.isPending && model.fetchStatus === 'fetching' && <p className="pending" data-testid="version-model-loading">Fetching the model blob and the task spec…</p>}
        {model.isError && <p className="error" role="alert" data-testid="version-model-error">{explainError(model.error)}</p>}
        {model.data !== undefined && (
          <>
            <p className="ok" data-testid="version-model-verified">Blob fetched; its keccak256 matches the commit hash on chain, {model.data.commitHash}.</p>
            {model.data.commitHash.toLowerCase() !== v.commitHash.toLowerCase() && (
              <p className="error" role="alert" data-testid="version-source-mismatch">The indexer says this version commits to {v.commitHash}, not what the chain says: the blob was checked against the chain.</p>
            )}
            <ModelFiles versionId={versionId} model={model.data} />
          </>
        )}
      </section>
      {model.data !== undefined && <Viewer model={model.data} />}
    </div>
  )
}

function Signature ({ sig, testId, note }: { sig: VersionSignature, testId: string, note: string }): React.JSX.Element {
  return (
    <div data-testid={testId} data-address={sig.signer}>
      <p><code>{sig.signer}</code> <span className="muted">{note} in block {sig.blockNumber.toString()}</span></p>
      <p className="sig">EIP-712 signature {sig.signature}</p>
    </div>
  )
}

import { useQuery } from '@tanstack/react-query'
import { readVersion, readVersionSignatures, type VersionSignature } from '../../chain/actions/index.ts'
import { explainError } from '../../chain/explainError.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { formatBps, formatLoss, isZeroHash } from '../models/format.ts'
import { ModelFiles } from '../models/ModelFiles.tsx'
import { useVersionModel } from '../models/useVersionModel.ts'
import { Viewer } from '../models/Viewer.tsx'
import { Link } from '../router.tsx'
import { chainTime } from '../taskDetail/format.ts'
import '../models/models.css'

export function VersionPage ({ versionId }: { versionId: bigint }): React.JSX.Element {
  const ctx = useReadContext()
  const version = useQuery({
    queryKey: ['version', ctx.contracts.ModelRegistry, versionId.toString()],
    queryFn: async () => await readVersion(ctx, { versionId }),
    refetchInterval: 5000
  })
  const signatures = useQuery({
    queryKey: ['version-signatures', ctx.contracts.ModelRegistry, versionId.toString()],
    queryFn: async () => await readVersionSignatures(ctx, { versionId }),
    refetchInterval: 5000
  })
  const model = useVersionModel(version.data)
  if (version.isPending) return <section className="panel"><h2>Version {versionId.toString()}</h2><p className="muted">Loading…</p></section>
  if (version.isError) {
    return (
      <section className="panel">
        <h2>Version {versionId.toString()}</h2>
        <p className="error" role="alert" data-testid="version-error">{explainError(version.error)}</p>
      </section>
    )
  }
  const v = version.data
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
              <dd><Link to={{ page: 'task', taskId: v.taskId }} testId="version-task-link">Task {v.taskId.toString()}</Link>, round {v.round.toString()}</dd>
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
              <dt>Signers</dt><dd>{v.signers} of {v.requiredSigners}, or final unchallenged after {chainTime(v.challengeDeadline)}</dd>
            </>
          )}
        </dl>
      </section>
      <section className="panel" data-testid="version-signatures">
        <h2>Signatures</h2>
        {signatures.isPending && <p className="muted">Loading…</p>}
        {signatures.isError && <p className="error" role="alert">{explainError(signatures.error)}</p>}
        {signatures.data !== undefined && (
          <>
            <h3>Aggregator</h3>
            {signatures.data.proposal === undefined
              ? <p className="muted" data-testid="version-aggregator">No aggregator: {v.parent === 0n ? 'a genesis version' : 'registered by the model owner'}.</p>
              : <Signature sig={signatures.data.proposal} testId="version-aggregator" note={`signed Version for task ${signatures.data.proposal.taskId}, round ${signatures.data.proposal.round}, and proposed it`} />}
            <h3>Other signers</h3>
            {signatures.data.confirmations.length === 0
              ? <p className="muted">No other signer yet.</p>
              : signatures.data.confirmations.map((c) => <Signature key={c.signer} sig={c} testId="version-confirmer" note={`signed Version (signer #${c.count})`} />)}
          </>
        )}
      </section>
      <section className="panel" data-testid="version-files">
        <h2>Model files</h2>
        {model.isPending && model.fetchStatus === 'fetching' && <p className="pending" data-testid="version-model-loading">Fetching the model blob and the task spec…</p>}
        {model.isError && <p className="error" role="alert" data-testid="version-model-error">{explainError(model.error)}</p>}
        {model.data !== undefined && (
          <>
            <p className="ok" data-testid="version-model-verified">Blob fetched; its keccak256 matches the commit hash on chain.</p>
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

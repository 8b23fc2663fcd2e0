import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { forkVersion, mergeVersions, readIsGovernor, rollbackModel, type VersionState } from '../../chain/actions/index.ts'
import { TxStatus } from '../components/TxStatus.tsx'
import { useTransactor } from '../hooks/useTransactor.ts'
import { useReadContext, useWriteContext } from '../hooks/useProtocol.ts'
import { Link } from '../router.tsx'
import { ancestorPath, ancestorsOf } from './lineage.ts'
import type { Lineage } from './loadLineage.ts'
import { mergeData } from './mergeForm.ts'
import { canFork, canMerge, canRollback, type Permission, type Viewer } from './permissions.ts'

function useViewer (): Viewer {
  const ctx = useReadContext()
  const write = useWriteContext()
  const account = write?.walletClient.account.address
  const governor = useQuery({
    queryKey: ['governor', ctx.contracts.ModelRegistry, account],
    queryFn: async () => account === undefined ? false : await readIsGovernor(ctx, { account }),
    enabled: account !== undefined
  })
  return { account, governor: governor.data === true }
}

function Reason ({ permission, testId }: { permission: Permission, testId: string }): React.JSX.Element | null {
  return permission.allowed ? null : <p className="muted" data-testid={testId}>{permission.reason}</p>
}

/** Fork, rollback and merge, each offered only as far as the registry would accept it from this account. */
export function ModelActions ({ lineage }: { lineage: Lineage }): React.JSX.Element {
  const viewer = useViewer()
  return (
    <section className="panel" data-testid="model-actions">
      <h2>Actions</h2>
      <ForkAction lineage={lineage} viewer={viewer} />
      <RollbackAction lineage={lineage} viewer={viewer} />
      <MergeAction lineage={lineage} viewer={viewer} />
    </section>
  )
}

function useRefreshLineage (): () => void {
  const client = useQueryClient()
  return () => { void client.invalidateQueries({ queryKey: ['lineage'] }); void client.invalidateQueries({ queryKey: ['models'] }) }
}

function ForkAction ({ lineage, viewer }: { lineage: Lineage, viewer: Viewer }): React.JSX.Element {
  const write = useWriteContext()
  const action = useTransactor()
  const refresh = useRefreshLineage()
  const [choice, setChoice] = useState<string>(lineage.model.head.toString())
  const [forked, setForked] = useState<bigint>()
  const selected = lineage.versions.find((v) => v.versionId.toString() === choice)
  const permission = canFork(viewer, selected?.status)
  const fork = async (): Promise<void> => {
    if (selected === undefined) return
    const result = await action.run(write, async (ctx) => await forkVersion(ctx, { versionId: selected.versionId }))
    if (result !== undefined) { setForked(result.modelId); refresh() }
  }
  return (
    <div className="model-action">
      <h3>Fork</h3>
      <p className="muted">Start a new model, owned by you, from any final version.</p>
      <div className="row">
        <label>Version <VersionSelect versions={lineage.versions} value={choice} onChange={setChoice} testId="fork-version" /></label>
        <button type="button" data-testid="fork-button" disabled={!permission.allowed || action.state.phase === 'signing'} onClick={() => { void fork() }}>Fork</button>
      </div>
      <Reason permission={permission} testId="fork-reason" />
      {permission.allowed && selected !== undefined && (
        <p className="muted">Or <Link to={{ page: 'new-task', versionId: selected.versionId }} testId="continue-version-link">train version {selected.versionId.toString()} further in a new task</Link>, funded by you, whose versions descend from it.</p>
      )}
      <TxStatus state={action.state} testId="fork-status" />
      {forked !== undefined && <p className="ok">Created <Link to={{ page: 'model', modelId: forked }} testId="forked-model-link">model {forked.toString()}</Link>.</p>}
    </div>
  )
}

function RollbackAction ({ lineage, viewer }: { lineage: Lineage, viewer: Viewer }): React.JSX.Element {
  const write = useWriteContext()
  const action = useTransactor()
  const refresh = useRefreshLineage()
  const targets = ancestorsOf(lineage.versions, lineage.model.head)
  const [choice, setChoice] = useState<string>('')
  const target = targets.find((t) => t.toString() === choice) ?? targets[0]
  const permission = canRollback(viewer, lineage.model.owner, targets.length)
  const rollback = async (): Promise<void> => {
    if (target === undefined) return
    const path = ancestorPath(lineage.versions, lineage.model.head, target)
    const result = await action.run(write, async (ctx) => await rollbackModel(ctx, { modelId: lineage.model.modelId, path }))
    if (result !== undefined) refresh()
  }
  return (
    <div className="model-action">
      <h3>Roll back</h3>
      <p className="muted">Move the head back to one of its ancestors (the versions stay registered).</p>
      {targets.length > 0 && (
        <div className="row">
          <label>
            To version
            <select data-testid="rollback-target" value={target?.toString() ?? ''} onChange={(e) => { setChoice(e.target.value) }}>
              {targets.map((t) => <option key={t.toString()} value={t.toString()}>{t.toString()}</option>)}
            </select>
          </label>
          <button type="button" data-testid="rollback-button" disabled={!permission.allowed || action.state.phase === 'signing'} onClick={() => { void rollback() }}>Roll back</button>
        </div>
      )}
      <Reason permission={permission} testId="rollback-reason" />
      <TxStatus state={action.state} testId="rollback-status" />
    </div>
  )
}

function MergeAction ({ lineage, viewer }: { lineage: Lineage, viewer: Viewer }): React.JSX.Element {
  const write = useWriteContext()
  const action = useTransactor()
  const refresh = useRefreshLineage()
  const others = lineage.versions.filter((v) => v.status === 'Final' && v.versionId !== lineage.model.head)
  const [other, setOther] = useState<string>('')
  const [form, setForm] = useState({ modelCid: '', commitHash: '', deltaRoot: '', dataHash: '', accuracy: '', loss: '' })
  const permission = canMerge(viewer, lineage.model.owner)
  const otherId = (others.find((v) => v.versionId.toString() === other) ?? others[0])?.versionId
  const parsed = mergeData(form)
  const merge = async (): Promise<void> => {
    if (otherId === undefined || !('data' in parsed)) return
    const result = await action.run(write, async (ctx) => await mergeVersions(ctx, { modelId: lineage.model.modelId, otherVersionId: otherId, data: parsed.data }))
    if (result !== undefined) refresh()
  }
  const field = (key: keyof typeof form, label: string, placeholder: string): React.JSX.Element => (
    <>
      <label htmlFor={`merge-${key}`}>{label}</label>
      <input id={`merge-${key}`} data-testid={`merge-${key}`} placeholder={placeholder} value={form[key]} onChange={(e) => { setForm({ ...form, [key]: e.target.value.trim() }) }} />
    </>
  )
  return (
    <div className="model-action">
      <h3>Merge</h3>
      <p className="muted" data-testid="merge-needs">
        A merge registers a final version with two parents (the head and another final version) from the data you give:
        the merged weights must already be computed and published, and the registry records their CID, commit hash
        (keccak256 of the blob) and metrics as you state them. Only the model owner may merge.
      </p>
      <Reason permission={permission} testId="merge-reason" />
      {permission.allowed && others.length === 0 && <p className="muted">There is no other final version to merge in.</p>}
      {permission.allowed && others.length > 0 && (
        <>
          <div className="merge-form">
            <label htmlFor="merge-other">Merge in version</label>
            <select id="merge-other" data-testid="merge-other" value={otherId?.toString() ?? ''} onChange={(e) => { setOther(e.target.value) }}>
              {others.map((v) => <option key={v.versionId.toString()} value={v.versionId.toString()}>{v.versionId.toString()}</option>)}
            </select>
            {field('modelCid', 'Model CID', '0x01…')}
            {field('commitHash', 'Commit hash', '0x… (32 bytes)')}
            {field('deltaRoot', 'Delta root', 'optional')}
            {field('dataHash', 'Data hash', 'optional')}
            {field('accuracy', 'Accuracy %', 'e.g. 91.2')}
            {field('loss', 'Loss', 'e.g. 0.31')}
          </div>
          {'problem' in parsed && <p className="muted" data-testid="merge-problem">{parsed.problem}</p>}
          <button type="button" data-testid="merge-button" disabled={'problem' in parsed || action.state.phase === 'signing'} onClick={() => { void merge() }}>Merge</button>
        </>
      )}
      <TxStatus state={action.state} testId="merge-status" />
    </div>
  )
}

function VersionSelect ({ versions, value, onChange, testId }: { versions: readonly VersionState[], value: string, onChange: (value: string) => void, testId: string }): React.JSX.Element {
  return (
    <select data-testid={testId} value={value} onChange={(e) => { onChange(e.target.value) }}>
      {versions.map((v) => <option key={v.versionId.toString()} value={v.versionId.toString()}>{v.versionId.toString()} ({v.status})</option>)}
    </select>
  )
}

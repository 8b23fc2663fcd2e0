import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import {
  forkVersion, listModels, mergeVersions, readIsGovernor, readTask, readVersions, rollbackModel, type ReadContext, type VersionState
} from '../../chain/actions/index.ts'
import { explainError } from '../../chain/explainError.ts'
import { TxStatus } from '../components/TxStatus.tsx'
import { useTransactor } from '../hooks/useTransactor.ts'
import { useReadContext, useWriteContext } from '../hooks/useProtocol.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { Link } from '../router.tsx'
import { ancestorPath, ancestorsOf } from './lineage.ts'
import type { Lineage } from './loadLineage.ts'
import { computeMerge, MERGE_STEPS, type ComputedMerge, type MergeStep } from './computeMerge.ts'
import { formatBps, formatLoss, shortHex } from './format.ts'
import { canFork, canMerge, canRollback, type Permission, type Viewer } from './permissions.ts'
import { pageMergeEffects, useMergeChecks } from './useMerge.ts'

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

type MergeProgress = { step: MergeStep | 'done', failed: boolean, error?: string, computed?: ComputedMerge, versionId?: bigint }

function MergeAction ({ lineage, viewer }: { lineage: Lineage, viewer: Viewer }): React.JSX.Element {
  const ctx = useReadContext()
  const network = useNetworkConfig()
  const write = useWriteContext()
  const action = useTransactor()
  const refresh = useRefreshLineage()
  const { model } = lineage
  const task = useQuery({
    queryKey: ['task', ctx.contracts.TaskManager, model.taskId.toString()],
    queryFn: async () => await readTask(ctx, { taskId: model.taskId }),
    enabled: model.taskId !== 0n
  })
  // Until the task's status is read, the task is taken to be open: nothing is offered that the registry may refuse.
  const permission = canMerge(viewer, model.owner, model.taskId === 0n ? undefined : task.data?.status ?? 'Joining')
  const head = lineage.versions.find((v) => v.versionId === model.head)
  const others = useQuery({
    queryKey: ['merge-candidates', ctx.contracts.ModelRegistry, model.modelId.toString(), model.head.toString()],
    queryFn: async () => await mergeCandidates(ctx, lineage),
    enabled: permission.allowed
  })
  const candidates = others.data ?? []
  const checks = useMergeChecks(ctx, network, head, candidates)
  const [choice, setChoice] = useState<string>('')
  const [headWeight, setHeadWeight] = useState(0.5)
  const [progress, setProgress] = useState<MergeProgress>()
  const picked = candidates.findIndex((v) => v.versionId.toString() === choice)
  const other = picked >= 0 && checks[picked]?.data === null ? candidates[picked] : undefined
  const busy = progress !== undefined && progress.step !== 'done' && !progress.failed

  const merge = async (): Promise<void> => {
    if (head === undefined || other === undefined || write === undefined) return
    action.reset()
    let step: MergeStep = 'fetching'
    setProgress({ step, failed: false })
    const effects = pageMergeEffects(ctx, network, write)
    try {
      const computed = await computeMerge(effects, { head, other, headWeight }, (s) => { step = s; setProgress({ step: s, failed: false }) })
      step = 'registering'
      setProgress({ step, failed: false, computed })
      const result = await action.run(write, async (w) => await mergeVersions(w, { modelId: model.modelId, otherVersionId: other.versionId, data: computed.data }))
      if (result === undefined) { setProgress({ step, failed: true, computed }); return }
      setProgress({ step: 'done', failed: false, computed, versionId: result.versionId })
      refresh()
    } catch (error) {
      setProgress({ step, failed: true, error: explainError(error) })
    } finally {
      effects.close()
    }
  }

  return (
    <div className="model-action">
      <h3>Merge</h3>
      <p className="muted" data-testid="merge-needs">
        A merge averages the head&apos;s weights with another final version&apos;s, scores the result on the
        task&apos;s held-out data as a round&apos;s version is scored, pins it, and registers it as a final
        version with both as parents. Only the model owner may merge, once the model&apos;s task has ended.
      </p>
      {model.taskId !== 0n && task.data === undefined
        ? task.error === null ? <p className="muted">Reading the model&apos;s task…</p> : <p className="error" role="alert">{explainError(task.error)}</p>
        : <Reason permission={permission} testId="merge-reason" />}
      {permission.allowed && others.data !== undefined && candidates.length === 0 && <p className="muted">There is no other final version to merge in.</p>}
      {permission.allowed && others.error !== null && <p className="error" role="alert">{explainError(others.error)}</p>}
      {permission.allowed && candidates.length > 0 && (
        <>
          <fieldset className="merge-candidates" data-testid="merge-candidates" disabled={busy}>
            <legend>Merge in version</legend>
            {candidates.map((v, i) => {
              const check = checks[i]
              const problem = check === undefined ? undefined : check.error !== null ? explainError(check.error) : check.data ?? undefined
              const state = check === undefined || check.isPending ? 'checking' : problem === undefined ? 'compatible' : 'incompatible'
              return (
                <div key={v.versionId.toString()} className="merge-candidate" data-testid="merge-candidate" data-version-id={v.versionId.toString()} data-state={state}>
                  <label>
                    <input type="radio" name="merge-other" value={v.versionId.toString()} checked={choice === v.versionId.toString()} disabled={state !== 'compatible'} onChange={(e) => { setChoice(e.target.value) }} />
                    {' '}Version {v.versionId.toString()}{v.modelId === model.modelId ? '' : ` (head of model ${v.modelId.toString()})`}
                    {v.accuracyBps > 0 && <span className="muted"> · accuracy {formatBps(v.accuracyBps)}</span>}
                  </label>
                  {state === 'checking' && <span className="muted"> checking its task spec…</span>}
                  {problem !== undefined && <p className="muted" data-testid="merge-candidate-problem">Cannot be merged: {problem}.</p>}
                </div>
              )
            })}
          </fieldset>
          <div className="row">
            <label htmlFor="merge-weight">Weight of the head</label>
            <input id="merge-weight" data-testid="merge-weight" type="range" min={0} max={1} step={0.05} value={headWeight} disabled={busy} onChange={(e) => { setHeadWeight(Number(e.target.value)) }} />
            <output htmlFor="merge-weight" data-testid="merge-weight-value">
              {headWeight.toFixed(2)} × version {model.head.toString()} + {(1 - headWeight).toFixed(2)} × {other === undefined ? 'the other' : `version ${other.versionId.toString()}`}
            </output>
          </div>
          <button type="button" data-testid="merge-button" disabled={other === undefined || busy} onClick={() => { void merge() }}>Compute and merge</button>
        </>
      )}
      {progress !== undefined && <MergeSteps progress={progress} />}
      <TxStatus state={action.state} testId="merge-status" />
    </div>
  )
}

/** The merge's steps, each pending, running, done or failed, with what it measured and registered. */
function MergeSteps ({ progress }: { progress: MergeProgress }): React.JSX.Element {
  const at = progress.step === 'done' ? MERGE_STEPS.length : MERGE_STEPS.indexOf(progress.step)
  const { computed } = progress
  return (
    <div data-testid="merge-progress" data-step={progress.step} data-failed={progress.failed ? 'true' : 'false'}>
      <ol className="merge-steps" aria-label="Merge progress">
        {MERGE_STEPS.map((s, i) => {
          const state = i < at ? 'done' : i > at ? 'pending' : progress.failed ? 'failed' : 'running'
          return <li key={s} className={state} data-testid="merge-step" data-step={s} data-state={state}>{STEP_LABELS[s]}{state === 'running' ? '…' : ''}</li>
        })}
      </ol>
      {progress.error !== undefined && <p className="error" role="alert" data-testid="merge-error">The merge failed while {STEP_LABELS[progress.step as MergeStep].toLowerCase()}: {progress.error}</p>}
      {computed !== undefined && (
        <p className="muted" data-testid="merge-measured" data-accuracy-bps={computed.data.accuracyBps} data-loss={computed.data.loss.toString()} data-commit-hash={computed.data.commitHash} data-model-cid={computed.data.modelCid}>
          Measured on the held-out data: accuracy {formatBps(computed.data.accuracyBps)}, loss {formatLoss(computed.data.loss)}. Pinned as <code>{shortHex(computed.data.modelCid)}</code> under task 0: the relay keeps it for a day, longer once a task trains from it.
        </p>
      )}
      {progress.versionId !== undefined && <p className="ok" data-testid="merge-done">Registered <Link to={{ page: 'version', versionId: progress.versionId }} testId="merged-version-link">version {progress.versionId.toString()}</Link>, the model&apos;s new head.</p>}
    </div>
  )
}

const STEP_LABELS: Record<MergeStep, string> = {
  fetching: 'Fetching both versions',
  averaging: 'Averaging the weights',
  evaluating: 'Evaluating on the held-out data',
  pinning: 'Pinning the merged model',
  registering: 'Registering the merge'
}

/**
 * The final versions one could merge into the head: this lineage's, and the heads of the other
 * models (a version trained elsewhere on the same architecture), read from the chain.
 */
async function mergeCandidates (ctx: ReadContext, lineage: Lineage): Promise<VersionState[]> {
  const { model } = lineage
  const ids = new Set(lineage.versions.filter((v) => v.status === 'Final').map((v) => v.versionId))
  for (const m of await listModels(ctx)) if (m.modelId !== model.modelId) ids.add(m.head)
  ids.delete(model.head)
  const versions = await readVersions(ctx, { versionIds: [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) })
  return versions.filter((v) => v.status === 'Final')
}

function VersionSelect ({ versions, value, onChange, testId }: { versions: readonly VersionState[], value: string, onChange: (value: string) => void, testId: string }): React.JSX.Element {
  return (
    <select data-testid={testId} value={value} onChange={(e) => { onChange(e.target.value) }}>
      {versions.map((v) => <option key={v.versionId.toString()} value={v.versionId.toString()}>{v.versionId.toString()} ({v.status})</option>)}
    </select>
  )
}

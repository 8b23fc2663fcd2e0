import { useQuery } from '@tanstack/react-query'
import { isAddressEqual } from 'viem'
import { useConnection } from 'wagmi'
import { explainError } from '../../chain/explainError.ts'
import { joinLock } from '../../core/taskLimits.ts'
import { taskEndOf, taskPhase } from '../../core/taskPhase.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { useReadSource } from '../hooks/useReadSource.ts'
import { Link } from '../router.tsx'
import { CancelTask } from '../taskDetail/CancelTask.tsx'
import { DataProvenance } from '../taskDetail/DataProvenance.tsx'
import { disputesOf } from '../taskDetail/disputes.ts'
import { DisputesSection } from '../taskDetail/DisputesSection.tsx'
import { EndExpiredTask } from '../taskDetail/EndExpiredTask.tsx'
import { EventLog } from '../taskDetail/EventLog.tsx'
import { chainTime, mlb, rewardPerTflop, shortAddress, workPerResult } from '../taskDetail/format.ts'
import { loadTaskDetail, type TaskDetail } from '../taskDetail/loadTaskDetail.ts'
import { participantsOf } from '../taskDetail/participants.ts'
import { ParticipantsSection } from '../taskDetail/ParticipantsSection.tsx'
import { RoundsSection } from '../taskDetail/RoundsSection.tsx'
import { VersionsSection } from '../taskDetail/VersionsSection.tsx'
import { useScoredSamples, useTaskSpec } from '../taskDetail/useTaskSpec.ts'
import '../taskDetail/taskDetail.css'

/** Refresh about once per local block: the page follows a running task live. */
const REFRESH_MS = 2000

export function TaskDetailPage ({ taskId }: { taskId: bigint }): React.JSX.Element {
  const ctx = useReadContext()
  const { source, via } = useReadSource()
  const query = useQuery({
    queryKey: ['taskDetail', ctx.contracts.TaskManager, via, taskId.toString()],
    queryFn: async () => await loadTaskDetail(ctx, source, taskId),
    refetchInterval: REFRESH_MS
  })
  if (query.data === 'missing') {
    return (
      <section className="panel" data-testid="task-missing">
        <h2>Task {taskId.toString()}</h2>
        <p className="error" role="alert">There is no task {taskId.toString()} on this network. <Link to={{ page: 'tasks' }}>See all tasks</Link>.</p>
      </section>
    )
  }
  if (query.data === undefined || query.data === 'indexing') {
    return (
      <section className="panel">
        <h2>Task {taskId.toString()}</h2>
        {query.error === null
          ? <p className="muted">{query.data === 'indexing' ? 'Loading… (the indexer has yet to reach this task)' : 'Loading…'}</p>
          : <p className="error" role="alert" data-testid="task-error">Could not read the task: {explainError(query.error)}</p>}
      </section>
    )
  }
  return <TaskDetailView detail={query.data} refetch={() => { void query.refetch() }} stale={query.error} />
}

function TaskDetailView ({ detail, refetch, stale }: { detail: TaskDetail, refetch: () => void, stale: Error | null }): React.JSX.Element {
  const { task } = detail
  const { address } = useConnection()
  const isCreator = address !== undefined && isAddressEqual(address, task.creator)
  const spec = useTaskSpec(detail.specCid, detail.versions.length > 0)
  const samples = useScoredSamples(spec.data)
  const open = task.status === 'Joining' || task.status === 'Running'
  const phase = taskPhase({
    status: task.status,
    currentRound: task.currentRound,
    started: detail.rounds.length > 0,
    rounds: task.rounds,
    providerCount: task.providerCount,
    replication: task.replication,
    joinDeadline: task.joinDeadline,
    cancelRequested: task.cancelRequested,
    end: taskEndOf(detail.events.map((event) => event.eventName))
  }, Number(detail.chainTime))
  return (
    <>
      <section className="panel" aria-labelledby="task-title" data-testid="task-header">
        <h2 id="task-title" data-testid="task-name">{detail.name} <span className="muted">#{task.taskId.toString()}</span></h2>
        {detail.description !== '' && <p data-testid="task-description">{detail.description}</p>}
        {stale !== null && <p className="error" role="alert">Refresh failed ({explainError(stale)}); showing the last state read.</p>}
        <dl className="td-facts">
          <dt>Status</dt><dd><strong data-testid="task-status">{phase.name}</strong> <span data-testid="task-phase">{phase.explanation}</span></dd>
          <dt>Round</dt><dd data-testid="task-round">{phase.round}</dd>
          <dt>Providers</dt><dd data-testid="task-providers">{phase.providers}</dd>
          <dt>{task.status === 'Joining' ? 'Joining closes' : 'Joining closed'}</dt><dd data-testid="task-join-deadline">{chainTime(task.joinDeadline)}</dd>
          <dt>Shards × replicas</dt><dd>{task.shards} × {task.replication} (up to {task.maxReplication})</dd>
          <dt>Creator</dt><dd title={task.creator} data-testid="task-creator">{shortAddress(task.creator)}{isCreator && <strong> (you)</strong>}</dd>
          <dt>Reward per result</dt><dd>{mlb(task.rewardPerResult)} ({rewardPerTflop(task)} per TFLOP of training)</dd>
          <dt>Work per result</dt><dd data-testid="task-work" title="What the task declares on chain; providers refuse a spec that needs more">{workPerResult(task)}</dd>
          <dt>Budget</dt><dd data-testid="task-budget">{mlb(detail.budget)}, {mlb(detail.escrowLeft)} left in escrow</dd>
          <dt>Stake locked by joining</dt><dd title="The minimum stake, which a proven fraud forfeits, and one reward, which a missing result forfeits">{mlb(joinLock(task))} ({mlb(task.minStake)} and a {mlb(task.rewardPerResult)} deposit)</dd>
          <dt>Model</dt><dd><Link to={{ page: 'model', modelId: BigInt(task.modelId) }} testId="task-model">Model {task.modelId.toString()}</Link></dd>
          <dt>Spec CID</dt><dd><code className="td-cid">{detail.specCid}</code></dd>
          <dt>Dataset CID</dt><dd><code className="td-cid">{detail.datasetCid}</code></dd>
          <dt>Data set</dt><DataProvenance taskId={task.taskId} />
        </dl>
        {/* always mounted: its outcome stays on screen while the phase shown changes under it */}
        <EndExpiredTask taskId={task.taskId} refundable={phase.refundable} escrowLeft={detail.escrowLeft} isCreator={isCreator} onDone={refetch} />
        {isCreator && !phase.refundable && <CancelTask taskId={task.taskId} open={open} escrowLeft={detail.escrowLeft} onDone={refetch} />}
      </section>
      <RoundsSection rounds={detail.rounds} replication={task.replication} events={detail.events} />
      <VersionsSection versions={detail.versions} language={spec.data?.architecture.transformer !== undefined} samples={samples} modelId={task.modelId} />
      <DisputesSection disputes={disputesOf(detail.events)} />
      <ParticipantsSection participants={participantsOf(detail.providers, detail.events)} claimable={detail.claimable} account={address} />
      <EventLog events={detail.events} />
    </>
  )
}

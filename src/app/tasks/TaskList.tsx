import { useNetworkConfig } from '../NetworkContext.ts'
import { Link } from '../router.tsx'
import { taskRowView } from './taskRow.ts'
import { TASKS_SHOWN, useTasks } from './useTasks.ts'

export function TaskList (): React.JSX.Element {
  const network = useNetworkConfig()
  const tasks = useTasks()
  if (network.api === undefined) {
    return <p className="muted" data-testid="tasks-no-api">This network configures no indexer API, so the tasks cannot be listed here; a task&apos;s own page still opens by its number.</p>
  }
  if (tasks.error !== null) return <p className="error" role="alert" data-testid="tasks-error">Could not read the tasks: {tasks.error.message}</p>
  if (tasks.data === undefined) return <p className="muted">Loading tasks…</p>
  if (tasks.data.length === 0) return <p className="muted" data-testid="tasks-empty">No tasks yet.</p>
  return (
    <>
      <table className="tasks-table" data-testid="tasks-table">
        <thead>
          <tr><th>Task</th><th>Status</th><th>Round</th><th>Providers</th><th>Shards × replication</th><th>Reward per result</th><th>Creator</th></tr>
        </thead>
        <tbody>
          {tasks.data.map((task) => {
            const view = taskRowView(task, Date.now() / 1000)
            return (
              <tr key={task.id} data-testid="task-row" data-task-id={task.id}>
                <td><Link to={{ page: 'task', taskId: BigInt(task.id) }} testId={`task-link-${task.id}`}>{view.title}</Link></td>
                <td data-testid="task-status" className={`status-${view.phase.name.toLowerCase()}`} title={view.phase.explanation}>{view.phase.name}</td>
                <td data-testid="task-round">{view.phase.round}</td>
                <td data-testid="task-providers">{view.phase.providers}</td>
                <td>{view.layout}</td>
                <td>{view.reward} MLB</td>
                <td title={task.creator}>{view.creator}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {tasks.data.length === TASKS_SHOWN && <p className="muted" data-testid="tasks-more">The newest {TASKS_SHOWN} tasks; an older one opens from its own page (#/tasks/ID).</p>}
    </>
  )
}

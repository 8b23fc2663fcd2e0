import { Link } from '../router.tsx'
import { taskRowView } from './taskRow.ts'
import { useTasks } from './useTasks.ts'

export function TaskList (): React.JSX.Element {
  const tasks = useTasks()
  if (tasks.error !== null) return <p className="error" role="alert" data-testid="tasks-error">Could not read the tasks: {tasks.error.message}</p>
  if (tasks.data === undefined) return <p className="muted">Loading tasks…</p>
  if (tasks.data.length === 0) return <p className="muted" data-testid="tasks-empty">No tasks yet.</p>
  return (
    <table className="tasks-table" data-testid="tasks-table">
      <thead>
        <tr><th>Task</th><th>Status</th><th>Round</th><th>Shards × replication</th><th>Reward per result</th><th>Creator</th></tr>
      </thead>
      <tbody>
        {tasks.data.map((task) => {
          const view = taskRowView(task)
          const id = task.taskId.toString()
          return (
            <tr key={id} data-testid="task-row" data-task-id={id}>
              <td><Link to={{ page: 'task', taskId: task.taskId }} testId={`task-link-${id}`}>#{id}</Link></td>
              <td data-testid="task-status" className={`status-${task.status.toLowerCase()}`}>{task.status}</td>
              <td data-testid="task-round">{view.round}</td>
              <td>{view.layout}</td>
              <td>{view.reward} MLB</td>
              <td title={task.creator}>{view.creator}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

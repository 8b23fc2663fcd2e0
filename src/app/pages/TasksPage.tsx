import { lazy, Suspense, useState } from 'react'
import { useWriteContext } from '../hooks/useProtocol.ts'
import { TaskList } from '../tasks/TaskList.tsx'
import '../tasks/tasks.css'

// The wizard (data parsing, the initial model, publishing) loads with a connected wallet, after the list.
const CreateTaskWizard = lazy(async () => ({ default: (await import('../tasks/CreateTaskWizard.tsx')).CreateTaskWizard }))

/** The task list and the wizard; `continues` opens the wizard on a task that trains that version further. */
export function TasksPage ({ continues }: { continues?: bigint }): React.JSX.Element {
  const ctx = useWriteContext()
  const [creating, setCreating] = useState(continues !== undefined)
  return (
    <>
      <section className="panel" aria-labelledby="tasks-title">
        <div className="tasks-header">
          <h2 id="tasks-title">Tasks</h2>
          {ctx === undefined
            ? <p className="muted">Connect a wallet on this network to create a task.</p>
            : !creating && <button type="button" data-testid="create-task" onClick={() => { setCreating(true) }}>Create a task</button>}
        </div>
        <TaskList />
      </section>
      {/* Kept mounted while hidden, so closing and reopening loses nothing typed. */}
      {ctx !== undefined && (
        <div hidden={!creating}>
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <CreateTaskWizard ctx={ctx} {...(continues === undefined ? {} : { continues })} onClose={() => { setCreating(false) }} />
          </Suspense>
        </div>
      )}
    </>
  )
}

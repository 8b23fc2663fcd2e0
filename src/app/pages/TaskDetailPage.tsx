export function TaskDetailPage ({ taskId }: { taskId: bigint }): React.JSX.Element {
  return <section className="panel"><h2>TaskDetailPage</h2><p className="muted">Not built yet.</p></section>
}

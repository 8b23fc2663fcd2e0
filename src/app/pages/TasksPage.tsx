export function TasksPage (): React.JSX.Element {
  return <section className="panel"><h2>TasksPage</h2><p className="muted">Not built yet.</p></section>
}

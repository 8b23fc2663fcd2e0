export function ModelsPage (): React.JSX.Element {
  return <section className="panel"><h2>ModelsPage</h2><p className="muted">Not built yet.</p></section>
}

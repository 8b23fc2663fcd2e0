export function ModelPage ({ modelId }: { modelId: bigint }): React.JSX.Element {
  return <section className="panel"><h2>ModelPage</h2><p className="muted">Not built yet.</p></section>
}

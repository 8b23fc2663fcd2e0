export function VersionPage ({ versionId }: { versionId: bigint }): React.JSX.Element {
  return <section className="panel"><h2>VersionPage</h2><p className="muted">Not built yet.</p></section>
}

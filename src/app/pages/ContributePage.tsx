import { NetworkPanel } from '../components/NetworkPanel.tsx'

export function ContributePage (): React.JSX.Element {
  return (
    <>
      <section className="panel"><h2>Contribute</h2><p className="muted">Not built yet.</p></section>
      <NetworkPanel />
    </>
  )
}

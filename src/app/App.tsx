import { WalletPanel } from './components/WalletPanel.tsx'
import { TokenPanel } from './components/TokenPanel.tsx'
import { NetworkPanel } from './components/NetworkPanel.tsx'

export function App (): React.JSX.Element {
  return (
    <div className="app">
      <header>
        <h1><img src="/icon.svg" alt="" width={28} height={28} /> ML Bridge</h1>
        <p className="tagline">Volunteer compute for machine learning, verified on-chain.</p>
      </header>
      <main>
        <WalletPanel />
        <TokenPanel />
        <NetworkPanel />
      </main>
    </div>
  )
}

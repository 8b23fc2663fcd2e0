import { StrictMode, startTransition, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { WagmiProvider, type Config } from 'wagmi'
import type { NetworkConfig } from '../core/networkConfig.ts'
import { loadNetworkConfig } from './loadNetworkConfig.ts'
import { createWagmiConfig } from './wagmiConfig.ts'
import { NetworkConfigContext } from './NetworkContext.ts'
import { App } from './App.tsx'
import './styles.css'

type Boot = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; network: NetworkConfig; wagmi: Config }

const queryClient = new QueryClient()

function Root (): React.JSX.Element {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' })
  useEffect(() => {
    loadNetworkConfig().then(async (network) => ({ network, wagmi: await createWagmiConfig(network) })).then(
      // A transition renders the whole app in slices that yield to the browser, rather than in one
      // long task that holds off input on a slow or busy machine.
      ({ network, wagmi }) => { startTransition(() => setBoot({ state: 'ready', network, wagmi })) },
      (error: unknown) => setBoot({ state: 'failed', message: error instanceof Error ? error.message : String(error) })
    )
  }, [])

  if (boot.state === 'loading') return <p className="boot">Loading network configuration…</p>
  if (boot.state === 'failed') return <p className="boot error" role="alert" data-testid="config-error">{boot.message}</p>
  return (
    <NetworkConfigContext.Provider value={boot.network}>
      <WagmiProvider config={boot.wagmi}>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </WagmiProvider>
    </NetworkConfigContext.Provider>
  )
}

const container = document.getElementById('root')
if (container === null) throw new Error('index.html lacks #root')
createRoot(container).render(<StrictMode><Root /></StrictMode>)

import { useEffect, useMemo, useState } from 'react'
import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from 'wagmi'
import type { DevWalletProperties } from '../../chain/devWalletConnector.ts'
import { explainError } from '../../chain/explainError.ts'
import { useNetworkConfig } from '../NetworkContext.ts'

function DevWalletConnect ({ connector, onConnect }: { connector: DevWalletProperties; onConnect: () => void }): React.JSX.Element {
  const devAccounts = useMemo(() => connector.accountAddresses(), [connector])
  const [index, setIndex] = useState(1)
  useEffect(() => { void connector.selectedAccount().then(setIndex) }, [connector])
  return (
    <div className="row">
      <label>
        Dev account{' '}
        <select
          data-testid="dev-account"
          value={index}
          onChange={(event) => {
            const next = Number(event.target.value)
            setIndex(next)
            void connector.selectAccount(next)
          }}
        >
          {devAccounts.map((address, i) => <option key={address} value={i}>#{i} {address.slice(0, 8)}…{address.slice(-4)}</option>)}
        </select>
      </label>
      <button type="button" data-testid="connect-dev" onClick={onConnect}>Connect dev wallet</button>
    </div>
  )
}

export function WalletPanel (): React.JSX.Element {
  const network = useNetworkConfig()
  const connection = useConnection()
  const connectors = useConnectors()
  const connect = useConnect()
  const disconnect = useDisconnect()
  const switchChain = useSwitchChain()

  const devConnector = connectors.find((c) => c.type === 'devWallet')
  const injected = connectors.filter((c) => c.type !== 'devWallet')

  if (connection.status === 'connected') {
    const wrongChain = connection.chainId !== network.chainId
    return (
      <section className="panel" aria-labelledby="wallet-title">
        <h2 id="wallet-title">Wallet</h2>
        <dl>
          <dt>Address</dt><dd data-testid="address">{connection.address}</dd>
          <dt>Wallet</dt><dd>{connection.connector.name}</dd>
          <dt>Chain</dt><dd data-testid="chain-id">{connection.chainId}</dd>
        </dl>
        {wrongChain && (
          <div className="error" role="alert" data-testid="wrong-chain">
            Wrong network: your wallet is on chain {connection.chainId}, ML Bridge runs on {network.chainName} (chain {network.chainId}).{' '}
            <button type="button" onClick={() => switchChain.mutate({ chainId: network.chainId })}>Switch network</button>
            {switchChain.error !== null && <p>{explainError(switchChain.error)}</p>}
          </div>
        )}
        <button type="button" data-testid="disconnect" onClick={() => disconnect.mutate({})}>Disconnect</button>
      </section>
    )
  }

  return (
    <section className="panel" aria-labelledby="wallet-title">
      <h2 id="wallet-title">Wallet</h2>
      {connection.status === 'connecting' || connection.status === 'reconnecting'
        ? <p>Connecting…</p>
        : (
            <>
              {devConnector !== undefined && (
                <DevWalletConnect
                  connector={devConnector as unknown as DevWalletProperties}
                  onConnect={() => connect.mutate({ connector: devConnector })}
                />
              )}
              {injected.map((connector) => (
                <button type="button" key={connector.uid} onClick={() => connect.mutate({ connector })}>
                  {connector.icon !== undefined && <img src={connector.icon} alt="" width={16} height={16} />} Connect {connector.name}
                </button>
              ))}
              {injected.length === 0 && <p className="muted">No browser wallet detected. Install one that supports EIP-6963{devConnector !== undefined ? ', or use a dev account on this local chain' : ''}.</p>}
            </>
          )}
      {connect.error !== null && <p className="error" role="alert" data-testid="connect-error">{explainError(connect.error)}</p>}
    </section>
  )
}

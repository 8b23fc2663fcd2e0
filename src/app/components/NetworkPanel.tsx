import { useNetworkConfig } from '../NetworkContext.ts'
import { useNetworkStatus } from '../hooks/useNetworkStatus.ts'

export function NetworkPanel (): React.JSX.Element {
  const network = useNetworkConfig()
  const net = useNetworkStatus()
  return (
    <section className="panel" aria-labelledby="network-title">
      <h2 id="network-title">Peer network</h2>
      {net.state === 'starting' && <p>Starting the browser node…</p>}
      {net.state === 'failed' && <p className="error" role="alert" data-testid="node-error">The browser node could not start: {net.message}</p>}
      {net.state === 'running' && (
        <>
          <dl>
            <dt>Peer ID</dt><dd data-testid="peer-id">{net.status.peerId}</dd>
            <dt>Relay</dt>
            <dd data-testid="relay-status" data-connected={String(net.status.relayConnected)}>
              <span className={`dot ${net.status.relayConnected ? 'on' : 'off'}`} />
              {net.status.relayConnected ? 'connected' : 'not connected'}
            </dd>
            <dt>Peers</dt><dd data-testid="peer-count">{net.status.peers} ({net.status.directPeers} direct)</dd>
          </dl>
          {net.status.connections.length > 0 && (
            <ul className="peer-list" data-testid="peer-list" aria-label="Connected peers">
              {net.status.connections.map((c) => (
                <li key={c.peerId} data-peer-id={c.peerId} data-type={c.type}>
                  <span className={`dot ${c.type === 'direct' ? 'on' : 'off'}`} />
                  <code title={c.peerId}>…{c.peerId.slice(-8)}</code>{' '}
                  {/* relayed links are signalling only (2 min, 128 KiB): data needs the direct one */}
                  {c.type === 'direct' ? 'direct' : 'relayed (signalling only)'}
                </li>
              ))}
            </ul>
          )}
          {!net.status.relayConnected && net.status.relayError !== null && (
            <p className="error" role="alert" data-testid="relay-error">
              Relay unreachable at {network.bootstrap.join(', ')}: {net.status.relayError}. Retrying…
            </p>
          )}
          {network.bootstrap.length === 0 && <p className="muted">No relay configured: only peers that dial this tab can connect.</p>}
        </>
      )}
    </section>
  )
}

import { useMemo } from 'react'
// not the p2p index, which would pull libp2p into the first load
import { CONNECTION_LABELS, groupTaskPeers, shortAddress, shortPeerId, type JoinedTask } from '../../p2p/taskPeers.ts'
import type { PeerConnection } from '../../p2p/connections.ts'
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
          <TaskPeers tasks={net.tasks} connections={net.status.connections} />
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

/** Per joined task, the providers its presence topic announced and how this tab reaches each. */
function TaskPeers ({ tasks, connections }: { tasks: JoinedTask[], connections: PeerConnection[] }): React.JSX.Element {
  const groups = useMemo(() => groupTaskPeers(tasks, connections), [tasks, connections])
  if (groups.length === 0) return <p className="muted" data-testid="task-peers-none">Not in any task yet</p>
  return (
    <div data-testid="task-peers">
      {groups.map((g) => (
        <section key={g.taskId} className="task-peers" data-testid={`task-peers-${g.taskId}`} data-task-id={g.taskId} aria-label={`Peers of task ${g.taskId}`}>
          <h3>Task {g.taskId}</h3>
          {g.peers.length === 0
            ? <p className="muted">No other peers of this task yet</p>
            : (
                <ul className="peer-list">
                  {g.peers.map((p) => (
                    <li key={p.peerId} data-peer-id={p.peerId} data-connection={p.connection} data-wallet={p.wallet}>
                      <span className={`dot ${p.connection === 'direct' ? 'on' : 'off'}`} />
                      <code title={p.peerId}>{shortPeerId(p.peerId)}</code>{' '}
                      <code title={p.wallet}>{shortAddress(p.wallet)}</code>{' '}
                      <span className="muted">{p.backend}, {formatThroughput(p.throughput)}, {p.status}</span>{' '}
                      {CONNECTION_LABELS[p.connection]}
                    </li>
                  ))}
                </ul>
              )}
        </section>
      ))}
    </div>
  )
}

function formatThroughput (throughput: number): string {
  return throughput > 0 ? `${throughput.toLocaleString(undefined, { maximumFractionDigits: 1 })} samples/s` : 'throughput unknown'
}

/**
 * What the relay's operator sees of its network side: every connection opened and closed, every
 * gossip message the topic guard refused and every dial the gater refused, each as a log line
 * and a counter, plus the bytes on the wire.
 */
import type { Connection, Libp2p, Metrics, MultiaddrConnection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from '../../src/core/log.ts'
import { hostKind } from '../../src/p2p/addresses.ts'
import type { TopicGuard } from '../../src/p2p/topicGuard.ts'
import type { RelayMetrics } from './metrics.ts'

export interface RelayObserver {
  /** libp2p's `metrics` option: the only hook that sees each connection's raw bytes */
  libp2pMetrics: () => Metrics
  /** the gater's report of a dial it refused */
  dialDenied: (ma: Multiaddr) => void
  /** starts logging and counting the started node's connections and the guard's refusals; returns the unsubscribe */
  watch: (libp2p: Libp2p, guard: TopicGuard) => () => void
  metrics: () => RelayMetrics
}

/**
 * The topic guard hands on only the verifier's message, `invalid message (<code>): <detail>`;
 * the code alone keeps the counter's label set small (the detail names peers, chains, sizes).
 */
export function gossipRejectionCode (reason: string): string {
  return /^invalid message \(([\w-]+)\)/.exec(reason)?.[1] ?? 'other'
}

export function createRelayObserver (logger: Logger): RelayObserver {
  const counters: RelayMetrics = { connections: { open: 0, total: 0 }, bytes: { in: 0, out: 0 }, gossipRejections: {}, dialsDenied: 0 }

  const connectionFields = (connection: Connection): Record<string, string> => ({
    peer: connection.remotePeer.toString(), address: hostKind(connection.remoteAddr), direction: connection.direction
  })

  return {
    libp2pMetrics: () => trafficOnly(counters.bytes),
    dialDenied: (ma) => {
      counters.dialsDenied++
      logger.warn('dial-denied', { address: ma.toString(), reason: `the relay dials no ${hostKind(ma)} address` })
    },
    watch: (libp2p, guard) => {
      const opened = ({ detail }: CustomEvent<Connection>): void => {
        counters.connections.open++
        counters.connections.total++
        logger.info('connection-opened', connectionFields(detail))
      }
      const closed = ({ detail }: CustomEvent<Connection>): void => {
        counters.connections.open--
        logger.info('connection-closed', { ...connectionFields(detail), durationMs: Date.now() - detail.timeline.open })
      }
      libp2p.addEventListener('connection:open', opened)
      libp2p.addEventListener('connection:close', closed)
      const offRejected = guard.on('rejected', ({ from, topic, reason }) => {
        const code = gossipRejectionCode(reason)
        counters.gossipRejections[code] = (counters.gossipRejections[code] ?? 0) + 1
        logger.warn('gossip-rejected', { peer: from, topic, code, reason })
      })
      return () => {
        libp2p.removeEventListener('connection:open', opened)
        libp2p.removeEventListener('connection:close', closed)
        offRejected()
      }
    },
    metrics: () => structuredClone(counters)
  }
}

/** Bytes a transport receives reach its `onData`, which only `AbstractMessageStream`s (all of libp2p's) have. */
type ReceivingConnection = MultiaddrConnection & { onData: MultiaddrConnection['send'] }
const receives = (maConn: MultiaddrConnection): maConn is ReceivingConnection => typeof (maConn as Partial<ReceivingConnection>).onData === 'function'

/**
 * A libp2p Metrics that counts each connection's bytes and keeps none of libp2p's own metrics:
 * those it registers get a sink that ignores them. Received bytes are counted where the transport
 * delivers them, not by a 'message' listener: a stream with a listener dispatches its data at
 * once, so an early listener of ours would take bytes the connection upgrade has not yet asked for.
 */
function trafficOnly (bytes: RelayMetrics['bytes']): Metrics {
  const ignored = { update () {}, increment () {}, decrement () {}, reset () {}, observe () {}, timer: () => () => {} }
  const register = (): typeof ignored => ignored
  return {
    trackMultiaddrConnection: (maConn) => {
      const send = maConn.send.bind(maConn)
      maConn.send = (data) => {
        bytes.out += data.byteLength
        return send(data)
      }
      if (!receives(maConn)) return
      const onData = maConn.onData.bind(maConn)
      maConn.onData = (data) => {
        bytes.in += data.byteLength
        return onData(data)
      }
    },
    trackProtocolStream: () => {},
    registerMetric: register,
    registerMetricGroup: register,
    registerCounter: register,
    registerCounterGroup: register,
    registerHistogram: register,
    registerHistogramGroup: register,
    registerSummary: register,
    registerSummaryGroup: register,
    traceFunction: (_name: string, fn: unknown) => fn,
    createTrace: () => undefined
  }
}

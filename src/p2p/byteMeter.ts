/**
 * Counts every byte a libp2p node moves on its connections, as the transport carries them (after
 * encryption and muxing: data, gossip, identify, pings, bitswap and their framing alike). Given to
 * libp2p as its `metrics` component; libp2p hands it each raw connection before the upgrade. The
 * other metrics libp2p registers are accepted and dropped.
 */
import type { MessageStream, Metrics, Stream, StreamMessageEvent } from '@libp2p/interface'

export interface WireBytes {
  sent: number
  received: number
}

export interface ByteMeter {
  /** running totals over every connection the node has had */
  readonly bytes: Readonly<WireBytes>
  /** the payload of its protocol streams by protocol (before muxing and encryption, so they sum to less than `bytes`) */
  readonly byProtocol: ReadonlyMap<string, Readonly<WireBytes>>
  /** the factory for libp2p's `metrics` option */
  metrics: () => Metrics
}

// A metric libp2p registered: every property and every call gives this again, so any use is a
// no-op; not thenable, so awaiting one does not hang.
const ignored: any = new Proxy(function () {}, { get: (_target, key) => key === 'then' ? undefined : ignored, apply: () => ignored })

export function byteMeter (): ByteMeter {
  const bytes: WireBytes = { sent: 0, received: 0 }
  const byProtocol = new Map<string, WireBytes>()
  const count = (stream: MessageStream, into: () => WireBytes): void => {
    const send = stream.send.bind(stream)
    stream.send = (data) => {
      into().sent += data.byteLength
      return send(data)
    }
    // Not a 'message' listener: a stream buffers what arrives only while nobody listens, and
    // hands its buffer to the first listener, so one of ours would take data meant for the reader
    // that comes later. Deliveries go through dispatchEvent whoever listens.
    const dispatch = stream.dispatchEvent.bind(stream)
    stream.dispatchEvent = (event) => {
      // by type, not class: a second copy of @libp2p/interface would defeat instanceof
      if (event.type === 'message') into().received += (event as StreamMessageEvent).data.byteLength
      return dispatch(event)
    }
  }
  const ofProtocol = (protocol: string): WireBytes => {
    let b = byProtocol.get(protocol)
    if (b === undefined) byProtocol.set(protocol, b = { sent: 0, received: 0 })
    return b
  }
  const metrics: Metrics = {
    trackMultiaddrConnection: (conn) => { count(conn, () => bytes) },
    trackProtocolStream: (stream: Stream) => { count(stream, () => ofProtocol(stream.protocol)) },
    registerMetric: (() => ignored) as Metrics['registerMetric'],
    registerMetricGroup: (() => ignored) as Metrics['registerMetricGroup'],
    registerCounter: (() => ignored) as Metrics['registerCounter'],
    registerCounterGroup: (() => ignored) as Metrics['registerCounterGroup'],
    registerHistogram: (() => ignored) as Metrics['registerHistogram'],
    registerHistogramGroup: (() => ignored) as Metrics['registerHistogramGroup'],
    registerSummary: (() => ignored) as Metrics['registerSummary'],
    registerSummaryGroup: (() => ignored) as Metrics['registerSummaryGroup'],
    traceFunction: ((_name: string, fn: unknown) => fn) as Metrics['traceFunction'],
    createTrace: () => undefined
  }
  return { bytes, byProtocol, metrics: () => metrics }
}

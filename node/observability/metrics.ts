/**
 * What the operator's metrics endpoint reports, and its Prometheus text form (exposition format
 * 0.0.4). Written by hand: a dozen counters do not justify a client library.
 */
import type { PinMetrics } from '../../src/p2p/pinService.ts'
import type { GatewayMetrics } from '../gateway.ts'
import type { RefereeCounters } from '../referee/referee.ts'

export interface RelayMetrics {
  connections: { open: number, total: number }
  /** raw bytes on the relay's connections, encryption and muxing included */
  bytes: { in: number, out: number }
  /** gossip messages the topic guard refused, by the verifier's reason code */
  gossipRejections: Record<string, number>
  /** dials the relay's gater refused (it dials nobody beyond loopback) */
  dialsDenied: number
}

export interface RefereeMetrics extends RefereeCounters {
  /** shard re-executions, for their mean duration */
  reexecutions: { count: number, totalMs: number }
}

/**
 * The body of `GET /metrics.json`; each part is absent where it does not run (a referee running
 * alone reports `referee` only).
 */
export interface OperatorMetrics {
  relay?: RelayMetrics
  pinner?: PinMetrics
  referee?: RefereeMetrics
  gateway?: GatewayMetrics
}

export interface MetricSample {
  /** `_sum` and `_count` of a summary */
  suffix?: string
  labels?: Record<string, string>
  value: number
}

export interface MetricFamily {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'summary'
  samples: MetricSample[]
}

const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
const escapeLabel = (text: string): string => escapeHelp(text).replace(/"/g, '\\"')

export function formatPrometheus (families: MetricFamily[]): string {
  const lines: string[] = []
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`)
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {}).map(([key, value]) => `${key}="${escapeLabel(value)}"`)
      lines.push(`${family.name}${sample.suffix ?? ''}${labels.length === 0 ? '' : `{${labels.join(',')}}`} ${sample.value}`)
    }
  }
  return `${lines.join('\n')}\n`
}

const single = (type: 'counter' | 'gauge') => (name: string, help: string, value: number): MetricFamily => ({ name, help, type, samples: [{ value }] })
const counter = single('counter')
const gauge = single('gauge')
const labelled = (name: string, help: string, label: string, values: Record<string, number>): MetricFamily => ({
  name, help, type: 'counter', samples: Object.entries(values).map(([key, value]) => ({ labels: { [label]: key }, value }))
})

export function operatorMetricFamilies (metrics: OperatorMetrics): MetricFamily[] {
  const { relay, pinner, referee, gateway } = metrics
  const families = [
    ...(relay === undefined
      ? []
      : [
          gauge('mlbridge_relay_connections_open', 'Connections open now', relay.connections.open),
          counter('mlbridge_relay_connections_total', 'Connections opened since start', relay.connections.total),
          labelled('mlbridge_relay_bytes_total', 'Bytes on the relay\'s connections since start', 'direction', relay.bytes),
          labelled('mlbridge_relay_gossip_rejected_total', 'Gossip messages refused by the topic guard, by reason', 'reason', relay.gossipRejections),
          counter('mlbridge_relay_dials_denied_total', 'Dials refused by the connection gater', relay.dialsDenied)
        ]),
    ...(pinner === undefined
      ? []
      : [
          counter('mlbridge_pinner_pins_total', 'Pins accepted (receipts signed) since start', pinner.pins),
          counter('mlbridge_pinner_pinned_bytes_total', 'Payload bytes of the pins accepted since start', pinner.bytesPinned),
          gauge('mlbridge_pinner_active', 'Pins fetching now', pinner.active),
          counter('mlbridge_pinner_released_total', 'Pins released since start (their tasks ended)', pinner.released),
          counter('mlbridge_pinner_rebuilt_total', 'Model pins the pinner computed from the deltas it holds instead of fetching them', pinner.rebuilt),
          labelled('mlbridge_pinner_refusals_total', 'Pin requests refused, by reason', 'reason', pinner.refusals)
        ]),
    ...(gateway === undefined
      ? []
      : [
          counter('mlbridge_gateway_requests_total', 'HTTP requests to the trustless gateway since start', gateway.requests),
          counter('mlbridge_gateway_bytes_total', 'Block bytes the gateway sent in raw and CAR bodies', gateway.bytes),
          counter('mlbridge_gateway_errors_total', 'Gateway answers with an error status, and CARs cut short', gateway.errors)
        ])
  ]
  if (referee === undefined) return families
  return [
    ...families,
    counter('mlbridge_referee_disputes_total', 'Split shards seen', referee.disputes),
    counter('mlbridge_referee_verdicts_total', 'Split verdicts submitted', referee.verdicts),
    counter('mlbridge_referee_slashed_total', 'Replicas found at fault by a verdict', referee.slashed),
    counter('mlbridge_referee_abstentions_total', 'Disputes left to lapse (no replica agreed with the re-execution)', referee.abstentions),
    counter('mlbridge_referee_challenges_total', 'Version challenges seen', referee.challenges),
    counter('mlbridge_referee_challenges_upheld_total', 'Version challenges upheld', referee.upheld),
    counter('mlbridge_referee_challenges_dismissed_total', 'Version challenges dismissed', referee.dismissed),
    counter('mlbridge_referee_audits_total', 'Accepted shards drawn for an audit', referee.audits),
    counter('mlbridge_referee_audit_slashes_total', 'Accepted winners an audit found wrong and slashed', referee.auditSlashes),
    counter('mlbridge_referee_result_challenges_total', 'Result challenges seen', referee.resultChallenges),
    counter('mlbridge_referee_result_challenges_upheld_total', 'Result challenges upheld (the result slashed)', referee.resultChallengesUpheld),
    counter('mlbridge_referee_cosigners_slashed_total', 'Signers of versions found forged, slashed after the verdict', referee.cosignersSlashed),
    counter('mlbridge_referee_slashes_executed_total', 'Slashes executed once their appeal delay passed', referee.slashesExecuted),
    counter('mlbridge_referee_failures_total', 'Attempts to settle that failed and will be retried', referee.failures),
    {
      name: 'mlbridge_referee_reexecution_seconds',
      help: 'Time to re-execute a disputed, audited or challenged shard',
      type: 'summary',
      samples: [{ suffix: '_sum', value: referee.reexecutions.totalMs / 1000 }, { suffix: '_count', value: referee.reexecutions.count }]
    }
  ]
}

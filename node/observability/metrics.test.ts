import { describe, expect, it } from 'vitest'
import { formatPrometheus, operatorMetricFamilies, type OperatorMetrics } from './metrics.ts'

const snapshot: OperatorMetrics = {
  relay: { connections: { open: 2, total: 5 }, bytes: { in: 1000, out: 2500 }, gossipRejections: { 'wrong-chain': 3 }, dialsDenied: 1 },
  pinner: { pins: 4, bytesPinned: 4096, active: 1, released: 2, rebuilt: 3, refusals: { busy: 0, unauthorized: 1, 'too-large': 2, 'over-quota': 0, 'not-found': 0, 'bad-request': 0, failed: 0 } },
  referee: {
    disputes: 3, verdicts: 2, slashed: 1, abstentions: 1, challenges: 1, upheld: 1, dismissed: 0, audits: 4, auditSlashes: 2, resultChallenges: 1, resultChallengesUpheld: 1, cosignersSlashed: 0, slashesExecuted: 1, failures: 0,
    reexecutions: { count: 3, totalMs: 4500 }
  },
  gateway: { requests: 12, bytes: 65536, errors: 2 }
}

describe('formatPrometheus', () => {
  it('writes HELP and TYPE before the samples, escapes label values, and ends with a newline', () => {
    const text = formatPrometheus([
      { name: 'x_total', help: 'things\\seen\nso far', type: 'counter', samples: [{ labels: { reason: 'say "no"\\\n' }, value: 2 }] },
      { name: 'y', help: 'now', type: 'gauge', samples: [{ value: 0.5 }] }
    ])
    expect(text).toBe([
      '# HELP x_total things\\\\seen\\nso far',
      '# TYPE x_total counter',
      'x_total{reason="say \\"no\\"\\\\\\n"} 2',
      '# HELP y now',
      '# TYPE y gauge',
      'y 0.5',
      ''
    ].join('\n'))
  })
})

describe('operatorMetricFamilies', () => {
  it('reports connections, bytes, refusals by reason, pins and the referee in exposition format', () => {
    const text = formatPrometheus(operatorMetricFamilies(snapshot))
    for (const line of [
      'mlbridge_relay_connections_open 2',
      'mlbridge_relay_connections_total 5',
      'mlbridge_relay_bytes_total{direction="in"} 1000',
      'mlbridge_relay_bytes_total{direction="out"} 2500',
      'mlbridge_relay_gossip_rejected_total{reason="wrong-chain"} 3',
      'mlbridge_relay_dials_denied_total 1',
      'mlbridge_pinner_pins_total 4',
      'mlbridge_pinner_pinned_bytes_total 4096',
      'mlbridge_pinner_active 1',
      'mlbridge_pinner_released_total 2',
      'mlbridge_pinner_rebuilt_total 3',
      'mlbridge_pinner_refusals_total{reason="too-large"} 2',
      'mlbridge_pinner_refusals_total{reason="busy"} 0',
      'mlbridge_referee_disputes_total 3',
      'mlbridge_referee_verdicts_total 2',
      'mlbridge_referee_slashed_total 1',
      'mlbridge_referee_reexecution_seconds_sum 4.5',
      'mlbridge_referee_reexecution_seconds_count 3',
      '# TYPE mlbridge_referee_reexecution_seconds summary',
      'mlbridge_gateway_requests_total 12',
      'mlbridge_gateway_bytes_total 65536',
      'mlbridge_gateway_errors_total 2'
    ]) expect(text.split('\n')).toContain(line)
  })

  it('leaves the referee and the gateway out when they do not run', () => {
    const text = formatPrometheus(operatorMetricFamilies({ relay: snapshot.relay, pinner: snapshot.pinner }))
    expect(text).not.toContain('mlbridge_referee')
    expect(text).not.toContain('mlbridge_gateway')
  })

  it('reports a referee that runs alone with its own counters only', () => {
    const text = formatPrometheus(operatorMetricFamilies({ referee: snapshot.referee! }))
    expect(text).toContain('mlbridge_referee_verdicts_total 2')
    expect(text).not.toContain('mlbridge_relay')
    expect(text).not.toContain('mlbridge_pinner')
  })
})

import type { RoundState } from '../../chain/actions/index.ts'
import type { ProtocolEvent } from '../../chain/protocolEvents.ts'
import { roundNumber } from '../../core/taskPhase.ts'
import { shortAddress } from './format.ts'
import { shardAttempts, type Verdict } from './verdicts.ts'

const VERDICT_WORDS: Record<Verdict, string> = {
  assigned: 'assigned',
  committed: 'committed',
  revealed: 'revealed',
  winner: 'accepted winner',
  outvoted: 'outvoted',
  unsettled: 'revealed, no majority',
  missed: 'missed'
}

/** Every started round: each shard's attempts with one verdict per provider. */
export function RoundsSection ({ rounds, replication, events }: { rounds: RoundState[], replication: number, events: ProtocolEvent[] }): React.JSX.Element {
  return (
    <section className="panel" aria-labelledby="rounds-title">
      <h3 id="rounds-title">Rounds and shards</h3>
      {rounds.length === 0 && <p className="muted">No round has started yet.</p>}
      {rounds.map((round) => (
        <div key={round.round} className="td-round">
          <h4>Round {roundNumber(round.round)} <span className="muted">({round.decidedShards} of {round.shards.length} shards decided{round.versionId === 0n ? '' : `, version ${round.versionId}`})</span></h4>
          <table className="td-table">
            <thead><tr><th>Shard</th><th>Attempt</th><th>Status</th><th>Providers and verdicts</th></tr></thead>
            <tbody>
              {round.shards.map((shard) => {
                const attempts = shardAttempts({ round: round.round, shard, replication, events })
                return (
                  <tr key={shard.shard} data-testid="shard-row" data-round={round.round} data-shard={shard.shard} data-status={shard.status}>
                    <td>{shard.shard}</td>
                    <td>{shard.attempt}</td>
                    <td>{shard.status}</td>
                    <td>
                      {attempts.map((attempt) => (
                        <div key={attempt.attempt} className="td-attempt" data-attempt={attempt.attempt} data-outcome={attempt.outcome}>
                          {attempts.length > 1 && <span className="muted">attempt {attempt.attempt} ({attempt.outcome}): </span>}
                          {attempt.slots.map((slot) => (
                            <span key={slot.replica} className={`td-verdict td-${slot.verdict}`} data-testid="provider-verdict" data-verdict={slot.verdict}>
                              {slot.provider === undefined ? '(unknown)' : shortAddress(slot.provider)} {VERDICT_WORDS[slot.verdict]}{slot.slashed ? ', slashed' : ''}
                            </span>
                          ))}
                        </div>
                      ))}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  )
}

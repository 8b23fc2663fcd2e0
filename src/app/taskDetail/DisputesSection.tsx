import { bitsOf } from '../../core/bitmask.ts'
import { ChallengesTable } from './ChallengesTable.tsx'
import type { Disputes, SplitView } from './disputes.ts'
import { EvidenceCid } from './EvidenceCid.tsx'
import { chainTime } from './format.ts'
import { SlashesTable } from './SlashesTable.tsx'
import { roundNumber } from '../../core/taskPhase.ts'

/** The task's splits, slashes and challenges, each with what came of it. */
export function DisputesSection ({ disputes }: { disputes: Disputes }): React.JSX.Element {
  const { splits, slashes, challenges } = disputes
  return (
    <section className="panel" aria-labelledby="disputes-title" data-testid="disputes">
      <h3 id="disputes-title">Disputes and slashes</h3>
      {splits.length + slashes.length + challenges.length === 0 && (
        <p className="muted" data-testid="disputes-empty">Nothing disputed: no shard split, nobody challenged a result or a version, nobody was slashed.</p>
      )}
      {splits.length > 0 && (
        <table className="td-table">
          <caption>Splits (no majority: the referee decides)</caption>
          <thead><tr><th>Round</th><th>Shard</th><th>Attempt</th><th>Split at</th><th>Referee deadline</th><th>Verdict</th></tr></thead>
          <tbody>
            {splits.map((s) => (
              <tr key={`${s.round}-${s.shard}-${s.attempt}`} data-testid="dispute-row" data-round={s.round} data-shard={s.shard} data-attempt={s.attempt} data-verdict={s.verdict.kind}>
                <td>{roundNumber(s.round)}</td>
                <td>{s.shard}</td>
                <td>{s.attempt}</td>
                <td>block {s.block.toString()}</td>
                <td>{chainTime(s.refereeDeadline)}</td>
                <td>{verdictWords(s)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {slashes.length > 0 && <SlashesTable slashes={slashes} />}
      {challenges.length > 0 && <ChallengesTable challenges={challenges} caption="Challenges" />}
    </section>
  )
}

function verdictWords ({ verdict, revealedMask }: SplitView): React.ReactNode {
  switch (verdict.kind) {
    case 'pending': return `awaiting the referee (replicas ${bitsOf(revealedMask).join(', ')} revealed)`
    case 'lapsed': return 'no verdict in time: nobody slashed, the shard ran again'
    case 'resolved': {
      const winners = bitsOf(verdict.winnersMask)
      return (
        <>
          {winners.length === 0 ? 'no replica right: every revealed one slashed, the shard runs again' : `replica${winners.length === 1 ? '' : 's'} ${winners.join(', ')} right, the others slashed`}
          {' '}(evidence <EvidenceCid evidence={verdict.evidence} />)
        </>
      )
    }
  }
}

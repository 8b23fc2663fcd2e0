import { Link } from '../router.tsx'
import type { ChallengeOutcome, ChallengeView } from './challenges.ts'
import { chainTime, mlb, shortAddress } from './format.ts'
import { roundNumber } from '../../core/taskPhase.ts'

const OUTCOME_WORDS: Record<ChallengeOutcome, string> = {
  open: 'open: the referee judges it',
  upheld: 'upheld: the accused was slashed, the bond went back',
  dismissed: 'dismissed: the bond went to the accused',
  expired: 'expired: nobody judged it in time, the bond went back',
  superseded: 'taken over by an earlier commitment: the bond went back'
}

/** Result and version challenges, one row each. */
export function ChallengesTable ({ challenges, caption }: { challenges: ChallengeView[], caption: string }): React.JSX.Element {
  return (
    <table className="td-table">
      <caption>{caption}</caption>
      <thead><tr><th>Target</th><th>Accused</th><th>Challenger</th><th>Bond</th><th>Deadline</th><th>Outcome</th></tr></thead>
      <tbody>
        {challenges.map((c) => (
          <tr key={`${c.block}-${c.kind}-${c.challenger}`} data-testid="challenge-row" data-kind={c.kind} data-challenger={c.challenger} data-outcome={c.outcome}>
            <td>
              {c.kind === 'result'
                ? <>task <Link to={{ page: 'task', taskId: c.result.taskId }}>#{c.result.taskId.toString()}</Link> round {roundNumber(c.result.round)} shard {c.result.shard} attempt {c.result.attempt} replica {c.result.replica}</>
                : <Link to={{ page: 'version', versionId: c.versionId }}>version {c.versionId.toString()}</Link>}
            </td>
            <td>{c.accused === undefined ? 'unknown' : <span title={c.accused}>{shortAddress(c.accused)}</span>}</td>
            <td title={c.challenger}>{shortAddress(c.challenger)}</td>
            <td>{c.bond === undefined ? 'the task’s minimum stake' : mlb(c.bond)}</td>
            <td>{c.kind === 'result' ? chainTime(c.resolveBy) : 'the task’s challenge window'}</td>
            <td>{OUTCOME_WORDS[c.outcome]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

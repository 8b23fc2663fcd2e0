import { Link } from '../router.tsx'
import { chainTime, mlb, shortAddress } from './format.ts'
import { slashReasonWords, type SlashAppeal, type SlashCause, type SlashView } from './disputes.ts'
import { EvidenceCid } from './EvidenceCid.tsx'
import { roundNumber } from '../../core/taskPhase.ts'

const CAUSE_WORDS: Record<SlashCause, string> = {
  split: "the referee's verdict on a split",
  challenge: 'an upheld challenge',
  proof: 'a fraud proof the contract checked itself',
  audit: "the referee's audit of an accepted shard",
  equivocation: 'an equivocation report',
  version: 'an upheld challenge of the version it proposed',
  cosigned: 'an upheld challenge of a version it signed'
}

const VERSION_SLASHED: Partial<Record<SlashCause, string>> = { version: 'the version it proposed', cosigned: 'the version it signed' }

/** Slashes, one row each; `withTask` adds a column linking each to its task (for a record across tasks). */
export function SlashesTable ({ slashes, withTask = false }: { slashes: SlashView[], withTask?: boolean }): React.JSX.Element {
  return (
    <table className="td-table">
      <caption>Slashes</caption>
      <thead>
        <tr>{withTask && <th>Task</th>}<th>Provider</th><th>What</th><th>Why</th><th>Stake taken</th><th>Earnings forfeited</th><th>Reporter</th><th>Evidence</th><th>Appeal</th></tr>
      </thead>
      <tbody>
        {slashes.map((s) => (
          <tr key={`${s.block}-${s.provider}-${s.result?.replica ?? 'v'}`} data-testid="slash-row" data-provider={s.provider} data-reason={s.reason} data-cause={s.cause} data-task={s.taskId.toString()}>
            {withTask && <td><Link to={{ page: 'task', taskId: s.taskId }}>#{s.taskId.toString()}</Link></td>}
            <td title={s.provider}>{shortAddress(s.provider)}</td>
            <td>
              {s.result === undefined
                ? `round ${roundNumber(s.round)}: ${VERSION_SLASHED[s.cause] ?? 'version signature'}`
                : `round ${roundNumber(s.result.round)} shard ${s.result.shard} attempt ${s.result.attempt} replica ${s.result.replica}`}
            </td>
            <td>{slashReasonWords(s.reason)}, found by {CAUSE_WORDS[s.cause]}</td>
            <td>{mlb(s.amount)}</td>
            <td>{mlb(s.forfeited)}</td>
            <td>{s.reporter === undefined ? 'none' : <span title={s.reporter}>{shortAddress(s.reporter)} ({mlb(s.reporterShare)})</span>}</td>
            <td>{s.evidence !== undefined ? <EvidenceCid evidence={s.evidence} /> : s.cause in VERSION_SLASHED ? "the referee's recomputation" : 'the two signatures'}</td>
            <td data-testid="slash-appeal" data-state={s.appeal?.state ?? 'none'}>{appealWords(s.appeal)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function appealWords (appeal: SlashAppeal | undefined): string {
  if (appeal === undefined) return 'none (taken at once)'
  switch (appeal.state) {
    case 'held': return `held until ${chainTime(appeal.executableAt)}, then burnt unless overturned`
    case 'executed': return 'taken effect'
    case 'overturned': return 'overturned on appeal: given back'
  }
}

import { isAddressEqual, type Address } from 'viem'
import { mlb, shortAddress } from './format.ts'
import type { ParticipantView } from './participants.ts'

/** The task's providers with their accepted results here and what they can claim overall. */
export function ParticipantsSection (
  { participants, claimable, account }: { participants: ParticipantView[], claimable: Map<Address, bigint>, account: Address | undefined }
): React.JSX.Element {
  return (
    <section className="panel" aria-labelledby="participants-title">
      <h3 id="participants-title">Participants</h3>
      {participants.length === 0
        ? <p className="muted">No provider has joined yet.</p>
        : (
            <table className="td-table">
              <thead><tr><th>Provider</th><th>Accepted results</th><th>Earned here</th><th>Claimable (all tasks)</th></tr></thead>
              <tbody>
                {participants.map((p) => {
                  const you = account !== undefined && isAddressEqual(account, p.provider)
                  return (
                    <tr key={p.provider} data-testid="participant-row" data-provider={p.provider} data-you={you}>
                      <td title={p.provider}>{shortAddress(p.provider)}{you && <strong> (you)</strong>}</td>
                      <td>{p.accepted}</td>
                      <td>{mlb(p.earned)}</td>
                      <td>{mlb(claimable.get(p.provider) ?? 0n)}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          )}
    </section>
  )
}

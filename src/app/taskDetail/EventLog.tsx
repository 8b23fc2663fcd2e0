import type { ProtocolEvent } from '../../chain/protocolEvents.ts'
import { eventSentence } from './eventSentence.ts'

/** The task's protocol events, newest first. */
export function EventLog ({ events }: { events: ProtocolEvent[] }): React.JSX.Element {
  const newestFirst = [...events].reverse()
  return (
    <section className="panel" aria-labelledby="events-title">
      <h3 id="events-title">Event log</h3>
      {/* it scrolls, so it takes the focus: a keyboard user scrolls it with the arrow keys */}
      <div className="td-events" role="region" aria-label="Events, newest first" tabIndex={0}>
        <ol data-testid="event-log">
          {newestFirst.map((event) => (
            <li key={`${event.transactionHash}-${event.logIndex}`} data-event={event.eventName}>
              <span className="muted">#{event.blockNumber.toString()}</span> <code>{event.eventName}</code> {eventSentence(event)}
            </li>
          ))}
        </ol>
      </div>
    </section>
  )
}

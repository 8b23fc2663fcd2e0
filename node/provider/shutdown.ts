/**
 * Ctrl-C for a provider in the middle of a shard. The first signal finishes a shard that is past
 * training (its upload, commit or reveal is a moment's work and saves a commit slot) and abandons
 * one still training; either way the words say which. A second signal stops at once.
 */
import type { Phase, ProviderState, StepEvent } from '../../src/provider/types.ts'

/** Steps after training: finishing them costs seconds, abandoning them wastes the training. */
const FINISHING: ReadonlySet<Phase> = new Set(['uploading', 'committing', 'revealing'])
/** Steps whose work is lost when stopped. */
const ABANDONING: ReadonlySet<Phase> = new Set(['fetching', 'training'])

export type ShutdownRequest = 'finishing' | 'stopping' | 'force' | 'repeat'

/**
 * One Ctrl-C can arrive more than once: the terminal signals the whole process group and npm
 * forwards it to its child again. Requests this soon after the first are that same press.
 */
export const SAME_PRESS_MS = 1000

export class Shutdown {
  private readonly controller = new AbortController()
  private current: StepEvent | undefined
  private requestedAt: number | undefined
  private disposed = false
  private finishTimer: NodeJS.Timeout | undefined

  constructor (private readonly say: (line: string) => void, private readonly finishLimitMs = 60_000) {}

  /** Aborts the provider loop when the shutdown is due. */
  get signal (): AbortSignal { return this.controller.signal }

  get isRequested (): boolean { return this.requestedAt !== undefined }

  /** Follows the loop's steps: a finishing shard lets go as soon as it leaves the quick steps. */
  onStep (step: StepEvent): void {
    this.current = step
    if (this.requestedAt !== undefined && !this.signal.aborted && !FINISHING.has(step.phase)) this.stopNow('the shard\'s quick steps are done')
  }

  /** A SIGINT or SIGTERM (`why`); the caller exits at once on 'force' and ignores a 'repeat'. */
  request (why?: string, at = Date.now()): ShutdownRequest {
    if (this.disposed) return 'stopping'
    if (this.requestedAt !== undefined) return at - this.requestedAt < SAME_PRESS_MS ? 'repeat' : 'force'
    this.requestedAt = at
    if (why !== undefined) this.say(why)
    const step = this.current
    const where = step === undefined ? '' : `round ${step.round ?? '?'} shard ${step.shard ?? '?'}`
    if (step !== undefined && FINISHING.has(step.phase)) {
      this.say(`stopping: ${where} is past training (${step.phase}); finishing it before exit (Ctrl-C again to abort now)`)
      this.finishTimer = setTimeout(() => { this.stopNow(`it took over ${this.finishLimitMs / 1000} s`) }, this.finishLimitMs)
      return 'finishing'
    }
    if (step !== undefined && ABANDONING.has(step.phase) && step.shard !== undefined) {
      this.say(`stopping: abandoning ${where} (${step.phase}, not trained yet); nothing of it was committed`)
    } else {
      this.say(`stopping${step === undefined ? '' : ` (was ${step.phase})`}`)
    }
    this.stopNow()
    return 'stopping'
  }

  /** The provider is done: later requests have nothing left to stop. */
  dispose (): void {
    this.disposed = true
    clearTimeout(this.finishTimer)
  }

  private stopNow (why?: string): void {
    clearTimeout(this.finishTimer)
    if (why !== undefined) this.say(`stopping now: ${why}`)
    this.controller.abort(new Error('stopped by the operator'))
  }
}

/** What a stopped provider left behind for its next start, in words. */
export function leftBehind (state: ProviderState): string[] {
  const results = Object.values(state.results)
  const latest = Math.max(-1, ...results.map((r) => r.round))
  return results
    .filter((r) => r.round === latest && !r.revealed)
    .map((r) => r.committed
      ? `round ${r.round} shard ${r.shard}: committed, not revealed yet; the next start reveals it with the saved salt`
      : `round ${r.round} shard ${r.shard}: trained and uploaded, not committed; the next start commits it if the commit window is still open`)
}

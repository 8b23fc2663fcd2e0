/**
 * The terminal display: a line per step, a progress bar while training (redrawn in place on a
 * TTY, a line now and then otherwise), and timestamped action and error lines.
 */
import type { ProgressEvent, StepEvent } from '../../src/provider/types.ts'

const BAR_WIDTH = 24

export function formatStep (step: StepEvent): string {
  const where = [step.round === undefined ? '' : `round ${step.round}`, step.shard === undefined ? '' : `shard ${step.shard}`].filter((s) => s !== '').join(' ')
  return `${step.phase.padEnd(11)}${where === '' ? '' : ` ${where}`}${step.detail === undefined ? '' : `: ${step.detail}`}`.trimEnd()
}

export function formatProgress ({ round, shard, progress }: ProgressEvent): string {
  const done = progress.steps === 0 ? 0 : Math.min(1, progress.step / progress.steps)
  const filled = Math.round(done * BAR_WIDTH)
  const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`
  return `training    round ${round} shard ${shard} [${bar}] ${progress.step}/${progress.steps} steps  loss ${progress.loss.toFixed(4)}  ${Math.round(progress.samplesPerSec)} samples/s`
}

export function timestamp (date = new Date()): string {
  return date.toISOString().slice(11, 19)
}

export interface Output {
  write: (text: string) => unknown
  isTTY?: boolean
}

export class Display {
  /** a progress bar is on the current line (TTY only) */
  private barShown = false
  private lastPlainStep = -1

  constructor (private readonly out: Output) {}

  step (step: StepEvent): void {
    this.line(`${timestamp()} ${formatStep(step)}`)
  }

  progress (event: ProgressEvent): void {
    if (this.out.isTTY === true) {
      this.out.write(`\r\x1b[2K${formatProgress(event)}`)
      this.barShown = true
      return
    }
    // Plain output (a log file): the first, every quarter, and the last step.
    const { step, steps } = event.progress
    const quarter = Math.max(1, Math.floor(steps / 4))
    if (step === steps || step === 1 || step % quarter === 0) {
      if (step === this.lastPlainStep) return
      this.lastPlainStep = step === steps ? -1 : step
      this.line(`${timestamp()} ${formatProgress(event)}`)
    }
  }

  action (text: string): void { this.line(`${timestamp()} * ${text}`) }

  error (text: string): void { this.line(`${timestamp()} ! ${text}`) }

  info (text: string): void { this.line(`${timestamp()} ${text}`) }

  private line (text: string): void {
    if (this.barShown) {
      this.out.write('\n')
      this.barShown = false
    }
    this.out.write(`${text}\n`)
  }
}

import { describe, expect, it } from 'vitest'
import { Display, formatProgress, formatStep } from './display.ts'

const progress = { round: 1, shard: 2, progress: { step: 5, steps: 10, loss: 1.23456, samplesPerSec: 812.4 } }

describe('terminal display', () => {
  it('formats steps and progress', () => {
    expect(formatStep({ phase: 'joining' })).toBe('joining')
    expect(formatStep({ phase: 'waiting', round: 0, shard: 1, detail: 'committed' })).toBe('waiting     round 0 shard 1: committed')
    expect(formatProgress(progress)).toBe('training    round 1 shard 2 [############............] 5/10 steps  loss 1.2346  812 samples/s')
  })

  it('redraws the bar in place on a TTY and ends it before the next line', () => {
    const written: string[] = []
    const display = new Display({ write: (t) => written.push(t), isTTY: true })
    display.progress(progress)
    display.progress({ ...progress, progress: { ...progress.progress, step: 6 } })
    display.action('commitResult')
    // The display redraws its line with ESC [2K (erase line).
    expect(written[0]?.startsWith('\r\x1b[2Ktraining')).toBe(true)
    expect(written[1]).toMatch(new RegExp(String.raw`^\r${'\x1b'}\[2K.*6/10`))
    expect(written[2]).toBe('\n')
    expect(written[3]).toMatch(/^\d\d:\d\d:\d\d \* commitResult\n$/)
  })

  it('writes a few plain lines when not a TTY', () => {
    const written: string[] = []
    const display = new Display({ write: (t) => written.push(t) })
    for (let step = 1; step <= 8; step++) display.progress({ ...progress, progress: { ...progress.progress, step, steps: 8 } })
    expect(written.map((l) => /(\d+)\/8 steps/.exec(l)?.[1])).toEqual(['1', '2', '4', '6', '8'])
    expect(written.every((l) => !l.includes('\r'))).toBe(true)
  })
})

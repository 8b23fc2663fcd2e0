import { describe, expect, it } from 'vitest'
import { overallRatio, roundSplits, type PhaseMark } from './roundSplit.ts'

const s = (seconds: number): number => seconds * 1000

describe('roundSplits', () => {
  it('charges each instant to the busiest provider: training hides what overlaps it', () => {
    const a: PhaseMark[] = [
      { at: s(0), phase: 'waiting', round: 0 },
      { at: s(1), phase: 'training', round: 0 },
      { at: s(21), phase: 'uploading', round: 0 }, // while b trains: train
      { at: s(22), phase: 'committing', round: 0 },
      { at: s(43), phase: 'aggregating', round: 0 },
      { at: s(45), phase: 'advancing', round: 0 },
      { at: s(46), phase: 'waiting', round: 1 }
    ]
    const b: PhaseMark[] = [
      { at: s(0.5), phase: 'fetching', round: 0 },
      { at: s(1), phase: 'training', round: 0 }, // waits in the queue while a trains: still train
      { at: s(41), phase: 'uploading', round: 0 },
      { at: s(42), phase: 'committing', round: 0 },
      { at: s(43), phase: 'waiting', round: 0 }
    ]
    const [round0] = roundSplits([a, b], s(100))
    expect(round0).toMatchObject({ round: 0, seconds: 46, trainings: 2, shardTrainSeconds: 20, overheadSeconds: 6 })
    expect(round0!.split).toEqual({ train: 40, upload: 1, chain: 2, aggregate: 2.5, waiting: 0.5 })
    expect(round0!.overheadRatio).toBeCloseTo(0.3)
  })

  it('ends the last round at the first step that belongs to no round, else at the end given', () => {
    const ended: PhaseMark[] = [{ at: s(0), phase: 'training', round: 0 }, { at: s(10), phase: 'advancing', round: 0 }, { at: s(12), phase: 'claiming' }, { at: s(13), phase: 'done' }]
    expect(roundSplits([ended], s(50))[0]).toMatchObject({ seconds: 12, split: { train: 10, chain: 2 } })
    const stopped: PhaseMark[] = [{ at: s(0), phase: 'training', round: 0 }, { at: s(10), phase: 'waiting', round: 0 }]
    expect(roundSplits([stopped], s(15))[0]).toMatchObject({ seconds: 15, split: { train: 10, waiting: 5 } })
  })

  it('leaves the time before round 0 out, and a round without training has no ratio', () => {
    const marks: PhaseMark[] = [{ at: s(0), phase: 'joining' }, { at: s(5), phase: 'waiting', round: 0 }, { at: s(8), phase: 'waiting', round: 1 }]
    const rounds = roundSplits([marks], s(9))
    expect(rounds.map((r) => [r.round, r.seconds, r.overheadRatio])).toEqual([[0, 3, null], [1, 1, null]])
    expect(overallRatio(rounds)).toBeNull()
  })
})

describe('overallRatio', () => {
  it('sets all rounds\' overhead against one shard\'s training per round', () => {
    const marks: PhaseMark[] = [
      { at: s(0), phase: 'training', round: 0 }, { at: s(20), phase: 'committing', round: 0 },
      { at: s(24), phase: 'training', round: 1 }, { at: s(34), phase: 'committing', round: 1 }, { at: s(40), phase: 'done' }
    ]
    expect(overallRatio(roundSplits([marks], s(40)))).toBeCloseTo((4 + 6) / (20 + 10))
  })
})

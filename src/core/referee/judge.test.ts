import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { agreesWithSome, judgeAudit, judgeSplit, type RevealedReplica } from './judge.ts'

const A: Address = '0x00000000000000000000000000000000000000aa'
const B: Address = '0x00000000000000000000000000000000000000bb'
const C: Address = '0x00000000000000000000000000000000000000cc'
const reference = [1000, -2000, 3000, 0]
const near = (delta: number): number[] => reference.map((v) => v + delta)
const replicas = (...fps: number[][]): RevealedReplica[] => fps.map((fingerprint, replica) => ({ replica, provider: [A, B, C][replica]!, fingerprint }))

describe('judgeSplit', () => {
  it('names the replica that agrees with the re-execution the winner and slashes the one far from it', () => {
    const verdict = judgeSplit({ revealed: replicas(near(5), near(-1_000_000)), byteFaults: new Map(), reference, tolerance: 100, margin: 100 })
    expect(verdict).toMatchObject({ kind: 'verdict', winnersMask: 0b01 })
    expect(verdict.replicas[0]).toEqual({ replica: 0, provider: A, distance: 5 })
    expect(verdict.replicas[1]!.fault).toMatch(/1000000 from the re-execution's, beyond the tolerance 100 plus the margin 100/)
  })

  it('does not slash a replica beyond the tolerance but within the margin (GPU against CPU noise)', () => {
    const verdict = judgeSplit({ revealed: replicas(near(150), near(-190)), byteFaults: new Map(), reference, tolerance: 100, margin: 100 })
    expect(verdict).toMatchObject({ kind: 'verdict', winnersMask: 0b11 })
    expect(judgeSplit({ revealed: replicas(near(0), near(201)), byteFaults: new Map(), reference, tolerance: 100, margin: 100 })).toMatchObject({ winnersMask: 0b01 })
  })

  it('slashes a replica whose bytes are not what it revealed, however close its revealed fingerprint (attack: honest sketch over poisoned bytes)', () => {
    const verdict = judgeSplit({ revealed: replicas(near(0), near(0)), byteFaults: new Map([[1, 'its sealed delta opens to 0x01, not the committed 0x02']]), reference, tolerance: 100, margin: 100 })
    expect(verdict).toMatchObject({ kind: 'verdict', winnersMask: 0b01 })
    expect(verdict.replicas[1]!.fault).toMatch(/not what it revealed: its sealed delta opens/)
  })

  it('abstains when no fingerprint agrees with its own run: it cannot tell which replica is honest', () => {
    const verdict = judgeSplit({ revealed: replicas(near(5000), near(-5000)), byteFaults: new Map(), reference, tolerance: 100, margin: 100 })
    expect(verdict).toMatchObject({ kind: 'abstain', reason: 'no revealed fingerprint agrees with the re-execution' })
  })

  it('slashes every replica when all are caught by their bytes (an empty mask re-runs the shard)', () => {
    const faults = new Map([[0, 'x'], [1, 'y']])
    expect(judgeSplit({ revealed: replicas(near(0), near(0)), byteFaults: faults, reference, tolerance: 100, margin: 100 })).toMatchObject({ kind: 'verdict', winnersMask: 0 })
  })
})

describe('judgeAudit', () => {
  const judge = (...fps: number[][]): ReturnType<typeof judgeSplit> => judgeSplit({ revealed: replicas(...fps), byteFaults: new Map(), reference, tolerance: 100, margin: 100 })

  it('passes winners that agree with the re-execution and slashes the ones that do not (attack: colluders outvote the honest replica)', () => {
    const verdict = judge(near(0), near(-1_000_000), near(-1_000_000))
    expect(judgeAudit(verdict, 0b110, false)).toEqual({ kind: 'audit', winnersMask: 0b110, slashedMask: 0b110 })
    expect(judgeAudit(judge(near(3), near(-4)), 0b11, false)).toEqual({ kind: 'audit', winnersMask: 0b11, slashedMask: 0 })
  })

  it('abstains on an all-colluder shard until its runs of the task agreed with a replica elsewhere, then slashes both (attack: two colluders are the whole shard)', () => {
    const verdict = judge(near(-1_000_000), near(-1_000_000))
    expect(agreesWithSome(verdict)).toBe(false)
    expect(judgeAudit(verdict, 0b11, false)).toMatchObject({ kind: 'abstain' })
    expect(agreesWithSome(judge(near(2), near(-2)))).toBe(true)
    expect(judgeAudit(verdict, 0b11, true)).toEqual({ kind: 'audit', winnersMask: 0b11, slashedMask: 0b11 })
  })

  it('never slashes an outvoted replica, only the accepted winners', () => {
    expect(judgeAudit(judge(near(0), near(0), near(-1_000_000)), 0b011, false)).toEqual({ kind: 'audit', winnersMask: 0b011, slashedMask: 0 })
  })
})

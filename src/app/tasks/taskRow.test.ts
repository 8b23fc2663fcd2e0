import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { taskRowView } from './taskRow.ts'

const task = { currentRound: 0, rounds: 3, shards: 2, replication: 2, rewardPerResult: parseUnits('10.5', 18), creator: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const }

describe('taskRowView', () => {
  it('shows the round under way, the layout, the reward in MLB and a short creator', () => {
    expect(taskRowView(task)).toEqual({ round: '1 / 3', layout: '2 × 2', reward: '10.5', creator: '0x7099…79C8' })
  })

  it('never shows a round past the last one', () => {
    expect(taskRowView({ ...task, currentRound: 3 }).round).toBe('3 / 3')
  })
})

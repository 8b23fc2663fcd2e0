import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { taskRowView } from './taskRow.ts'

const task = { id: '3', name: 'Digits', currentRound: 0, rounds: 3, shards: 2, replication: 2, rewardPerResult: parseUnits('10.5', 18).toString(), creator: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' }

describe('taskRowView', () => {
  it('shows the name and number, the round under way, the layout, the reward in MLB and a short creator', () => {
    expect(taskRowView(task)).toEqual({ title: 'Digits #3', round: '1 / 3', layout: '2 × 2', reward: '10.5', creator: '0x7099…79C8' })
  })

  it('shows the first round before it starts, and never a round past the last one', () => {
    expect(taskRowView({ ...task, currentRound: null }).round).toBe('1 / 3')
    expect(taskRowView({ ...task, currentRound: 3 }).round).toBe('3 / 3')
  })

  it('shows the number alone for a task with no name', () => {
    expect(taskRowView({ ...task, name: ' ' }).title).toBe('#3')
  })
})

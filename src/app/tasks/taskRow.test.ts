import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { taskRowView } from './taskRow.ts'

const task = {
  id: '3', name: 'Digits', status: 'Running', currentRound: 0, rounds: 3, shards: 2, replication: 2, providerCount: 2, joinDeadline: '100', closeReason: null,
  rewardPerResult: parseUnits('10.5', 18).toString(), creator: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
} as const

describe('taskRowView', () => {
  it('shows the name and number, the layout, the reward in MLB and a short creator', () => {
    expect(taskRowView(task, 200)).toMatchObject({ title: 'Digits #3', layout: '2 × 2', reward: '10.5', creator: '0x7099…79C8' })
  })

  it('reads the round and the phase as the task page does', () => {
    expect(taskRowView(task, 200).phase).toMatchObject({ name: 'Running', round: '1 of 3', providers: '2 joined, 2 needed' })
    expect(taskRowView({ ...task, status: 'Joining', currentRound: null, providerCount: 1 }, 50).phase).toMatchObject({ name: 'Joining', round: 'not started' })
    expect(taskRowView({ ...task, status: 'Joining', currentRound: null, providerCount: 1 }, 100).phase.name).toBe('Expired')
    expect(taskRowView({ ...task, status: 'Cancelled', currentRound: null, providerCount: 1, closeReason: 'underSubscribed' }, 500).phase.name).toBe('Expired')
  })

  it('shows the number alone for a task with no name', () => {
    expect(taskRowView({ ...task, name: ' ' }, 200).title).toBe('#3')
  })
})

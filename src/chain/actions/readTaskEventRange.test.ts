import { toEventSelector, type AbiEvent } from 'viem'
import { describe, expect, it } from 'vitest'
import { abis } from '../generated/abis.ts'
import { TASK_TOPICS } from './readTaskEventRange.ts'

describe('readTaskEventRange', () => {
  it('asks the node for every protocol event that names a task, by the topic its id is', () => {
    const naming = Object.values(abis).flatMap((abi) => (abi as readonly AbiEvent[]).filter((item) => item.type === 'event' && item.inputs.some((input) => input.name === 'taskId')))
    expect(naming.length).toBeGreaterThan(30)
    // an event whose task id is not indexed could not be asked for: a task's log would miss it
    expect(naming.filter((event) => event.inputs.some((input) => input.name === 'taskId' && input.indexed !== true)).map((event) => event.name)).toEqual([])
    expect(new Set([...TASK_TOPICS.values()].flat())).toEqual(new Set(naming.map((event) => toEventSelector(event))))
    const position = (name: string): number => [...TASK_TOPICS].find(([, selectors]) => selectors.includes(toEventSelector(naming.find((e) => e.name === name)!)))![0]
    expect([position('Committed'), position('VersionProposed'), position('ModelCreated')]).toEqual([1, 2, 3])
  })
})

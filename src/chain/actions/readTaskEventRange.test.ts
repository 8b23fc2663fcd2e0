import { toEventSelector, type AbiEvent, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { abis } from '../generated/abis.ts'
import { selectorsByTopic, TASK_TOPICS, VERSION_TOPICS } from './readTaskEventRange.ts'

const events = Object.values(abis).flatMap((abi) => (abi as readonly AbiEvent[]).filter((item) => item.type === 'event'))
const selectorOf = (name: string): Hex => toEventSelector(events.find((e) => e.name === name)!)

describe('readTaskEventRange', () => {
  it('asks the node for every protocol event that names a task, by the topic its id is', () => {
    const naming = events.filter((event) => event.inputs.some((input) => input.name === 'taskId'))
    expect(naming.length).toBeGreaterThan(30)
    // an event whose task id is not indexed could not be asked for: a task's log would miss it
    expect(naming.filter((event) => event.inputs.some((input) => input.name === 'taskId' && input.indexed !== true)).map((event) => event.name)).toEqual([])
    expect(new Set([...TASK_TOPICS.values()].flat())).toEqual(new Set(naming.map((event) => toEventSelector(event))))
    const topicOf = (name: string): number | undefined => [...TASK_TOPICS].find(([, selectors]) => selectors.includes(selectorOf(name)))?.[0]
    expect([topicOf('Committed'), topicOf('VersionProposed'), topicOf('ModelCreated')]).toEqual([1, 2, 3])
  })

  it('asks for the events that name only a version by the topic the version is, and for nothing else by it', () => {
    const versionOnly = events.filter((event) => event.inputs.some((input) => input.name === 'versionId') && !event.inputs.some((input) => input.name === 'taskId'))
    expect(new Set([...VERSION_TOPICS.values()].flat())).toEqual(new Set(versionOnly.map((event) => toEventSelector(event))))
    expect(VERSION_TOPICS.get(1)).toContain(selectorOf('VersionConfirmed'))
    expect(VERSION_TOPICS.has(1) && !VERSION_TOPICS.has(0)).toBe(true)
  })

  it('groups selectors by the topic of the argument asked for, leaving out events where it is not indexed', () => {
    const event = (name: string, inputs: Array<[string, boolean]>): AbiEvent => ({ type: 'event', name, inputs: inputs.map(([n, indexed]) => ({ name: n, type: 'uint256', indexed })) })
    const byTopic = selectorsByTopic([
      event('A', [['key', true]]), event('B', [['other', true], ['key', true]]), event('C', [['key', false], ['other', true]]), event('D', [['other', true]])
    ], 'key')
    expect([...byTopic.keys()]).toEqual([1, 2])
    expect(byTopic.get(2)).toHaveLength(1)
  })
})

import { describe, expect, it } from 'vitest'
import { TimeSplit } from './metrics.ts'

describe('time split', () => {
  it('charges each interval between two steps to the first step\'s kind', () => {
    let now = 0
    const split = new TimeSplit(() => now)
    split.step('fetching')
    now = 1000
    split.step('training')
    now = 4000
    split.step('uploading')
    now = 4500
    split.step('committing')
    now = 5000
    split.step('waiting')
    now = 9000
    split.step('aggregating')
    now = 9250
    split.close()
    expect(split.seconds).toEqual({ transfer: 1.5, train: 3, chain: 0.5, wait: 4, aggregate: 0.25 })
  })
})

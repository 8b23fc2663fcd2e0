import { describe, expect, it } from 'vitest'
import { autoSettings, suggestHoldout, suggestShardLength } from './autoSettings.ts'
import { buildSpec, DEFAULT_FORM } from './taskForm.ts'
import { heldOutCount } from '../../provider/uploadedData.ts'

describe('autoSettings', () => {
  it('fits a small table that the default shard length refused (150 rows, 4 features, 3 classes)', () => {
    const shape = { name: 'iris', featureShape: [4], classes: 3 }
    const defaults = { ...shape, trainSamples: 150 - heldOutCount(150, Number(DEFAULT_FORM.holdoutFraction)) }
    expect(() => buildSpec(DEFAULT_FORM, defaults, 's')).toThrow(/Samples per shard: 2 shards of 1920 samples need more than the 135/)

    const auto = autoSettings(150, 2)
    expect(auto.holdoutFraction.value).toBe('0.3')
    expect(auto.samplesPerShard.value).toBe('52')
    const form = { ...DEFAULT_FORM, holdoutFraction: auto.holdoutFraction.value, samplesPerShard: auto.samplesPerShard.value }
    expect(() => buildSpec(form, { ...shape, trainSamples: 150 - heldOutCount(150, 0.3) }, 's')).not.toThrow()
    expect(auto.holdoutFraction.why).toBe('45 of 150 rows are held out to score versions: the most that leaves enough to train on, though so few make the score rough.')
    expect(auto.samplesPerShard.why).toBe('The 105 training rows are shared out between 2 shards of 52 each, so every round trains on nearly all of them.')
  })

  it('holds out a tenth of a mid-sized table, 250 rows at least and 10,000 at most', () => {
    expect(suggestHoldout(1000)).toMatchObject({ value: '0.25' })
    expect(suggestHoldout(1000).why).toMatch(/^250 of 1,000 rows.*too noisy/)
    expect(suggestHoldout(5000)).toEqual({ value: '0.1', why: 'A tenth of the 5,000 rows (500) is held out to score versions.' })
    expect(suggestHoldout(400_000)).toMatchObject({ value: '0.025' })
    expect(suggestHoldout(400_000).why).toMatch(/^10,000 of 400,000 rows/)
  })

  it('keeps the default shard of 1,920 samples when the data is large enough', () => {
    expect(autoSettings(400_000, 2).samplesPerShard.value).toBe('1920')
    expect(suggestShardLength(100, 4)).toMatchObject({ value: '25', why: expect.stringMatching(/all of them/) })
    expect(suggestShardLength(3, 8).value).toBe('1')
  })
})

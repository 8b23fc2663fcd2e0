import { describe, expect, it } from 'vitest'
import { FeatureRowError, parseFeatureRow, topClasses } from './prediction.ts'

describe('topClasses', () => {
  it('orders classes by probability and keeps k', () => {
    expect(topClasses([0.1, 0.6, 0.3], 2).map((c) => [c.label, c.probability])).toEqual([['1', 0.6], ['2', 0.3]])
    expect(topClasses([0.5, 0.5], 2, ['cat', 'dog']).map((c) => c.label)).toEqual(['cat', 'dog'])
  })
})

describe('parseFeatureRow', () => {
  it('parses numbers separated by commas or tabs', () => {
    expect([...parseFeatureRow(' 1, -2.5,3e1 ', 3)]).toEqual([1, -2.5, 30])
    expect([...parseFeatureRow('1\t2', 2)]).toEqual([1, 2])
  })

  it('names what is wrong', () => {
    expect(() => parseFeatureRow('', 3)).toThrow(FeatureRowError)
    expect(() => parseFeatureRow('1,2', 3)).toThrow('the model takes 3 features, the row has 2')
    expect(() => parseFeatureRow('1,x,3', 3)).toThrow('feature 2 ("x") is not a number')
    expect(() => parseFeatureRow('1,,3', 3)).toThrow('feature 2')
  })
})

import { describe, expect, it } from 'vitest'
import { confusionMatrix, rawFeatures, tabularModelOf } from './tabularModel.ts'

describe('tabularModelOf', () => {
  const arch = { inputShape: [2], classes: 2 }
  const table = { columns: ['a', 'b'], label: 'kind', classes: ['no', 'yes'], scale: { mean: [1, 2], std: [3, 4] } }

  it('reads the columns, label, classes and scaling a manifest records', () => {
    expect(tabularModelOf({ format: 'binary', ...table }, arch, 'm')).toEqual({
      classNames: ['no', 'yes'], table: { columns: ['a', 'b'], label: 'kind', classNames: ['no', 'yes'], scale: { mean: [1, 2], std: [3, 4] } }
    })
  })

  it('keeps the class names of a data set that records no table, and nothing of names that do not fit', () => {
    expect(tabularModelOf({ format: 'binary', classes: ['no', 'yes'] }, arch, 'm')).toEqual({ classNames: ['no', 'yes'] })
    expect(tabularModelOf({ format: 'binary', classes: ['a', 'b', 'c'] }, arch, 'm')).toEqual({})
  })

  it('refuses a table that does not fit the model', () => {
    expect(() => tabularModelOf({ format: 'binary', ...table }, { inputShape: [3], classes: 2 }, 'manifest m')).toThrow('manifest m describes 2 feature columns, the model takes [3]')
    expect(() => tabularModelOf({ format: 'binary', ...table }, { inputShape: [2], classes: 3 }, 'manifest m')).toThrow("not the model's 3 class names")
  })
})

describe('rawFeatures', () => {
  it('parses each column\'s value', () => {
    expect(rawFeatures([' 5.1', '-2e1'], ['a', 'b'])).toEqual([5.1, -20])
  })

  it('names the column of an empty or non-numeric value', () => {
    expect(() => rawFeatures(['1', ' '], ['a', 'b'])).toThrow('enter a value for "b"')
    expect(() => rawFeatures(['x1', '2'], ['a', 'b'])).toThrow('"a" is not a number ("x1")')
  })
})

describe('confusionMatrix', () => {
  it('counts each label against the most probable class, the first of equal ones', () => {
    const probabilities = Float32Array.from([0.7, 0.3, 0.2, 0.8, 0.5, 0.5, 0.1, 0.9])
    expect(confusionMatrix(probabilities, Int32Array.from([0, 0, 1, 1]), 2)).toEqual([[1, 1], [1, 1]])
    expect(confusionMatrix(probabilities, Int32Array.from([0, 1, 0, 1]), 2)).toEqual([[2, 0], [0, 2]])
  })

  it('refuses probabilities that are not one row per label', () => {
    expect(() => confusionMatrix(new Float32Array(3), new Int32Array(2), 2)).toThrow('expected 4 probabilities for 2 samples, got 3')
  })
})

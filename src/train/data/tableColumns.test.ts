import { describe, expect, it } from 'vitest'
import { MAX_CLASSES, shuffledOrder, sortedClasses, TableColumns } from './tableColumns.ts'

function table (rows: string[][], header = ['a', 'b', 'kind']): TableColumns {
  const t = new TableColumns(header)
  rows.forEach((cells, i) => { t.add(cells, i + 2) })
  return t
}

describe('TableColumns', () => {
  it('tells numbers, a few values, text and empty columns apart, with their first odd cells', () => {
    const t = table([['1', 'x', 'cat', ''], ['2.5', '', 'dog', ''], ['-3e2', 'y', 'cat', '']], ['n', 'mixed', 'kind', 'none'])
    const [n, mixed, kind, none] = t.stats().columns
    expect(n).toMatchObject({ kind: 'number', numbers: 3, empty: 0 })
    expect(mixed).toMatchObject({ kind: 'category', empty: 1, firstEmptyRow: 3, firstText: { row: 2, value: 'x' } })
    expect(kind?.values).toEqual([{ value: 'cat', count: 2 }, { value: 'dog', count: 1 }])
    expect(none?.kind).toBe('empty')
  })

  it('stops counting values past MAX_CLASSES: such a column is text, not classes', () => {
    const t = table(Array.from({ length: MAX_CLASSES + 1 }, (_, i) => ['1', '2', `name${i}`]))
    expect(t.stats().columns[2]).toMatchObject({ kind: 'text' })
    expect(t.stats().columns[2]?.values).toBeUndefined()
    expect(() => t.samples('kind', 1)).toThrow(/not a label column/)
  })

  it('skips rows of the wrong length, counting them, and keeps a preview', () => {
    const t = table([['1', '2', 'x'], ['1', '2'], ['3', '4', 'y'], ['1', '2', 'z', '9']])
    const stats = t.stats()
    expect(stats.rows).toBe(2)
    expect(stats.ragged).toEqual({ count: 2, first: { row: 3, cells: 2 } })
    expect(stats.preview).toEqual([['a', 'b', 'kind'], ['1', '2', 'x'], ['3', '4', 'y']])
  })

  it('gives z-scored features and sorted classes, in the seeded order', () => {
    const t = table([['1', '10', 'b'], ['3', '10', 'a'], ['5', '10', 'b'], ['7', '10', 'c']])
    const source = t.samples('kind', 7)
    expect(source).toMatchObject({ count: 4, featureShape: [2], classes: 3, classNames: ['a', 'b', 'c'] })
    const order = shuffledOrder(4, 7)
    const out = new Float32Array(2)
    const std = Math.sqrt(5)
    for (let i = 0; i < 4; i++) {
      source.features(i, out, 0)
      const row = order[i]!
      expect(out[0]).toBeCloseTo((1 + 2 * row - 4) / std, 5)
      // a constant column stays at zero
      expect(out[1]).toBe(0)
      expect(source.label(i)).toBe([1, 0, 1, 2][row])
    }
  })

  it('describes what it packs: the feature columns, the label, the classes and the scaling', () => {
    const source = table([['1', '10', 'b'], ['3', '10', 'a'], ['5', '10', 'b'], ['7', '10', 'c']]).samples('kind', 7)
    expect(source.description).toEqual({ columns: ['a', 'b'], label: 'kind', classNames: ['a', 'b', 'c'], scale: { mean: [4, 10], std: [Math.sqrt(5), 1] } })
  })

  it('refuses a feature column with text or empty cells', () => {
    expect(() => table([['1', 'x', 'a'], ['2', '3', 'b']]).samples('kind', 1)).toThrow(/column "b".*not numbers/)
    expect(() => table([['1', '', 'a'], ['2', '3', 'b']]).samples('kind', 1)).toThrow(/column "b"/)
  })
})

describe('TableColumns.modelSamples', () => {
  const model = { columns: ['a', 'b'], label: 'kind', classNames: ['x', 'y'], scale: { mean: [2, 0], std: [2, 1] } }

  it('takes the model\'s columns by name, in its order, scaled as at upload, with labels by class name', () => {
    // the file's columns in another order, with one the model does not take
    const t = table([['5', 'y', '4', 'note'], ['-1', 'x', '0', 'note']], ['b', 'kind', 'a', 'comment'])
    const { x, labels } = t.modelSamples(model)
    expect([...x]).toEqual([1, 5, -1, -1])
    expect([...labels]).toEqual([1, 0])
  })

  it('names the missing columns', () => {
    expect(() => table([['1', 'x']], ['a', 'kind']).modelSamples(model)).toThrow('the file: has no column "b"; the model takes "a", "b" with the label in "kind"')
    expect(() => table([['1', '2']], ['a', 'b']).modelSamples(model)).toThrow('has no column "kind"')
  })

  it('names the row and column of a cell that is not a number, or is empty', () => {
    expect(() => table([['1', '2', 'x'], ['1', 'two', 'y']]).modelSamples(model)).toThrow('row 3, column "b": "two" is not a number')
    expect(() => table([['1', '2', 'x'], ['', '2', 'y'], ['1', 'z', 'x']]).modelSamples(model)).toThrow('row 3, column "a": the cell is empty')
  })

  it('names the row of a label the model does not know', () => {
    expect(() => table([['1', '2', 'x'], ['1', '2', 'y'], ['1', '2', 'z']]).modelSamples(model)).toThrow('row 4: the label "z" is not one of the model\'s classes (x, y)')
  })

  it('refuses rows of the wrong length and an empty file', () => {
    expect(() => table([['1', '2', 'x'], ['1', '2']]).modelSamples(model)).toThrow('row 3: has 2 cells, the header has 3')
    expect(() => table([]).modelSamples(model)).toThrow('the file: has no data rows')
  })
})

describe('sortedClasses', () => {
  it('sorts numbers as numbers and names as text', () => {
    expect(sortedClasses(['10', '9', '10'])).toEqual(['9', '10'])
    expect(sortedClasses(['virginica', 'setosa'])).toEqual(['setosa', 'virginica'])
  })
})

describe('shuffledOrder', () => {
  it('is a permutation, the same for the same seed', () => {
    const a = shuffledOrder(50, 1)
    expect(a).toEqual(shuffledOrder(50, 1))
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(a).not.toEqual(shuffledOrder(50, 2))
  })
})

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

  it('refuses a feature column with text or empty cells', () => {
    expect(() => table([['1', 'x', 'a'], ['2', '3', 'b']]).samples('kind', 1)).toThrow(/column "b".*not numbers/)
    expect(() => table([['1', '', 'a'], ['2', '3', 'b']]).samples('kind', 1)).toThrow(/column "b"/)
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

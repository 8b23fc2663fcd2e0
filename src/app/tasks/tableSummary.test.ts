import { describe, expect, it } from 'vitest'
import { TableColumns } from '../../train/data/tableColumns.ts'
import { defaultLabelColumn, summarizeTable } from './tableSummary.ts'

function read (header: string[], rows: string[][]): { stats: ReturnType<TableColumns['stats']> } {
  const t = new TableColumns(header)
  rows.forEach((cells, i) => { t.add(cells, i + 2) })
  return { stats: t.stats() }
}

const iris = read(['sepal', 'petal', 'species'], [['5.1', '1.4', 'setosa'], ['7.0', '4.7', 'versicolor'], ['6.3', '6.0', 'virginica'], ['4.9', '1.4', 'setosa']])

describe('summarizeTable', () => {
  it('sums up a good table: rows, columns and their roles, the classes with their rows', () => {
    const summary = summarizeTable(iris, 'species', 'iris.csv')
    expect(summary.problems).toEqual([])
    expect(summary.rows).toBe(4)
    expect(summary.columns).toEqual([
      { name: 'sepal', kind: 'number', role: 'feature' },
      { name: 'petal', kind: 'number', role: 'feature' },
      { name: 'species', kind: 'category', role: 'label' }
    ])
    expect(summary.label).toEqual({ name: 'species', classes: [{ name: 'setosa', count: 2 }, { name: 'versicolor', count: 1 }, { name: 'virginica', count: 1 }] })
  })

  it('puts a missing label column on the label field, naming the columns there are', () => {
    const summary = summarizeTable(iris, 'label', 'iris.csv')
    expect(summary.problems).toEqual([
      { field: 'csvLabel', message: 'iris.csv has no column "label". Its columns are "sepal", "petal", "species".' },
      { field: 'csvFile', message: 'Column "species" holds text ("setosa" in row 2), not numbers: remove the column, or choose it as the label.' }
    ])
    expect(summary.label).toBeUndefined()
  })

  it('puts text and empty cells among the features on the file, by column and row', () => {
    const summary = summarizeTable(read(['a', 'b', 'y'], [['1', 'x', '0'], ['', '2', '1'], ['', '3', '1']]), 'y', 'd.csv')
    expect(summary.problems.map((p) => [p.field, p.message])).toEqual([
      ['csvFile', 'Column "a" has 2 empty cells (the first in row 3): fill them in or remove those rows.'],
      ['csvFile', 'Column "b" holds text ("x" in row 2), not numbers: remove the column, or choose it as the label.']
    ])
  })

  it('refuses a label of one class, or of too many values, or with empty cells', () => {
    expect(summarizeTable(read(['a', 'y'], [['1', 'k'], ['2', 'k']]), 'y', 'd.csv').problems).toEqual([
      { field: 'csvLabel', message: 'Column "y" has the same value ("k") in every row; a label needs at least two classes.' }
    ])
    const many = read(['a', 'y'], Array.from({ length: 300 }, (_, i) => ['1', String(i / 3)]))
    expect(summarizeTable(many, 'y', 'd.csv').problems[0]?.message).toMatch(/more than 256 different values/)
    expect(summarizeTable(read(['a', 'y'], [['1', 'k'], ['2', ''], ['3', 'j']]), 'y', 'd.csv').problems).toEqual([
      { field: 'csvLabel', message: '1 row has no label (the first is row 3): fill it in or remove that row.' }
    ])
  })

  it('reports rows of the wrong length, duplicate names, unclosed quotes and an empty file', () => {
    const ragged = read(['a', 'a', 'y'], [['1', '2', 'k'], ['1', 'j'], ['3', '4', 'j'], ['1']])
    expect(summarizeTable({ ...ragged, quoteError: { row: 9, message: 'Quoted field unterminated' } }, 'y', 'd.csv').problems.map((p) => p.message)).toEqual([
      'Row 9: quoted field unterminated; check the quotes around its values.',
      'The header names "a" twice: give each column its own name.',
      'Row 3 has 2 values but the header names 3 columns (2 rows like this).'
    ])
    expect(summarizeTable(read(['a', 'y'], []), 'y', 'd.csv').problems[0]?.message).toBe('d.csv has a header but no rows of data.')
    expect(summarizeTable(read(['a', 'y'], [['1', 'k']]), 'y', 'd.csv').problems[0]?.message).toMatch(/^d.csv has one row of data/)
  })
})

describe('defaultLabelColumn', () => {
  it('is a column named label, else the last', () => {
    expect(defaultLabelColumn(['Label', 'x'])).toBe('Label')
    expect(defaultLabelColumn(['x', 'species '])).toBe('species')
  })
})

/**
 * What the wizard says about a CSV file once it is read: its rows and columns, what each column
 * holds, the label and its classes, and every problem, in words about the file (columns by their
 * names, rows by their numbers in it) and tied to the input that can fix it.
 */
import { MAX_CLASSES, sortedClasses, type ColumnKind } from '../../train/data/tableColumns.ts'
import type { TableRead } from './tableReader.ts'

/** The inputs a problem can be fixed at: the file itself, or the choice of label column. */
export type TableField = 'csvFile' | 'csvLabel'

export interface TableProblem { field: TableField, message: string }

export interface TableSummary {
  rows: number
  columns: Array<{ name: string, kind: ColumnKind, role: 'feature' | 'label' }>
  /** the label column and its classes with their rows; absent when the label column is not usable */
  label?: { name: string, classes: Array<{ name: string, count: number }> }
  problems: TableProblem[]
}

/** The label column a file suggests: one named "label" (any case), else the last one. */
export function defaultLabelColumn (header: readonly string[]): string {
  return header.find((name) => name.trim().toLowerCase() === 'label')?.trim() ?? header.at(-1)?.trim() ?? ''
}

const quoted = (text: string): string => `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`
const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`

/** Lists at most three names, then how many more. */
function some (names: string[]): string {
  const shown = names.slice(0, 3).map(quoted).join(', ')
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown
}

export function summarizeTable ({ stats, quoteError }: TableRead, labelColumn: string, fileName: string): TableSummary {
  const problems: TableProblem[] = []
  const file = (message: string): void => { problems.push({ field: 'csvFile', message }) }
  const labelProblem = (message: string): void => { problems.push({ field: 'csvLabel', message }) }
  const label = labelColumn.trim()
  const names = stats.columns.map((c) => c.name)

  if (quoteError !== undefined) file(`Row ${quoteError.row}: ${quoteError.message.toLowerCase()}; check the quotes around its values.`)
  if (stats.columns.length < 2) file(`${fileName} has ${plural(stats.columns.length, 'column')}; a table needs a header row naming at least one feature column and the label column.`)
  if (stats.rows === 0) file(`${fileName} has a header but no rows of data.`)
  if (stats.rows === 1) file(`${fileName} has one row of data; a task needs rows to train on and rows to score versions with.`)
  const blank = names.filter((n) => n === '').length
  if (blank > 0) file(`${plural(blank, 'column has', 'columns have')} no name in the header row: name ${blank === 1 ? 'it' : 'them'}.`)
  const twice = [...new Set(names.filter((n, i) => n !== '' && names.indexOf(n) !== i))]
  if (twice.length > 0) file(`The header names ${some(twice)} twice: give each column its own name.`)
  if (stats.ragged.first !== undefined) {
    const { row, cells } = stats.ragged.first
    file(`Row ${row} has ${plural(cells, 'value')} but the header names ${plural(stats.columns.length, 'column')}${stats.ragged.count > 1 ? ` (${plural(stats.ragged.count, 'row')} like this)` : ''}.`)
  }

  const labelStats = stats.columns.find((c) => c.name === label)
  if (label === '') labelProblem('Name the column that holds the label.')
  else if (labelStats === undefined) labelProblem(`${fileName} has no column ${quoted(label)}. Its columns are ${names.map(quoted).join(', ')}.`)

  for (const column of stats.columns) {
    if (column === labelStats) continue
    if (column.firstText !== undefined) {
      file(`Column ${quoted(column.name)} holds text (${quoted(column.firstText.value)} in row ${column.firstText.row}), not numbers: remove the column, or choose it as the label.`)
    } else if (column.empty > 0) {
      file(`Column ${quoted(column.name)} has ${plural(column.empty, 'empty cell')} (the first in row ${column.firstEmptyRow ?? '?'}): fill ${column.empty === 1 ? 'it' : 'them'} in or remove ${column.empty === 1 ? 'that row' : 'those rows'}.`)
    }
  }

  let classes: NonNullable<TableSummary['label']>['classes'] | undefined
  if (labelStats !== undefined) {
    if (labelStats.values === undefined) {
      labelProblem(`Column ${quoted(label)} has more than ${MAX_CLASSES} different values: a label column holds a few classes. Choose another column.`)
    } else {
      const counts = new Map(labelStats.values.filter((v) => v.value !== '').map((v) => [v.value, v.count]))
      classes = sortedClasses([...counts.keys()]).map((name) => ({ name, count: counts.get(name)! }))
      if (labelStats.empty > 0) labelProblem(`${plural(labelStats.empty, 'row has', 'rows have')} no label (the first is row ${labelStats.firstEmptyRow ?? '?'}): fill ${labelStats.empty === 1 ? 'it' : 'them'} in or remove ${labelStats.empty === 1 ? 'that row' : 'those rows'}.`)
      if (classes.length === 1) labelProblem(`Column ${quoted(label)} has the same value (${quoted(classes[0]!.name)}) in every row; a label needs at least two classes.`)
    }
  }

  return {
    rows: stats.rows,
    columns: stats.columns.map((c) => ({ name: c.name, kind: c.kind, role: c === labelStats ? 'label' : 'feature' })),
    ...(labelStats === undefined || classes === undefined ? {} : { label: { name: label, classes } }),
    problems
  }
}

/** The summary's one-line account of a column: what it holds. */
export function describeKind (kind: ColumnKind): string {
  switch (kind) {
    case 'number': return 'numbers'
    case 'category': return 'a few values'
    case 'text': return 'text'
    case 'empty': return 'empty'
  }
}

/**
 * A table read row by row into columns, as a streaming CSV parser hands its rows over: every cell
 * as a float32 (NaN where it is not a number), and, while a column has few distinct values, each
 * cell's value as a code into them, so any column can become the label after the file is read.
 * Nothing of the text is kept but a short preview, so a large file is held about once, as numbers.
 */
import { Rng } from '../../core/random.ts'
import type { SampleSource } from './datasetBlob.ts'
import { DataFormatError } from '../errors.ts'
import { columnScale, scaledFeature, type TableScale } from './tableScale.ts'

/** A column with more distinct values than this is a measurement or free text, not a set of classes. */
export const MAX_CLASSES = 256

/** Rows of the file shown as they are read. */
export const PREVIEW_ROWS = 5

export type ColumnKind = 'number' | 'category' | 'text' | 'empty'

/** What one column holds, for the summary. Rows are numbered as in the file: the header is row 1. */
export interface ColumnStats {
  name: string
  kind: ColumnKind
  /** cells that hold a number */
  numbers: number
  /** empty cells, and the first one's row */
  empty: number
  firstEmptyRow?: number
  /** the first cell that is not a number, and its row */
  firstText?: { row: number, value: string }
  /** each distinct value with its count, in order of first appearance; absent past MAX_CLASSES */
  values?: Array<{ value: string, count: number }>
}

export interface TableStats {
  header: string[]
  /** data rows kept (those with as many cells as the header) */
  rows: number
  columns: ColumnStats[]
  /** rows whose number of cells differs from the header's: skipped */
  ragged: { count: number, first?: { row: number, cells: number } }
  /** the header and the first data rows, as text */
  preview: string[][]
}

class Column {
  values = new Float32Array(1024)
  codes: Int32Array | undefined = new Int32Array(1024)
  dictionary: Map<string, number> | undefined = new Map()
  counts: number[] = []
  /** the row each value first appears in */
  firstRows: number[] = []
  numbers = 0
  empty = 0
  firstEmptyRow: number | undefined
  firstText: { row: number, value: string } | undefined

  constructor (readonly name: string) {}

  add (at: number, cell: string, row: number): void {
    if (at === this.values.length) this.grow()
    const value = cell.trim()
    if (value === '') {
      this.empty++
      this.firstEmptyRow ??= row
      this.values[at] = Number.NaN
    } else {
      const number = Number(value)
      if (Number.isFinite(number)) this.numbers++
      else this.firstText ??= { row, value }
      this.values[at] = Number.isFinite(number) ? number : Number.NaN
    }
    if (this.dictionary === undefined || this.codes === undefined) return
    let code = this.dictionary.get(value)
    if (code === undefined) {
      if (this.dictionary.size === MAX_CLASSES) {
        // Too many values to be classes: stop keeping codes for this column.
        this.dictionary = undefined
        this.codes = undefined
        this.counts = []
        this.firstRows = []
        return
      }
      code = this.dictionary.size
      this.dictionary.set(value, code)
      this.counts.push(0)
      this.firstRows.push(row)
    }
    this.codes[at] = code
    this.counts[code]!++
  }

  private grow (): void {
    const values = new Float32Array(this.values.length * 2)
    values.set(this.values)
    this.values = values
    if (this.codes !== undefined) {
      const codes = new Int32Array(this.codes.length * 2)
      codes.set(this.codes)
      this.codes = codes
    }
  }

  stats (): ColumnStats {
    const texts = this.firstText !== undefined
    const kind: ColumnKind = this.numbers === 0 && !texts ? 'empty' : !texts ? 'number' : this.dictionary !== undefined ? 'category' : 'text'
    return {
      name: this.name,
      kind,
      numbers: this.numbers,
      empty: this.empty,
      ...(this.firstEmptyRow === undefined ? {} : { firstEmptyRow: this.firstEmptyRow }),
      ...(this.firstText === undefined ? {} : { firstText: this.firstText }),
      ...(this.dictionary === undefined ? {} : { values: [...this.dictionary.keys()].map((value, i) => ({ value, count: this.counts[i]! })) })
    }
  }
}

export class TableColumns {
  private readonly columns: Column[]
  private rows = 0
  private readonly ragged: TableStats['ragged'] = { count: 0 }
  private readonly preview: string[][]

  constructor (readonly header: string[]) {
    this.columns = header.map((name) => new Column(name.trim()))
    this.preview = [header]
  }

  /** Adds one data row; `row` is its number in the file (the header is row 1). */
  add (cells: string[], row: number): void {
    if (cells.length !== this.columns.length) {
      this.ragged.count++
      this.ragged.first ??= { row, cells: cells.length }
      return
    }
    for (let c = 0; c < cells.length; c++) this.columns[c]!.add(this.rows, cells[c]!, row)
    if (this.preview.length <= PREVIEW_ROWS) this.preview.push(cells)
    this.rows++
  }

  stats (): TableStats {
    return { header: this.header, rows: this.rows, columns: this.columns.map((c) => c.stats()), ragged: { ...this.ragged }, preview: this.preview }
  }

  /**
   * The table as samples: `label` names the label column, every other column is a feature,
   * z-scored with its own mean and spread; the rows in a seeded random order (see `shuffledOrder`).
   * The label's distinct values, sorted, are the classes. Throws on a cell that is not a number.
   */
  samples (label: string, seed: number): TableSamples {
    const labelAt = this.columns.findIndex((c) => c.name === label)
    const labels = this.columns[labelAt]
    if (labels?.codes === undefined || labels.dictionary === undefined) throw new DataFormatError(`column "${label}"`, 'is not a label column of a few classes')
    const features = this.columns.filter((_, i) => i !== labelAt)
    const bad = features.find((c) => c.numbers !== this.rows)
    if (bad !== undefined) throw new DataFormatError(`column "${bad.name}"`, 'has cells that are not numbers')
    const classNames = sortedClasses([...labels.dictionary.keys()])
    const classOf = classCodes(labels.dictionary, classNames)
    const columnScales = features.map((c) => columnScale(c.values.subarray(0, this.rows)))
    const scale = { mean: columnScales.map((s) => s.mean), std: columnScales.map((s) => s.std) }
    const order = shuffledOrder(this.rows, seed)
    const codes = labels.codes
    return {
      count: this.rows,
      featureShape: [features.length],
      classes: classNames.length,
      classNames,
      description: { columns: features.map((c) => c.name), label, classNames, scale },
      features: (i, out, at) => {
        const row = order[i]!
        for (let f = 0; f < features.length; f++) out[at + f] = scaledFeature(features[f]!.values[row]!, scale, f)
      },
      label: (i) => classOf[codes[order[i]!]!]!
    }
  }

  /**
   * The table as a model described by `model` takes it, rows in file order: its feature columns
   * (found by name, in the model's order; others are ignored) scaled as at upload, and its label
   * column as class indices. Throws naming the first problem: a missing column, a row of the wrong
   * length, a cell that is not a number, a label the model does not know.
   */
  modelSamples (model: TableDescription): { x: Float32Array, labels: Int32Array } {
    const byName = new Map(this.columns.map((c) => [c.name, c]))
    const missing = [...model.columns, model.label].filter((name) => !byName.has(name))
    if (missing.length > 0) {
      throw new DataFormatError('the file', `has no column ${missing.map((n) => `"${n}"`).join(', ')}; the model takes ${model.columns.map((n) => `"${n}"`).join(', ')} with the label in "${model.label}"`)
    }
    if (this.ragged.first !== undefined) throw new DataFormatError(`row ${this.ragged.first.row}`, `has ${this.ragged.first.cells} cells, the header has ${this.columns.length}`)
    if (this.rows === 0) throw new DataFormatError('the file', 'has no data rows')
    const features = model.columns.map((name) => byName.get(name)!)
    for (const column of features) {
      const where = [column.firstText?.row, column.firstEmptyRow].filter((r) => r !== undefined).sort((a, b) => a - b)[0]
      if (where !== undefined) {
        const what = where === column.firstText?.row ? `"${column.firstText.value}" is not a number` : 'the cell is empty'
        throw new DataFormatError(`row ${where}, column "${column.name}"`, what)
      }
    }
    const labels = byName.get(model.label)!
    if (labels.codes === undefined || labels.dictionary === undefined) {
      throw new DataFormatError(`column "${model.label}"`, `has more than ${MAX_CLASSES} distinct values; the model has ${model.classNames.length} classes`)
    }
    const classOf = classCodes(labels.dictionary, model.classNames)
    const unknown = classOf.findIndex((c) => c === -1)
    if (unknown !== -1) {
      const value = [...labels.dictionary.keys()][unknown]!
      throw new DataFormatError(`row ${labels.firstRows[unknown]!}`, `the label "${value}" is not one of the model's classes (${model.classNames.join(', ')})`)
    }
    const size = features.length
    const x = new Float32Array(this.rows * size)
    for (let row = 0; row < this.rows; row++) {
      for (let f = 0; f < size; f++) x[row * size + f] = scaledFeature(features[f]!.values[row]!, model.scale, f)
    }
    return { x, labels: Int32Array.from(labels.codes.subarray(0, this.rows), (code) => classOf[code]!) }
  }
}

/** What a model trained on a table was trained on: its feature columns, its label and its classes, and the scaling. */
export interface TableDescription {
  /** the feature columns, in feature order */
  columns: string[]
  label: string
  classNames: string[]
  scale: TableScale
}

export interface TableSamples extends SampleSource {
  classNames: string[]
  description: TableDescription
}

/** Each of a label column's values (by its code) as an index into `classNames`, -1 where it is none. */
function classCodes (dictionary: Map<string, number>, classNames: readonly string[]): Int32Array {
  return Int32Array.from(dictionary.keys(), (name) => classNames.indexOf(name))
}

/** Class names in order: numerically when every one is a number, else as strings. */
export function sortedClasses (labels: readonly string[]): string[] {
  const unique = [...new Set(labels)]
  const numeric = unique.every((l) => Number.isFinite(Number(l)))
  return unique.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined)
}

/**
 * 0..count-1 in a seeded random order (Fisher-Yates). Tables are often sorted and providers hold
 * out the *last* samples to score versions: stored in this order, the held-out tail has every class.
 */
export function shuffledOrder (count: number, seed: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i)
  const rng = new Rng(seed)
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1)
    const swap = order[i]!
    order[i] = order[j]!
    order[j] = swap
  }
  return order
}

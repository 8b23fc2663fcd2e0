/**
 * A table read row by row into columns, as a streaming CSV parser hands its rows over: every cell
 * as a float32 (NaN where it is not a number), and, while a column has few distinct values, each
 * cell's value as a code into them, so any column can become the label after the file is read.
 * Nothing of the text is kept but a short preview, so a large file is held about once, as numbers.
 */
import { Rng } from '../../core/random.ts'
import type { SampleSource } from './datasetBlob.ts'
import { DataFormatError } from '../errors.ts'

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
        return
      }
      code = this.dictionary.size
      this.dictionary.set(value, code)
      this.counts.push(0)
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
  samples (label: string, seed: number): SampleSource {
    const labelAt = this.columns.findIndex((c) => c.name === label)
    const labels = this.columns[labelAt]
    if (labels?.codes === undefined || labels.dictionary === undefined) throw new DataFormatError(`column "${label}"`, 'is not a label column of a few classes')
    const features = this.columns.filter((_, i) => i !== labelAt)
    const bad = features.find((c) => c.numbers !== this.rows)
    if (bad !== undefined) throw new DataFormatError(`column "${bad.name}"`, 'has cells that are not numbers')
    const names = [...labels.dictionary.keys()]
    const classNames = sortedClasses(names)
    const classOf = Int32Array.from(names, (name) => classNames.indexOf(name))
    const scale = features.map((c) => columnScale(c.values.subarray(0, this.rows)))
    const order = shuffledOrder(this.rows, seed)
    const codes = labels.codes
    return {
      count: this.rows,
      featureShape: [features.length],
      classes: classNames.length,
      classNames,
      features: (i, out, at) => {
        const row = order[i]!
        for (let f = 0; f < features.length; f++) out[at + f] = (features[f]!.values[row]! - scale[f]!.mean) / scale[f]!.std
      },
      label: (i) => classOf[codes[order[i]!]!]!
    }
  }
}

/** Class names in order: numerically when every one is a number, else as strings. */
export function sortedClasses (labels: readonly string[]): string[] {
  const unique = [...new Set(labels)]
  const numeric = unique.every((l) => Number.isFinite(Number(l)))
  return unique.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined)
}

function columnScale (values: Float32Array): { mean: number, std: number } {
  let sum = 0
  for (const v of values) sum += v
  const mean = sum / values.length
  let sq = 0
  for (const v of values) sq += (v - mean) ** 2
  // A constant column carries no information; dividing by 1 keeps it at zero instead of NaN.
  return { mean, std: Math.sqrt(sq / values.length) || 1 }
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

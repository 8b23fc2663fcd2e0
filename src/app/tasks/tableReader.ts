/**
 * The CSV reader the wizard runs in a worker (workers/table.worker.ts), so a large file never
 * holds up the page: the file is streamed in slices, decoded as UTF-8 and cut into rows by Papa
 * Parse, and each row goes straight into columns of numbers (`TableColumns`); then, on Publish,
 * the columns are packed into the shards to store and the data set's hash. The model viewer reads
 * a held-out file the same way and takes it as a trained model's samples.
 */
import * as Comlink from 'comlink'
import Papa from 'papaparse'
import { packDataset, type PackedDataset } from '../../train/data/datasetBlob.ts'
import { TableColumns, type TableDescription, type TableStats } from '../../train/data/tableColumns.ts'
import { DataFormatError } from '../../train/errors.ts'

/** Bytes parsed at a time: large enough that a slice's overhead is nothing, small enough for smooth progress. */
const SLICE_BYTES = 1024 * 1024

/** Progress goes to the page at most this often: each report costs the page a render. */
const PROGRESS_MS = 250

export interface ReadProgress { bytes: number, total: number }

export interface TableRead {
  stats: TableStats
  /** the first quoting error, if any: a quoted value never closed, or text after a closing quote */
  quoteError?: { row: number, message: string }
}

export interface PackRequest { label: string, seed: number, maxShardBytes: number }

export interface PackedTable extends PackedDataset {
  count: number
  featureShape: number[]
  classes: number
  classNames: string[]
  /** the columns, classes and scaling, for the manifest: what a viewer needs to take the table's own values */
  description: TableDescription
}

/** Samples laid out for a model: `x` the scaled features of each row in turn, `labels` class indices. */
export interface ModelSamples { x: Float32Array, labels: Int32Array }

export interface TableReaderApi {
  /** Reads `file`, replacing any table read before. */
  read: (file: Blob, onProgress: (p: ReadProgress) => void) => Promise<TableRead>
  /** The table read last as shards (transferred, not copied) with its hash; `onProgress` gets the share done. */
  pack: (request: PackRequest, onProgress: (done: number) => void) => Promise<PackedTable>
  /** The table read last as the samples of the model `model` describes (TableColumns.modelSamples), transferred. */
  modelSamples: (model: TableDescription) => Promise<ModelSamples>
}

/** The line break of a file, from its first bytes: CSV files from Windows and old Macs differ. */
function lineBreak (text: string): '\r\n' | '\r' | '\n' {
  const r = text.indexOf('\r')
  const n = text.indexOf('\n')
  if (r === -1 || (n !== -1 && n < r)) return '\n'
  return n === r + 1 ? '\r\n' : '\r'
}

/** Papa Parse's row parser over a stream of text that arrives in pieces. */
export class CsvRows {
  private parser: Papa.Parser | undefined
  private rest = ''
  private row = 0
  private table: TableColumns | undefined
  quoteError: TableRead['quoteError']

  /** Parses every complete row in `text` (after what was left over); `last` for the end of the file. */
  push (text: string, last: boolean): void {
    const input = this.rest + text
    this.parser ??= new Papa.Parser({ delimiter: ',', newline: lineBreak(input) })
    const result = this.parser.parse(input, 0, !last) as { data: string[][], errors: Array<{ row?: number, message: string }>, meta: { cursor: number } }
    this.rest = last ? '' : input.substring(result.meta.cursor)
    const firstError = result.errors[0]
    if (firstError !== undefined && this.quoteError === undefined) this.quoteError = { row: this.row + (firstError.row ?? 0) + 1, message: firstError.message }
    for (const cells of result.data) {
      this.row++
      // An empty line is one empty cell: skipped, but counted, so rows keep the file's numbers.
      if (cells.length === 1 && cells[0]!.trim() === '') continue
      if (this.table === undefined) this.table = new TableColumns(cells)
      else this.table.add(cells, this.row)
    }
  }

  columns (source: string): TableColumns {
    if (this.table === undefined) throw new DataFormatError(source, 'is empty')
    return this.table
  }
}

export function tableReader (): TableReaderApi {
  let table: TableColumns | undefined
  return {
    async read (file, onProgress) {
      table = undefined
      const rows = new CsvRows()
      const decoder = new TextDecoder('utf-8')
      let bytes = 0
      let reported = performance.now()
      for (let at = 0; at < file.size; at += SLICE_BYTES) {
        const slice = new Uint8Array(await file.slice(at, at + SLICE_BYTES).arrayBuffer())
        bytes += slice.length
        rows.push(decoder.decode(slice, { stream: true }), false)
        if (performance.now() - reported >= PROGRESS_MS) {
          reported = performance.now()
          onProgress({ bytes, total: file.size })
        }
      }
      rows.push(decoder.decode(), true)
      onProgress({ bytes, total: file.size })
      table = rows.columns('the file')
      return { stats: table.stats(), ...(rows.quoteError === undefined ? {} : { quoteError: rows.quoteError }) }
    },
    async pack ({ label, seed, maxShardBytes }, onProgress) {
      if (table === undefined) throw new DataFormatError('the table', 'has not been read')
      const source = table.samples(label, seed)
      const packed = packDataset(source, maxShardBytes, onProgress)
      const result: PackedTable = { ...packed, count: source.count, featureShape: source.featureShape, classes: source.classes, classNames: source.classNames, description: source.description }
      return await Promise.resolve(Comlink.transfer(result, packed.shards.map((s) => s.bytes.buffer as ArrayBuffer)))
    },
    async modelSamples (model) {
      if (table === undefined) throw new DataFormatError('the table', 'has not been read')
      const samples = table.modelSamples(model)
      return await Promise.resolve(Comlink.transfer(samples, [samples.x.buffer, samples.labels.buffer]))
    }
  }
}

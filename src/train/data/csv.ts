/**
 * CSV data sets: a header row, numeric feature columns and one label column (any values: the
 * distinct values, sorted, become the classes). Features are z-scored with the training file's
 * statistics; pass those statistics back in for a test file so both share one scale.
 */
import { DataFormatError } from '../errors.ts'
import type { Dataset } from './dataset.ts'

export interface CsvOptions {
  /** names the file in errors */
  source?: string
  /** header name of the label column; default "label" if present, else the last column */
  labelColumn?: string
  /** reuse a training file's classes and scale (for its test file) */
  like?: CsvDataset
}

export interface CsvDataset extends Dataset {
  classNames: string[]
  featureNames: string[]
  mean: Float32Array
  std: Float32Array
}

function splitLine (line: string, where: string): string[] {
  const fields: string[] = []
  let i = 0
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = ''
      i++
      for (;;) {
        if (i >= line.length) throw new DataFormatError(where, 'unterminated quoted field')
        if (line[i] === '"') {
          if (line[i + 1] === '"') { value += '"'; i += 2; continue }
          i++
          break
        }
        value += line[i]
        i++
      }
      if (i < line.length && line[i] !== ',') throw new DataFormatError(where, 'text after a closing quote')
      fields.push(value)
      i++
    } else {
      const end = line.indexOf(',', i)
      const stop = end === -1 ? line.length : end
      fields.push(line.slice(i, stop).trim())
      i = stop + 1
    }
  }
  return fields
}

export function parseCsv (text: string, options: CsvOptions = {}): CsvDataset {
  const source = options.source ?? 'CSV'
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const header = splitLine(lines[0] ?? '', `${source} row 1`)
  if (header.length < 2 || header.every((h) => h === '')) throw new DataFormatError(`${source} row 1`, 'needs a header row with at least one feature and a label column')
  const labelName = options.labelColumn ?? (header.includes('label') ? 'label' : header.at(-1) as string)
  const labelAt = header.indexOf(labelName)
  if (labelAt === -1) throw new DataFormatError(`${source} row 1`, `no label column "${labelName}" (columns: ${header.join(', ')})`)
  const featureNames = header.filter((_, i) => i !== labelAt)
  if (options.like !== undefined && options.like.featureNames.join(',') !== featureNames.join(',')) {
    throw new DataFormatError(`${source} row 1`, `columns differ from the training file (${options.like.featureNames.join(', ')})`)
  }

  const rows: number[][] = []
  const rawLabels: string[] = []
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return
    const where = `${source} row ${i + 2}`
    const fields = splitLine(line, where)
    if (fields.length !== header.length) throw new DataFormatError(where, `has ${fields.length} fields, the header has ${header.length}`)
    const label = fields[labelAt] as string
    if (label === '') throw new DataFormatError(where, `empty label in column "${labelName}"`)
    rawLabels.push(label)
    rows.push(fields.filter((_, c) => c !== labelAt).map((field, c) => {
      const value = field === '' ? Number.NaN : Number(field)
      if (!Number.isFinite(value)) throw new DataFormatError(where, `column "${featureNames[c] as string}" is not a number: "${field}"`)
      return value
    }))
  })
  if (rows.length === 0) throw new DataFormatError(source, 'has a header but no data rows')

  const classNames = options.like?.classNames ?? sortedClasses(rawLabels)
  const classOf = new Map(classNames.map((name, i) => [name, i]))
  const labels = Int32Array.from(rawLabels, (label, i) => {
    const index = classOf.get(label)
    if (index === undefined) throw new DataFormatError(`${source} row ${i + 2}`, `label "${label}" is not one of the training classes`)
    return index
  })
  const width = featureNames.length
  const { mean, std } = options.like ?? columnStats(rows, width)
  const x = new Float32Array(rows.length * width)
  rows.forEach((row, r) => row.forEach((v, c) => { x[r * width + c] = (v - (mean[c] as number)) / (std[c] as number) }))
  return { x, labels, featureShape: [width], classes: classNames.length, classNames, featureNames, mean, std }
}

function sortedClasses (labels: string[]): string[] {
  const unique = [...new Set(labels)]
  const numeric = unique.every((l) => Number.isFinite(Number(l)))
  return unique.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined)
}

function columnStats (rows: number[][], width: number): { mean: Float32Array, std: Float32Array } {
  const mean = new Float32Array(width)
  const std = new Float32Array(width)
  for (let c = 0; c < width; c++) {
    let sum = 0
    for (const row of rows) sum += row[c] as number
    const m = sum / rows.length
    let sq = 0
    for (const row of rows) sq += ((row[c] as number) - m) ** 2
    mean[c] = m
    // A constant column carries no information; dividing by 1 keeps it at zero instead of NaN.
    std[c] = Math.sqrt(sq / rows.length) || 1
  }
  return { mean, std }
}

/** Reading model outputs and viewer inputs. */
import { errorKind } from '../../core/errors.ts'

export interface ClassScore {
  index: number
  label: string
  probability: number
}

/** The `k` most probable classes of one row of probabilities, best first. */
export function topClasses (probabilities: ArrayLike<number>, k: number, names?: readonly string[]): ClassScore[] {
  return Array.from(probabilities, (probability, index) => ({ index, label: names?.[index] ?? String(index), probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k)
}

export class FeatureRowError extends errorKind('FEATURE_ROW') {
  override name = 'FeatureRowError'
}

/** One CSV row of `expected` numeric features (commas or tabs between them). */
export function parseFeatureRow (text: string, expected: number): Float32Array {
  const cells = text.trim().split(/[,\t;]/).map((c) => c.trim())
  if (cells.length === 1 && cells[0] === '') throw new FeatureRowError(`enter ${expected} comma-separated numbers`)
  if (cells.length !== expected) throw new FeatureRowError(`the model takes ${expected} features, the row has ${cells.length}`)
  return Float32Array.from(cells, (cell, i) => {
    const value = Number(cell)
    if (cell === '' || !Number.isFinite(value)) throw new FeatureRowError(`feature ${i + 1} ("${cell}") is not a number`)
    return value
  })
}

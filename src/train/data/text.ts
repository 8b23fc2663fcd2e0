/**
 * Text as a data set for the character transformer. The vocabulary is the text's distinct
 * characters (Unicode code points) in code point order, so the same text always gives the same
 * ids. The token stream is cut into windows of `context` inputs: window i holds tokens
 * [i * context, (i + 1) * context) as its features and token (i + 1) * context, the one after the
 * window, as its label. The targets of a window are therefore its own tokens shifted by one with
 * the label appended, and windows stored as samples travel, shard and hold out like any other data set.
 */
import { DataFormatError } from '../errors.ts'
import type { Dataset } from './dataset.ts'

/** Text that cannot become a character data set. */
export class TextDataError extends DataFormatError {
  override name = 'TextDataError'
}

/** The distinct characters of `text`, in code point order. */
export function buildVocabulary (text: string): string[] {
  const chars = new Set<string>()
  for (const ch of text) chars.add(ch)
  return [...chars].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number))
}

/** Token ids of `text`; a character outside the vocabulary is named with its position. */
export function encodeText (text: string, vocabulary: readonly string[], source = 'text'): Int32Array {
  const ids = new Map(vocabulary.map((ch, i) => [ch, i]))
  const out: number[] = []
  let position = 0
  for (const ch of text) {
    const id = ids.get(ch)
    if (id === undefined) throw new TextDataError(source, `has ${JSON.stringify(ch)} at character ${position}, which is not in the vocabulary`)
    out.push(id)
    position++
  }
  return Int32Array.from(out)
}

export function decodeTokens (ids: ArrayLike<number>, vocabulary: readonly string[]): string {
  let out = ''
  for (let i = 0; i < ids.length; i++) out += vocabulary[ids[i] as number] ?? '\uFFFD'
  return out
}

/** The windows of a token stream, as samples of `context` token ids (see the module comment). */
export function textWindows (tokens: Int32Array, context: number, vocabulary: readonly string[], source = 'text'): Dataset {
  const count = Math.floor((tokens.length - 1) / context)
  if (count < 2) throw new TextDataError(source, `has ${tokens.length} characters: too few for two windows of ${context} (it needs at least ${2 * context + 1})`)
  const x = new Float32Array(count * context)
  const labels = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < context; j++) x[i * context + j] = tokens[i * context + j] as number
    labels[i] = tokens[(i + 1) * context] as number
  }
  return { x, labels, featureShape: [context], classes: vocabulary.length, classNames: [...vocabulary] }
}

/** Per window, the token each position predicts: its successor in the text. */
export function windowTargets (data: Pick<Dataset, 'x' | 'labels'>, context: number): Int32Array {
  const count = data.labels.length
  const out = new Int32Array(count * context)
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < context - 1; j++) out[i * context + j] = data.x[i * context + j + 1] as number
    out[i * context + context - 1] = data.labels[i] as number
  }
  return out
}

/** The vocabulary and the windows of a text, for a task of that context. */
export function textDataset (text: string, context: number, source = 'text'): { vocabulary: string[], data: Dataset } {
  const vocabulary = buildVocabulary(text)
  if (vocabulary.length < 2) throw new TextDataError(source, 'has fewer than two distinct characters')
  return { vocabulary, data: textWindows(encodeText(text, vocabulary, source), context, vocabulary, source) }
}

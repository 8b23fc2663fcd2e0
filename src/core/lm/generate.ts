/**
 * Text generation from a character model, whatever runs it (tfjs or ONNX Runtime): the model is a
 * function from a window of `context` token ids to next-token probabilities at every position.
 * A prompt shorter than the context is padded at the end; the model is causal, so the padding
 * never reaches the position that is read. Sampling is seeded, so the same settings give the same text.
 */
import { MLBridgeError } from '../errors.ts'
import { Rng } from '../random.ts'

export interface SamplingOptions {
  /** 0 picks the most probable token; higher spreads the choice (probabilities to the power 1/T) */
  temperature: number
  /** only the k most probable tokens may be drawn; 0 for all of them */
  topK: number
  seed: number
}

export class GenerationError extends MLBridgeError {
  override name = 'GenerationError'
  constructor (message: string) {
    super('GENERATION', message)
  }
}

/** Draws a token from one row of probabilities under `options` (ties go to the lower id). */
export function sampleToken (probabilities: ArrayLike<number>, options: Omit<SamplingOptions, 'seed'>, rng: Rng): number {
  const order = Array.from({ length: probabilities.length }, (_, i) => i)
    .sort((a, b) => (probabilities[b] as number) - (probabilities[a] as number) || a - b)
  if (options.temperature === 0) return order[0] as number
  const kept = options.topK > 0 ? order.slice(0, options.topK) : order
  const weights = kept.map((i) => Math.pow(Math.max(probabilities[i] as number, 0), 1 / options.temperature))
  const total = weights.reduce((a, b) => a + b, 0)
  if (!(total > 0) || !Number.isFinite(total)) return kept[0] as number
  let u = rng.nextFloat() * total
  for (let j = 0; j < kept.length; j++) {
    u -= weights[j] as number
    if (u < 0) return kept[j] as number
  }
  return kept.at(-1) as number
}

export interface GenerateOptions extends SamplingOptions {
  vocabulary: readonly string[]
  context: number
  prompt: string
  /** characters to add after the prompt */
  length: number
  /** probabilities [context, vocab] for one window of `context` token ids */
  predict: (window: Float32Array) => Promise<Float32Array>
}

export function checkSampling (options: Pick<GenerateOptions, 'temperature' | 'topK' | 'length'>): void {
  if (!(Number.isFinite(options.temperature) && options.temperature >= 0 && options.temperature <= 10)) throw new GenerationError(`the temperature must be between 0 and 10, got ${options.temperature}`)
  if (!(Number.isInteger(options.topK) && options.topK >= 0)) throw new GenerationError(`top-k must be a whole number, 0 for no limit, got ${options.topK}`)
  if (!(Number.isInteger(options.length) && options.length >= 1 && options.length <= 10_000)) throw new GenerationError(`the length must be a whole number from 1 to 10000, got ${options.length}`)
}

/** The prompt followed by `length` generated characters. */
export async function generateText (options: GenerateOptions): Promise<string> {
  checkSampling(options)
  const { vocabulary, context } = options
  const ids = new Map(vocabulary.map((ch, i) => [ch, i]))
  const tokens: number[] = []
  for (const ch of options.prompt) {
    const id = ids.get(ch)
    if (id === undefined) throw new GenerationError(`the prompt has ${JSON.stringify(ch)}, which the model's vocabulary does not hold`)
    tokens.push(id)
  }
  if (tokens.length === 0) throw new GenerationError('the prompt is empty: give the model at least one character to continue')
  const rng = new Rng(options.seed)
  let out = options.prompt
  for (let n = 0; n < options.length; n++) {
    const window = tokens.slice(-context)
    const input = new Float32Array(context)
    input.set(window)
    const probabilities = await options.predict(input)
    if (probabilities.length !== context * vocabulary.length) throw new GenerationError(`the model gave ${probabilities.length} probabilities for a window, expected ${context} x ${vocabulary.length}`)
    const at = window.length - 1
    const next = sampleToken(probabilities.subarray(at * vocabulary.length, (at + 1) * vocabulary.length), options, rng)
    tokens.push(next)
    out += vocabulary[next] as string
  }
  return out
}

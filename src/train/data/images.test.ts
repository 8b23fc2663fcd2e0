import { describe, expect, it } from 'vitest'
import { DataFormatError } from '../errors.ts'
import { imagesToDataset, type RawImage } from './images.ts'

const solid = (path: string, rgb: [number, number, number], size = 2): RawImage => ({
  path, width: size, height: size, rgba: Uint8Array.from({ length: size * size * 4 }, (_, i) => i % 4 === 3 ? 255 : rgb[i % 4] as number)
})

describe('imagesToDataset', () => {
  it('takes classes from the folder names and normalises pixels', () => {
    const data = imagesToDataset([solid('set/dog/1.png', [255, 255, 255]), solid('set/cat/1.png', [0, 0, 0]), solid('set/dog/2.png', [255, 0, 0])], { height: 2, width: 2, channels: 3 })
    expect(data.classNames).toEqual(['cat', 'dog'])
    expect([...data.labels]).toEqual([1, 0, 1])
    expect(data.featureShape).toEqual([2, 2, 3])
    expect([...data.x.subarray(0, 3)]).toEqual([1, 1, 1])
    expect([...data.x.subarray(24, 27)]).toEqual([1, 0, 0])
  })

  it('converts to grey with luma weights', () => {
    const data = imagesToDataset([solid('a/x.png', [255, 0, 0]), solid('b/x.png', [0, 0, 0])], { height: 2, width: 2, channels: 1 })
    expect(data.x[0]).toBeCloseTo(0.299, 6)
    expect(data.x).toHaveLength(8)
  })

  it('names the file that is the wrong size or outside a label folder', () => {
    expect(() => imagesToDataset([solid('a/ok.png', [0, 0, 0]), solid('b/big.png', [0, 0, 0], 3)], { height: 2, width: 2, channels: 1 })).toThrow('b/big.png: is 3x3, expected 2x2')
    expect(() => imagesToDataset([solid('loose.png', [0, 0, 0])], { height: 2, width: 2, channels: 1 })).toThrow(DataFormatError)
    expect(() => imagesToDataset([{ ...solid('a/short.png', [0, 0, 0]), rgba: new Uint8Array(3) }], { height: 2, width: 2, channels: 1 })).toThrow('a/short.png: has 3 bytes')
  })
})

import { describe, expect, it } from 'vitest'
import { EmptyDrawingError, MNIST_SIDE, rgbaToGrey, toMnistInput } from './digitImage.ts'

/** A width×height grey image with a filled rectangle of ink. */
function drawing (width: number, height: number, rect: { x: number, y: number, w: number, h: number }): Float32Array {
  const grey = new Float32Array(width * height)
  for (let y = rect.y; y < rect.y + rect.h; y++) for (let x = rect.x; x < rect.x + rect.w; x++) grey[y * width + x] = 1
  return grey
}

function centreOfMass (img: Float32Array): [number, number] {
  let m = 0; let cx = 0; let cy = 0
  img.forEach((v, i) => { m += v; cx += v * (i % MNIST_SIDE); cy += v * Math.floor(i / MNIST_SIDE) })
  return [cx / m, cy / m]
}

describe('toMnistInput', () => {
  it('scales ink in a corner of a large canvas into a centred 20-pixel box', () => {
    const img = toMnistInput(drawing(280, 280, { x: 0, y: 0, w: 40, h: 200 }), 280, 280)
    expect(img).toHaveLength(784)
    const [cx, cy] = centreOfMass(img)
    expect(Math.abs(cx - 13.5)).toBeLessThanOrEqual(1)
    expect(Math.abs(cy - 13.5)).toBeLessThanOrEqual(1)
    // 200 pixels tall → 20 rows of ink, keeping the 1:5 aspect ratio (4 columns).
    const rows = new Set<number>(); const cols = new Set<number>()
    img.forEach((v, i) => { if (v > 0.5) { rows.add(Math.floor(i / 28)); cols.add(i % 28) } })
    expect(rows.size).toBe(20)
    expect(cols.size).toBe(4)
    expect(Math.max(...img)).toBeLessThanOrEqual(1)
  })

  it('refuses an empty canvas', () => {
    expect(() => toMnistInput(new Float32Array(100), 10, 10)).toThrow(EmptyDrawingError)
  })

  it('checks the pixel count', () => {
    expect(() => toMnistInput(new Float32Array(10), 10, 10)).toThrow('expected 100 pixels')
  })
})

describe('rgbaToGrey', () => {
  it('averages the colour channels, weighted by alpha', () => {
    expect([...rgbaToGrey(new Uint8Array([255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 0]), 3, 1)]).toEqual([1, 0, 0])
  })
})

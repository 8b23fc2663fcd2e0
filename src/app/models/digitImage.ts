/**
 * A drawn digit turned into what an MNIST model was trained on: 28×28 grey values in [0, 1],
 * white on black, the digit scaled into a 20×20 box and centred by its centre of mass (how the
 * MNIST set itself was made).
 */
import { MLBridgeError } from '../../core/errors.ts'

export const MNIST_SIDE = 28
const BOX = 20

export class EmptyDrawingError extends MLBridgeError {
  override name = 'EmptyDrawingError'
  constructor () {
    super('EMPTY_DRAWING', 'the canvas is empty: draw a digit first')
  }
}

/** Brightness per pixel (0..1) from RGBA bytes, as the canvas gives them. */
export function rgbaToGrey (rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Float32Array {
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} RGBA bytes for ${width}×${height}, got ${rgba.length}`)
  const grey = new Float32Array(width * height)
  for (let i = 0; i < grey.length; i++) {
    grey[i] = (((rgba[i * 4] as number) + (rgba[i * 4 + 1] as number) + (rgba[i * 4 + 2] as number)) / 3 / 255) * ((rgba[i * 4 + 3] as number) / 255)
  }
  return grey
}

/** Area-averaged sample of `grey` (width×height) at output pixel (ox, oy) of a box scaled by `scale` from (x0, y0). */
function boxAverage (grey: Float32Array, width: number, height: number, x0: number, y0: number, scale: number, ox: number, oy: number): number {
  const sx0 = x0 + ox * scale
  const sy0 = y0 + oy * scale
  let sum = 0
  let area = 0
  for (let y = Math.floor(sy0); y < Math.ceil(sy0 + scale); y++) {
    const wy = Math.min(y + 1, sy0 + scale) - Math.max(y, sy0)
    if (wy <= 0) continue
    for (let x = Math.floor(sx0); x < Math.ceil(sx0 + scale); x++) {
      const wx = Math.min(x + 1, sx0 + scale) - Math.max(x, sx0)
      if (wx <= 0) continue
      const inside = x >= 0 && y >= 0 && x < width && y < height
      sum += (inside ? grey[y * width + x] as number : 0) * wx * wy
      area += wx * wy
    }
  }
  return area === 0 ? 0 : sum / area
}

/**
 * 784 values, row-major. Throws EmptyDrawingError when nothing is drawn (every pixel below 0.05).
 */
export function toMnistInput (grey: Float32Array, width: number, height: number): Float32Array {
  if (grey.length !== width * height) throw new RangeError(`expected ${width * height} pixels for ${width}×${height}, got ${grey.length}`)
  let minX = width; let minY = height; let maxX = -1; let maxY = -1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((grey[y * width + x] as number) < 0.05) continue
      minX = Math.min(minX, x); maxX = Math.max(maxX, x)
      minY = Math.min(minY, y); maxY = Math.max(maxY, y)
    }
  }
  if (maxX < 0) throw new EmptyDrawingError()
  // Square crop around the ink, so the digit keeps its aspect ratio in the 20×20 box.
  const side = Math.max(maxX - minX + 1, maxY - minY + 1)
  const x0 = minX - (side - (maxX - minX + 1)) / 2
  const y0 = minY - (side - (maxY - minY + 1)) / 2
  const scale = side / BOX
  const box = new Float32Array(BOX * BOX)
  let mass = 0; let cx = 0; let cy = 0
  for (let oy = 0; oy < BOX; oy++) {
    for (let ox = 0; ox < BOX; ox++) {
      const value = boxAverage(grey, width, height, x0, y0, scale, ox, oy)
      box[oy * BOX + ox] = value
      mass += value; cx += value * ox; cy += value * oy
    }
  }
  // Shift so the centre of mass lands on the centre of the 28×28 image (13.5, 13.5).
  const dx = Math.round(13.5 - cx / mass)
  const dy = Math.round(13.5 - cy / mass)
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE)
  for (let oy = 0; oy < BOX; oy++) {
    for (let ox = 0; ox < BOX; ox++) {
      const x = ox + dx
      const y = oy + dy
      if (x < 0 || y < 0 || x >= MNIST_SIDE || y >= MNIST_SIDE) continue
      out[y * MNIST_SIDE + x] = Math.min(1, box[oy * BOX + ox] as number)
    }
  }
  return out
}

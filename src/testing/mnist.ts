/** Shared by the unit tests: Node's backend and a small MNIST shard. */
import { selectSamples, type Dataset } from '../train/data/dataset.ts'
import { loadMnistFromDisk } from '../train/data/mnistNode.ts'
import type { MnistSplit } from '../train/data/mnistAsset.ts'

export { useNodeBackend } from '../train/nodeBackend.ts'

let mnist: Promise<MnistSplit> | undefined
export async function mnistSplit (): Promise<MnistSplit> {
  mnist ??= loadMnistFromDisk()
  return await mnist
}

export async function mnistShard (count: number, offset = 0): Promise<Dataset> {
  const { train } = await mnistSplit()
  return selectSamples(train, Array.from({ length: count }, (_, i) => offset + i))
}

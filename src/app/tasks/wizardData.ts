/**
 * The data the wizard publishes a task for: the bundled MNIST asset as served by the app, or a
 * CSV file (read and packed in a worker), image folder or text the creator picked, packed into
 * the shards to store (the loaders name the row or file of any problem).
 */
import { bytesToHex, type Hex } from 'viem'
import { keccakBytes } from '../../core/keccak.ts'
import { rawCid } from '../../storage/index.ts'
import { datasetSource, packDataset, type PackedDataset } from '../../train/data/datasetBlob.ts'
import { decodeImages, pickedImageEntries } from '../../train/data/images.ts'
import type { Dataset } from '../../train/data/dataset.ts'
import { MNIST_ASSET_PATH } from '../../train/data/mnistAsset.ts'
import { CORPUS_NAME, fetchCorpus } from '../../train/data/corpus.ts'
import { textDataset } from '../../train/data/text.ts'
import { DataFormatError } from '../../train/errors.ts'
import { MNIST_TRAIN_SIZE } from '../../provider/taskData.ts'
import { TaskFormError, type DataShape, type DataSource } from './taskForm.ts'
import { MAX_SHARD_BYTES, shuffleDataset, UPLOAD_ORDER_SEED, uploadDataShape } from './uploadPrep.ts'
import type { TableReaderApi } from './tableReader.ts'
import type { TableDescription } from '../../train/data/tableColumns.ts'

/** Uploaded images are scaled to the size of the bundled digits. */
export const IMAGE_SHAPE = { height: 28, width: 28, channels: 1 } as const

export type WizardData =
  | { kind: 'bundled', shape: DataShape, datasetCid: Hex, dataHash: Hex }
  | { kind: 'upload', shape: DataShape, packed: PackedDataset, samples: number, classNames?: string[], table?: TableDescription }

export interface DataChoice {
  source: DataSource
  csvFile?: File
  /** the worker that has read `csvFile` */
  csvTable?: Pick<TableReaderApi, 'pack'>
  csvLabel: string
  imageFiles?: File[]
  textFile?: File
  /** characters per window of a text (the transformer's context) */
  context: number
  holdoutFraction: number
  /** how much of the packing and hashing is done, from 0 to 1 */
  onProgress?: (done: number) => void
}

/** A data set decoded in the page (images, a text), packed here: these are small enough not to need a worker. */
function upload (dataset: Dataset, shape: DataShape): WizardData {
  return { kind: 'upload', shape, packed: packDataset(datasetSource(dataset), MAX_SHARD_BYTES), samples: dataset.labels.length, ...(dataset.classNames === undefined ? {} : { classNames: dataset.classNames }) }
}

/**
 * A text as windows in reading order: not shuffled, so the held-out tail is the end of the text
 * and no held-out window shares characters with a training one.
 */
function textData (text: string, name: string, choice: DataChoice): WizardData {
  const { data } = textDataset(text, choice.context, name)
  return upload(data, uploadDataShape(datasetSource(data), name, choice.holdoutFraction, true))
}

export const MNIST_SHAPE: DataShape = { name: 'mnist', featureShape: [28, 28, 1], classes: 10, trainSamples: MNIST_TRAIN_SIZE }

/** The bundled asset's bytes, identified the way the chain records data: a raw CID and a keccak256. */
async function bundledMnist (): Promise<WizardData> {
  const url = new URL(MNIST_ASSET_PATH, document.baseURI)
  const response = await fetch(url)
  if (!response.ok) throw new DataFormatError(url.href, `HTTP ${response.status}`)
  const bytes = new Uint8Array(await response.arrayBuffer())
  return { kind: 'bundled', shape: MNIST_SHAPE, datasetCid: bytesToHex((await rawCid(bytes)).bytes), dataHash: await keccakBytes(bytes) }
}

export async function loadWizardData (choice: DataChoice): Promise<WizardData> {
  switch (choice.source) {
    case 'mnist':
      return await bundledMnist()
    case 'csv': {
      if (choice.csvFile === undefined || choice.csvTable === undefined) throw new TaskFormError('dataset', 'choose a CSV file')
      const table = await choice.csvTable.pack({ label: choice.csvLabel.trim(), seed: UPLOAD_ORDER_SEED, maxShardBytes: MAX_SHARD_BYTES }, choice.onProgress ?? (() => {}))
      const shape = uploadDataShape(table, choice.csvFile.name.replace(/\.csv$/i, ''), choice.holdoutFraction)
      return { kind: 'upload', shape, packed: { shards: table.shards, dataHash: table.dataHash }, samples: table.count, classNames: table.classNames, table: table.description }
    }
    case 'moby-dick':
      return textData(await fetchCorpus(new URL(import.meta.env.BASE_URL, document.baseURI)), CORPUS_NAME, choice)
    case 'text': {
      if (choice.textFile === undefined) throw new TaskFormError('dataset', 'choose a .txt file')
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(await choice.textFile.arrayBuffer())
      } catch {
        throw new DataFormatError(choice.textFile.name, 'is not UTF-8 text')
      }
      return textData(text, choice.textFile.name.replace(/\.txt$/i, ''), choice)
    }
    case 'images': {
      if (choice.imageFiles === undefined || choice.imageFiles.length === 0) throw new TaskFormError('dataset', 'choose a folder of images, one sub-folder per label')
      const entries = pickedImageEntries(choice.imageFiles)
      const dataset = shuffleDataset(await decodeImages(entries, IMAGE_SHAPE), UPLOAD_ORDER_SEED)
      if (dataset.classes < 2) throw new DataFormatError('image folder', `has one label folder (${dataset.classNames?.join('') ?? ''}); a task needs at least two`)
      const root = entries[0]?.path.split('/')[0] ?? 'images'
      return upload(dataset, uploadDataShape(datasetSource(dataset), root, choice.holdoutFraction))
    }
  }
}

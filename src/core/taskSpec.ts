import { z } from './zod.ts'
import { MLBridgeError } from './errors.ts'
import { DEFAULT_FINGERPRINT_RESOLUTION, DEFAULT_FINGERPRINT_TOLERANCE, FINGERPRINT_MAX_LENGTH, FINGERPRINT_MIN_LENGTH } from './fingerprint.ts'
import { DEFAULT_TOPK_BITS, DEFAULT_TOPK_CHUNK_SIZE, DEFAULT_TOPK_FRACTION, TOPK_MAX_CHUNK_SIZE } from './delta/topk.ts'

/**
 * What a task asks of its providers: the model, the inner and outer optimizers, how deltas are
 * combined, compared and bounded, and the seed every random choice derives from. The spec is
 * pinned and its CID recorded on chain, so parsing is strict: an unknown key is an error rather
 * than a silently ignored typo.
 */
export type TaskSpec = z.output<typeof taskSpecSchema>
export type TaskSpecInput = z.input<typeof taskSpecSchema>
export type ModelSpec = TaskSpec['model']
export type TemplateModelSpec = z.output<typeof templateModelSchema>
export type LayersModelSpec = z.output<typeof layersModelSchema>
export type TransformerModelSpec = z.output<typeof transformerModelSchema>
export type TrainingSpec = TaskSpec['training']
export type OuterSpec = TaskSpec['outer']
export type AggregationSpec = TaskSpec['aggregation']
export type FingerprintSpec = TaskSpec['fingerprint']
export type ValidationSpec = TaskSpec['validation']
export type DeltaSpec = z.output<typeof deltaSchema>
export type TaskSeed = TaskSpec['seed']

const UINT32_MAX = 0xffff_ffff

const positiveInt = z.number().int().positive()
const shape = z.array(positiveInt).min(1, 'must have at least one dimension')
const activation = z.enum(['relu', 'tanh', 'sigmoid']).default('relu')

const TEMPLATE_DEFAULTS = {
  mlp: { hidden: [128] },
  'tabular-mlp': { hidden: [64, 32] },
  cnn: { hidden: [64] }
} as const

const templateModelSchema = z.strictObject({
  template: z.enum(['mlp', 'cnn', 'tabular-mlp']),
  /** Per-sample shape without the batch dimension: [784] for flat MNIST, [28, 28, 1] for a CNN. */
  inputShape: shape,
  classes: z.number().int().min(2),
  /** Widths of the dense hidden layers. */
  hidden: z.array(positiveInt).optional(),
  activation,
  /** CNN only: filters of each conv + max-pool block. */
  filters: z.array(positiveInt).optional(),
  /** CNN only: square kernel size of every conv layer. */
  kernelSize: positiveInt.optional()
}).superRefine((model, ctx) => {
  if (model.template === 'cnn' && model.inputShape.length !== 3) {
    ctx.addIssue({ code: 'custom', path: ['inputShape'], message: 'a cnn needs [height, width, channels]' })
  }
  if (model.template !== 'cnn') {
    for (const key of ['filters', 'kernelSize'] as const) {
      if (model[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only a cnn has ${key}` })
    }
  }
}).transform((model) => {
  const defaults = TEMPLATE_DEFAULTS[model.template]
  const filled = { ...model, hidden: model.hidden ?? [...defaults.hidden] }
  return model.template === 'cnn'
    ? { ...filled, filters: model.filters ?? [8, 16], kernelSize: model.kernelSize ?? 3 }
    : filled
})

const layersModelSchema = z.strictObject({
  /** A tfjs layers model topology (`model.toJSON()`), built by the trainer as is. */
  layers: z.record(z.string(), z.unknown()),
  inputShape: shape,
  classes: z.number().int().min(2)
})

/**
 * Sizes of the character transformer: `small` is the default (0.83 M parameters with a vocabulary
 * of about 80 characters), `tiny` trains in seconds on a CPU, for tests and demos.
 */
export const TRANSFORMER_PRESETS = {
  small: { context: 128, blocks: 4, width: 128, heads: 4, mlpRatio: 4 },
  tiny: { context: 32, blocks: 1, width: 32, heads: 2, mlpRatio: 2 }
} as const

/** Most distinct characters a vocabulary may hold: the head and the embedding grow with it. */
export const MAX_VOCABULARY = 1024

const transformerModelSchema = z.strictObject({
  template: z.literal('char-transformer'),
  preset: z.enum(['small', 'tiny']).default('small'),
  /** The tokens, one character (Unicode code point) each, in id order: built from the corpus. */
  vocabulary: z.array(z.string()).min(2).max(MAX_VOCABULARY),
  context: positiveInt.max(1024).optional(),
  blocks: positiveInt.max(32).optional(),
  width: positiveInt.max(1024).optional(),
  heads: positiveInt.optional(),
  mlpRatio: positiveInt.max(8).optional(),
  /** Derived ([context] and the vocabulary's size), written out so the parsed spec parses again; must agree when given. */
  inputShape: shape.optional(),
  classes: z.number().int().optional()
}).superRefine((model, ctx) => {
  const context = model.context ?? TRANSFORMER_PRESETS[model.preset].context
  if (model.inputShape !== undefined && (model.inputShape.length !== 1 || model.inputShape[0] !== context)) ctx.addIssue({ code: 'custom', path: ['inputShape'], message: `must be [${context}], the context, when given` })
  if (model.classes !== undefined && model.classes !== model.vocabulary.length) ctx.addIssue({ code: 'custom', path: ['classes'], message: `must be ${model.vocabulary.length}, the vocabulary's size, when given` })
  const seen = new Set<string>()
  model.vocabulary.forEach((token, i) => {
    if ([...token].length !== 1) ctx.addIssue({ code: 'custom', path: ['vocabulary', i], message: `must be one character, got ${JSON.stringify(token)}` })
    else if (seen.has(token)) ctx.addIssue({ code: 'custom', path: ['vocabulary', i], message: `${JSON.stringify(token)} appears twice` })
    seen.add(token)
  })
  const width = model.width ?? TRANSFORMER_PRESETS[model.preset].width
  const heads = model.heads ?? TRANSFORMER_PRESETS[model.preset].heads
  if (width % heads !== 0) ctx.addIssue({ code: 'custom', path: ['heads'], message: `the width ${width} must be a multiple of the ${heads} heads` })
}).transform((model) => {
  const filled = { ...TRANSFORMER_PRESETS[model.preset], ...Object.fromEntries(Object.entries(model).filter(([, v]) => v !== undefined)) } as typeof model & (typeof TRANSFORMER_PRESETS)['small']
  return { ...filled, inputShape: [filled.context], classes: model.vocabulary.length }
})

/**
 * One of three shapes, told apart by the transformer template or the `layers` key, so that errors
 * name the fields of the shape the author meant instead of listing every alternative.
 */
const modelSchema = z.unknown().transform((value, ctx): TemplateModelSpec | LayersModelSpec | TransformerModelSpec => {
  const record = typeof value === 'object' && value !== null ? value as Record<string, unknown> : {}
  const schema = record.template === 'char-transformer' ? transformerModelSchema : 'layers' in record ? layersModelSchema : templateModelSchema
  const result = schema.safeParse(value)
  if (result.success) return result.data
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message })
  return z.NEVER
})

const trainingSchema = z.strictObject({
  optimizer: z.enum(['sgd', 'adam']).default('adam'),
  learningRate: z.number().positive().default(0.001),
  /** Inner steps `H` between two outer steps. */
  localSteps: positiveInt.default(50),
  batchSize: positiveInt.default(32),
  /** Samples dealt to each shard per round; shards x samplesPerShard must fit in the data set. */
  samplesPerShard: positiveInt.default(512)
})

/** DiLoCo's outer optimizer: SGD with Nesterov momentum on the averaged pseudo-gradient. */
const outerSchema = z.strictObject({
  learningRate: z.number().positive().default(0.7),
  momentum: z.number().min(0).lt(1).default(0.9),
  nesterov: z.literal(true).default(true)
})

const aggregationSchema = z.strictObject({
  rule: z.enum(['mean', 'trimmed-mean', 'median', 'centered-clip']).default('mean'),
  /** Fraction of the contributions dropped at each end of every coordinate (trimmed mean). */
  trimFraction: z.number().min(0).lt(0.5).default(0.2),
  /**
   * Centered clipping radius in delta-norm units. Left out, each round uses the median distance
   * of the contributions from the starting point, which needs no tuning to the model's scale.
   */
  clipRadius: z.number().positive().optional(),
  clipIterations: positiveInt.max(100).default(3)
})

const fingerprintSchema = z.strictObject({
  /** Components of the sketch; the contract stores at most 64. */
  length: z.number().int().min(FINGERPRINT_MIN_LENGTH).max(FINGERPRINT_MAX_LENGTH).default(32),
  /** Integer units per unit of relative change (see fingerprint.ts). */
  resolution: positiveInt.max(1 << 24).default(DEFAULT_FINGERPRINT_RESOLUTION),
  /** Sketches agree iff max_i |a_i - b_i| <= tolerance. */
  tolerance: z.number().int().min(0).max(UINT32_MAX).default(DEFAULT_FINGERPRINT_TOLERANCE)
})

const validationSchema = z.strictObject({
  /** Absolute bound on a delta's L2 norm; left out, only the relative bound applies. */
  maxDeltaNorm: z.number().positive().optional(),
  /** A delta may be at most this many times the median norm of the round's deltas. */
  maxNormToMedian: z.number().min(1).default(10)
})

/** int8's values per scale when the spec leaves it out (codec.ts DEFAULT_CHUNK_SIZE). */
const INT8_CHUNK_SIZE = 256

/**
 * How providers encode their deltas (protocol section 8). A spec without this section means int8
 * with 256 values per scale, as before the section existed: the key then stays out of the parsed
 * spec, so older specs keep their bytes and CID. `delta/taskEncoding.ts` turns it into codec options.
 */
const deltaSchema = z.strictObject({
  scheme: z.enum(['float32', 'int8', 'topk']).default('int8'),
  /** int8: values per scale (256); topk: values per chunk of the flattened delta (4,096, at most 65,536). */
  chunkSize: positiveInt.optional(),
  /** topk: the fraction of every chunk kept (0.01); k = round(fraction x chunkSize) must be at least 1. */
  fraction: z.number().gt(0).max(1).optional(),
  /** topk: bits per kept value, 2 (codes -1, 0, 1) or 4 (codes -7 to 7). */
  bits: z.literal([2, 4], { error: 'must be 2 or 4' }).optional(),
  /**
   * Error feedback (delta/errorFeedback.ts): off, and refused on. Replicas agree on a payload only
   * when their residuals share a history, and the draw gives a shard new replicas every round
   * (protocol section 8, "Error feedback and redundancy").
   */
  errorFeedback: z.boolean().default(false)
}).superRefine((delta, ctx) => {
  const only = (key: 'chunkSize' | 'fraction' | 'bits', schemes: string): void => {
    if (delta[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only ${schemes} has ${key}, not ${delta.scheme}` })
  }
  if (delta.scheme !== 'topk') {
    only('fraction', 'topk')
    only('bits', 'topk')
  }
  if (delta.scheme === 'float32') only('chunkSize', 'int8 or topk')
  if (delta.errorFeedback) {
    ctx.addIssue({ code: 'custom', path: ['errorFeedback'], message: "is not supported: a shard's replicas are redrawn every round, so their residuals differ and their payloads would not agree" })
  }
  if (delta.scheme === 'int8' && delta.chunkSize !== undefined && delta.chunkSize > UINT32_MAX) {
    ctx.addIssue({ code: 'custom', path: ['chunkSize'], message: `must be at most ${UINT32_MAX}` })
  }
  if (delta.scheme === 'topk') {
    const chunkSize = delta.chunkSize ?? DEFAULT_TOPK_CHUNK_SIZE
    const fraction = delta.fraction ?? DEFAULT_TOPK_FRACTION
    if (chunkSize > TOPK_MAX_CHUNK_SIZE) ctx.addIssue({ code: 'custom', path: ['chunkSize'], message: `must be at most ${TOPK_MAX_CHUNK_SIZE} for topk (indices are at most 16 bits)` })
    else if (Math.round(fraction * chunkSize) < 1) ctx.addIssue({ code: 'custom', path: ['fraction'], message: `keeps no value of a ${chunkSize}-value chunk: fraction x chunkSize must round to at least 1` })
  }
}).transform((delta) => {
  // errorFeedback, always false once parsed, stays out of the parsed spec.
  switch (delta.scheme) {
    case 'float32': return { scheme: delta.scheme }
    case 'int8': return { scheme: delta.scheme, chunkSize: delta.chunkSize ?? INT8_CHUNK_SIZE }
    case 'topk':
      return { scheme: delta.scheme, chunkSize: delta.chunkSize ?? DEFAULT_TOPK_CHUNK_SIZE, fraction: delta.fraction ?? DEFAULT_TOPK_FRACTION, bits: delta.bits ?? DEFAULT_TOPK_BITS }
  }
})

export const taskSpecSchema = z.strictObject({
  specVersion: z.literal(1).default(1),
  model: modelSchema,
  dataset: z.strictObject({
    /** A bundled data set such as `mnist`, or a label for the manifest behind `manifestCid`. */
    name: z.string().min(1),
    manifestCid: z.string().min(1).optional(),
    /** The last fraction of an uploaded data set's samples, held out to score versions (never trained on). */
    holdoutFraction: z.number().gt(0).max(0.5).default(0.1),
    /**
     * Versions are scored on the first this many held-out samples only (all when left out): a
     * transformer's held-out windows can cost more to score than a round costs to train.
     */
    evalSamples: positiveInt.optional()
  }).default({ name: 'mnist', holdoutFraction: 0.1 }),
  training: trainingSchema.prefault({}),
  outer: outerSchema.prefault({}),
  aggregation: aggregationSchema.prefault({}),
  fingerprint: fingerprintSchema.prefault({}),
  validation: validationSchema.prefault({}),
  /** Absent: int8 with 256 values per scale. */
  delta: deltaSchema.optional(),
  /** Root of every derived seed (sampling, inner steps, fingerprint projection). */
  seed: z.union([z.string().min(1), z.number().int().min(0).max(UINT32_MAX)])
})

export class InvalidTaskSpecError extends MLBridgeError {
  override name = 'InvalidTaskSpecError'
  constructor (readonly source: string, readonly issues: string[], options?: { cause?: unknown }) {
    super('TASK_SPEC_INVALID', `Invalid task spec in ${source}: ${issues.join('; ')}`, options)
  }
}

/** The bytes pinned under a task's spec CID: the spec as UTF-8 JSON. */
export function encodeTaskSpec (spec: TaskSpec | TaskSpecInput): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(spec))
}

/** Throws InvalidTaskSpecError naming the fields when the bytes are not a valid spec. */
export function decodeTaskSpec (bytes: Uint8Array, source = 'task spec'): TaskSpec {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    throw new InvalidTaskSpecError(source, ['not UTF-8 JSON text'], { cause: error })
  }
  return parseTaskSpec(json, source)
}

export function parseTaskSpec (json: unknown, source = 'task spec'): TaskSpec {
  const result = taskSpecSchema.safeParse(json)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
  throw new InvalidTaskSpecError(source, issues, { cause: result.error })
}

/** The bundled MNIST digits on a one-hidden-layer MLP: the task the demo and the tests run. */
export function defaultMnistSpec (): TaskSpec {
  return parseTaskSpec({
    model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [128] },
    dataset: { name: 'mnist' },
    seed: 'mlbridge-mnist-mlp'
  }, 'defaultMnistSpec')
}

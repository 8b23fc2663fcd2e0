import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { NO_PARENT_DATA } from '../../chain/actions/createTask.ts'
import { taskBudget } from '../../chain/actions/taskBudget.ts'
import { budgetParams, buildSpec, buildTaskParams, chainSettings, continuedForm, dataSetRegistration, DEFAULT_FORM, randomSeed, textDefaults, type DataShape, type TaskForm } from './taskForm.ts'

const MNIST: DataShape = { name: 'mnist', featureShape: [28, 28, 1], classes: 10, trainSamples: 9000 }
const form = (patch: Partial<TaskForm> = {}): TaskForm => ({ ...DEFAULT_FORM, ...patch })
const CIDS = {
  specCid: '0x01' as const,
  datasetCid: '0x02' as const,
  initialModelCid: '0x03' as const,
  initialCommitHash: `0x${'4'.repeat(64)}` as const,
  initialDataHash: `0x${'5'.repeat(64)}` as const,
  parentVersion: 0n,
  parentData: NO_PARENT_DATA
}

const TEXT: DataShape = { name: 'moby-dick', featureShape: [32], classes: 3, trainSamples: 9000, manifestCid: 'bafytext', vocabulary: ['a', 'b', 'c'] }

describe('buildSpec', () => {
  it('encodes deltas with top-k when asked, comparing fingerprints with the wider tolerance it needs', () => {
    expect(buildSpec(form(), MNIST, 'seed').delta).toBeUndefined()
    const spec = buildSpec(form({ deltaEncoding: 'topk2' }), MNIST, 'seed')
    expect(spec.delta).toMatchObject({ scheme: 'topk', bits: 2 })
    expect(spec.fingerprint.tolerance).toBe(16_384)
  })

  it('builds a character transformer for text, with its vocabulary, and refuses every other pairing', () => {
    const spec = buildSpec(form({ dataset: 'moby-dick', ...textDefaults('tiny') }), TEXT, 'seed')
    expect(spec.model).toMatchObject({ template: 'char-transformer', preset: 'tiny', vocabulary: ['a', 'b', 'c'], context: 32 })
    expect(spec.dataset).toMatchObject({ name: 'moby-dick', manifestCid: 'bafytext', evalSamples: 512 })
    expect(() => buildSpec(form({ dataset: 'moby-dick' }), TEXT, 'seed')).toThrow(/Model: text data trains the character transformer/)
    expect(() => buildSpec(form({ template: 'char-transformer' }), MNIST, 'seed')).toThrow(/Model: the character transformer trains on text/)
    expect(() => buildSpec(form({ dataset: 'moby-dick', ...textDefaults('small') }), TEXT, 'seed')).toThrow(/Size: the text was cut into windows of 32 characters, the small model reads 128/)
  })

  it('gives the MNIST MLP defaults tuned for three rounds', () => {
    const spec = buildSpec(form(), MNIST, 'seed-1')
    expect(spec.model).toEqual({ template: 'mlp', inputShape: [784], classes: 10, hidden: [64], activation: 'relu' })
    expect(spec.training).toEqual({ optimizer: 'adam', learningRate: 0.003, localSteps: 60, batchSize: 32, samplesPerShard: 1920 })
    expect(spec.outer).toEqual({ learningRate: 0.7, momentum: 0.9, nesterov: true })
    expect(spec.fingerprint).toEqual({ length: 32, resolution: 65536, tolerance: 2048 })
    expect(spec.dataset).toEqual({ name: 'mnist', holdoutFraction: 0.1 })
    expect(spec.seed).toBe('seed-1')
  })

  it('keeps the image shape for a cnn and refuses a cnn on a table', () => {
    expect(buildSpec(form({ template: 'cnn' }), MNIST, 's').model.inputShape).toEqual([28, 28, 1])
    expect(() => buildSpec(form({ template: 'cnn' }), { ...MNIST, featureShape: [5] }, 's')).toThrow(/Model: a cnn needs images/)
    // A task beyond what a volunteer lends is refused in the wizard, naming the field to change.
    expect(() => buildSpec(form({ batchSize: '100000' }), MNIST, 's')).toThrow(/Batch size: The task asks for more than a volunteer lends: batchSize 100,000 exceeds 1,024/)
  })

  it('records an upload by manifest CID and holdout fraction', () => {
    const spec = buildSpec(form({ template: 'tabular-mlp', holdoutFraction: '0.2', samplesPerShard: '10' }), { name: 'iris', featureShape: [4], classes: 3, trainSamples: 120, manifestCid: 'bafyfoo' }, 's')
    expect(spec.dataset).toEqual({ name: 'iris', manifestCid: 'bafyfoo', holdoutFraction: 0.2 })
    expect(spec.model).toMatchObject({ template: 'tabular-mlp', inputShape: [4], classes: 3 })
  })

  it('continues a version with its own architecture, on data that fits it, and says why other data does not', () => {
    const parent = buildSpec(form({ template: 'cnn', learningRate: '0.01', deltaEncoding: 'topk4' }), MNIST, 'parent')
    const again = continuedForm(parent)
    expect(again).toMatchObject({ dataset: 'mnist', template: 'cnn', learningRate: '0.01', deltaEncoding: 'topk4', name: '' })
    const spec = buildSpec(again, MNIST, 'child', parent.model)
    expect(spec.model).toEqual(parent.model)
    expect(spec.seed).toBe('child')
    // the form's own model would differ (a new task's defaults); the continued one keeps the parent's
    expect(buildSpec({ ...again, template: 'mlp' }, MNIST, 'child', parent.model).model).toEqual(parent.model)
    expect(() => buildSpec(again, { ...MNIST, featureShape: [784] }, 'c', parent.model)).toThrow(/Data set: the model being continued reads samples of \[28, 28, 1\]; mnist has samples of \[784\]/)
    expect(() => buildSpec(again, { ...MNIST, classes: 3 }, 'c', parent.model)).toThrow(/Data set: the model being continued predicts 10 classes; mnist has 3/)
    expect(() => buildSpec(again, TEXT, 'c', parent.model)).toThrow(/Data set: the model being continued reads samples of \[28, 28, 1\], not text/)
  })

  it('continues a character transformer only on a text with the same vocabulary', () => {
    const parent = buildSpec(form({ dataset: 'moby-dick', ...textDefaults('tiny') }), TEXT, 'parent')
    expect(continuedForm(parent)).toMatchObject({ dataset: 'moby-dick', template: 'char-transformer', transformerPreset: 'tiny' })
    expect(buildSpec(continuedForm(parent), TEXT, 'c', parent.model).model).toEqual(parent.model)
    expect(() => buildSpec(continuedForm(parent), { ...TEXT, vocabulary: ['a', 'b', 'd'] }, 'c', parent.model)).toThrow(/knows 3 characters; this text has 3, 1 of them new to it \("d"…\)/)
    expect(() => buildSpec(continuedForm(parent), { ...TEXT, vocabulary: ['b', 'a', 'c'] }, 'c', parent.model)).toThrow(/in another order/)
    expect(() => buildSpec(continuedForm(parent), MNIST, 'c', parent.model)).toThrow(/Data set: the model being continued is a character transformer: choose a text/)
  })

  it('names the field of a bad value', () => {
    expect(() => buildSpec(form({ learningRate: 'abc' }), MNIST, 's')).toThrow(/Learning rate: "abc" is not a number/)
    expect(() => buildSpec(form({ batchSize: '1.5' }), MNIST, 's')).toThrow(/Batch size: 1.5 is not a whole number/)
    expect(() => buildSpec(form({ samplesPerShard: '5000' }), MNIST, 's')).toThrow(/Samples per shard: 2 shards of 5000 samples need more than the 9000 training samples of mnist: at most 4500 each/)
    expect(() => buildSpec(form({ holdoutFraction: '0.6' }), MNIST, 's')).toThrow(/Held-out share: must be at most 0.5/)
    expect(() => buildSpec(form({ template: 'layers', layersJson: '{oops' }), MNIST, 's')).toThrow(/Model JSON: is not JSON/)
  })

  it('passes a pasted layers JSON through to the spec', () => {
    const layers = { class_name: 'Sequential', config: { layers: [{ class_name: 'Flatten', config: {} }, { class_name: 'Dense', config: { units: 10, activation: 'softmax' } }] } }
    const spec = buildSpec(form({ template: 'layers', layersJson: JSON.stringify(layers) }), MNIST, 's')
    expect(spec.model).toEqual({ layers, inputShape: [28, 28, 1], classes: 10 })
    // A model that cannot be built is refused next to the JSON field.
    const unflattened = { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 10, activation: 'softmax' } }] } }
    expect(() => buildSpec(form({ template: 'layers', layersJson: JSON.stringify(unflattened) }), MNIST, 's')).toThrow(/Model JSON: the model outputs \[28, 28, 10\]/)
  })
})

describe('buildTaskParams', () => {
  it('fills every TaskParams field from the form and spec', () => {
    const spec = buildSpec(form(), MNIST, 's')
    const params = buildTaskParams(form(), spec, CIDS)
    expect(params).toEqual({
      ...CIDS,
      // left empty in the form: named after the bundled data and the model
      name: 'MNIST MLP',
      description: '',
      rounds: 3,
      shards: 2,
      replication: 2,
      maxReplication: 3,
      fingerprintLength: 32,
      confirmations: 1,
      tolerance: 2048,
      joinWindow: 60,
      commitWindow: 600,
      revealWindow: 600,
      aggregateWindow: 600,
      challengeWindow: 600,
      rewardPerResult: parseUnits('10', 18),
      minStake: parseUnits('100', 18),
      // 784-64-10 MLP: 784*64+64 + 64*10+10 weights; 6 FLOPs per multiply-add (forward and
      // backward) x (784*64 + 64*10) x batch 32 x 60 steps; 2 x 4 bytes x 32 x (784+64+10) activations
      parameters: 50_890,
      trainMflop: Math.ceil(6 * 50_816 * 32 * 60 / 1e6),
      activationKib: Math.ceil(8 * 32 * 858 / 1024)
    })
    // (10 MLB reward + 0.1 MLB fee) x 3 rounds x 2 shards x 3 replicas
    expect(taskBudget(params)).toBe(parseUnits('181.8', 18))
  })

  it('takes the name and description typed, trimmed, and refuses what TaskManager would', () => {
    const spec = buildSpec(form(), MNIST, 's')
    expect(buildTaskParams(form({ name: '  Digits  ', description: ' an MLP ' }), spec, CIDS)).toMatchObject({ name: 'Digits', description: 'an MLP' })
    // 43 three-byte characters are 129 bytes: one over the contract's bound
    expect(() => buildTaskParams(form({ name: '数'.repeat(43) }), spec, CIDS)).toThrow('Name: is longer than 128 bytes')
    expect(() => buildTaskParams(form({ description: 'x'.repeat(2049) }), spec, CIDS)).toThrow('Description: is longer than 2048 bytes')
  })

  it('caps the spare replication slot at the contract limit and checks amounts', () => {
    expect(budgetParams(form({ replication: '8' })).maxReplication).toBe(8)
    expect(() => budgetParams(form({ replication: '9' }))).toThrow(/Providers per shard: must be at most 8/)
    expect(budgetParams(form({ reward: '0.5' })).rewardPerResult).toBe(parseUnits('0.5', 18))
    expect(() => budgetParams(form({ reward: '0' }))).toThrow(/Reward per accepted result: must be more than 0 MLB/)
    expect(() => budgetParams(form({ reward: '-1' }))).toThrow(/Reward per accepted result: "-1" is not an MLB amount/)
  })
})

describe('randomSeed', () => {
  it('differs between tasks', () => {
    expect(randomSeed()).toMatch(/^[0-9a-f]{16}$/)
    expect(randomSeed()).not.toBe(randomSeed())
  })
})

describe('chainSettings', () => {
  it('names a bad window or stake before anything is published', () => {
    const spec = buildSpec(form(), MNIST, 's')
    expect(() => chainSettings(form({ commitWindow: '0' }), spec)).toThrow(/Commit window: must be at least 1/)
    expect(() => chainSettings(form({ minStake: '' }), spec)).toThrow(/Minimum stake: "" is not an MLB amount/)
    expect(() => chainSettings(form({ confirmations: '300' }), spec)).toThrow(/Confirmations: must be at most 255/)
    // attack (frozen task): windows and the whole lifetime are bounded as TaskManager bounds them
    expect(() => chainSettings(form({ challengeWindow: String(7 * 86_400 + 1) }), spec)).toThrow(/Challenge window: must be at most 604800/)
    expect(() => chainSettings(form({ rounds: '10000', commitWindow: '604800' }), spec)).toThrow(/Rounds: the task could run for \d+ days/)
  })
})

describe('dataSetRegistration', () => {
  const ids = { datasetCid: CIDS.datasetCid, dataHash: CIDS.initialDataHash }

  it('registers the bundled sets under their own names and licences, an upload under its name and the licence typed in', () => {
    expect(dataSetRegistration(form({ dataLicense: 'ignored' }), MNIST, ids)).toMatchObject({ manifestCid: '0x02', contentHash: CIDS.initialDataHash, name: 'MNIST', license: 'CC-BY-SA-3.0' })
    expect(dataSetRegistration(form({ dataset: 'moby-dick' }), TEXT, ids)).toMatchObject({ name: 'Moby Dick', license: 'public domain' })
    expect(dataSetRegistration(form({ dataset: 'csv', dataLicense: ' CC0-1.0 ' }), { ...MNIST, name: 'iris' }, ids)).toEqual({ manifestCid: '0x02', contentHash: CIDS.initialDataHash, name: 'iris', license: 'CC0-1.0', description: '' })
  })

  it('fits the registry: a long file name is cut on a character boundary, a long licence is refused by name', () => {
    const { name } = dataSetRegistration(form({ dataset: 'csv' }), { ...MNIST, name: `${'a'.repeat(127)}é` }, ids)
    expect(name).toBe('a'.repeat(127))
    expect(() => dataSetRegistration(form({ dataset: 'csv', dataLicense: 'x'.repeat(257) }), MNIST, ids)).toThrow(/Licence of the data: is longer than 256 bytes/)
  })
})

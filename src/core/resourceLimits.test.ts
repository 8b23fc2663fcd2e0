import { describe, expect, it } from 'vitest'
import { RESOURCE_LIMITS, ResourceLimitError, UndeclaredResourcesError, checkDeclaredResources, declaredResources } from './resourceLimits.ts'
import { decodeTaskDefinition, defineTask } from './taskDefinition.ts'
import { defaultMnistSpec, encodeTaskSpec, parseTaskSpec } from './taskSpec.ts'

function refusal (run: () => unknown): ResourceLimitError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ResourceLimitError)
    return error as ResourceLimitError
  }
  throw new Error('expected the task to be refused')
}
const names = (error: ResourceLimitError): string[] => error.exceeded.map((e) => e.name)

describe('resource limits', () => {
  it('lets the default MNIST task through, with its costs', () => {
    const { cost, parameterCount } = defineTask(defaultMnistSpec())
    expect(cost.parameters).toBe(parameterCount)
    expect(cost.trainFlops).toBeGreaterThan(1e8)
    expect(cost.trainFlops).toBeLessThan(RESOURCE_LIMITS.trainFlops / 100)
    expect(cost.activationBytes).toBeGreaterThan(0)
  })

  it('counts convolutions in the compute estimate', () => {
    const mlp = defineTask(parseTaskSpec({ model: { template: 'mlp', inputShape: [28, 28, 1], classes: 10, hidden: [64] }, seed: 1 }))
    const cnn = defineTask(parseTaskSpec({ model: { template: 'cnn', inputShape: [28, 28, 1], classes: 10, hidden: [64] }, seed: 1 }))
    expect(cnn.cost.trainFlops).toBeGreaterThan(mlp.cost.trainFlops)
  })

  it('attack: a model of ten billion parameters is refused before anything is allocated', () => {
    const error = refusal(() => defineTask(parseTaskSpec({ model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [100_000, 100_000] }, seed: 1 })))
    expect(names(error)).toContain('parameters')
    expect(error.message).toMatch(/parameters 10,0\d\d,\d{3},\d{3} exceeds 8,000,000/)
  })

  it('attack: a batch of a million samples is refused for its memory', () => {
    const error = refusal(() => defineTask(parseTaskSpec({ model: { template: 'mlp', inputShape: [784], classes: 10 }, training: { batchSize: 1_000_000 }, seed: 1 })))
    expect(names(error)).toEqual(expect.arrayContaining(['batchSize', 'activationBytes', 'trainFlops']))
  })

  it('attack: a million local steps are refused', () => {
    const error = refusal(() => defineTask(parseTaskSpec({ model: { template: 'mlp', inputShape: [784], classes: 10 }, training: { localSteps: 1_000_000 }, seed: 1 })))
    expect(names(error)).toContain('localSteps')
  })

  it('attack: every size within its bound, but hours of compute per shard, is refused', () => {
    const spec = parseTaskSpec({ model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [2048, 2048] }, training: { batchSize: 1024, localSteps: 10_000 }, seed: 1 })
    expect(names(refusal(() => defineTask(spec)))).toEqual(['trainFlops'])
  })

  it('attack: a spec blob over 64 KiB is refused before it is parsed', () => {
    const padded = { ...defaultMnistSpec(), dataset: { name: 'x'.repeat(70_000), holdoutFraction: 0.1 } }
    const error = refusal(() => decodeTaskDefinition(encodeTaskSpec(padded)))
    expect(names(error)).toEqual(['specBytes'])
  })

  it('declares what a result costs in the contract\'s units, rounded up', () => {
    const { cost } = defineTask(defaultMnistSpec())
    const declared = declaredResources(cost)
    expect(declared.parameters).toBe(cost.parameters)
    expect(declared.trainMflop).toBe(Math.ceil(cost.trainFlops / 1e6))
    expect(declared.activationKib).toBe(Math.ceil(cost.activationBytes / 1024))
    expect(declaredResources({ parameters: 1, trainFlops: 1, activationBytes: 1 })).toEqual({ parameters: 1, trainMflop: 1, activationKib: 1 })
    expect(() => { checkDeclaredResources(declared, cost) }).not.toThrow()
  })

  it('attack: a spec that needs more than its task declares on chain is refused, naming each resource', () => {
    const { cost } = defineTask(defaultMnistSpec())
    const declared = declaredResources(cost)
    let error: unknown
    try {
      checkDeclaredResources({ ...declared, trainMflop: declared.trainMflop - 1, activationKib: 1 }, cost)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UndeclaredResourcesError)
    expect((error as UndeclaredResourcesError).exceeded.map((e) => e.name)).toEqual(['trainMflop', 'activationKib'])
    expect((error as UndeclaredResourcesError).message).toMatch(/activationKib [\d,]+ against 1 declared/)
  })
})

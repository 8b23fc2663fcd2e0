import * as Comlink from 'comlink'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeDelta } from '../core/delta/codec.ts'
import { parseTaskSpec } from '../core/taskSpec.ts'
import { architectureFromSpec, weightLayout } from '../core/architecture.ts'
import { backendStoreKey } from './backendChoice.ts'
import { loadMnistFromDisk } from './data/mnistNode.ts'
import { BackendUnavailableError, TrainingCancelledError } from './errors.ts'
import { nodeWasmPaths } from './nodeWasmPaths.ts'
import { TrainerClient } from './trainerClient.ts'
import { createTrainerApi } from './trainerService.ts'
import type { TrainProgress } from './trainShard.ts'

const spec = parseTaskSpec({
  model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [16] },
  training: { optimizer: 'sgd', learningRate: 0.2, localSteps: 8, batchSize: 32 },
  seed: 'client-test'
})
const arch = architectureFromSpec(spec.model)

/** The client and the trainer API on two ends of a MessageChannel: comlink as in the browser, no worker. */
function connect (store = new Map<string, string>()): { client: TrainerClient, store: Map<string, string> } {
  const { port1, port2 } = new MessageChannel()
  Comlink.expose(createTrainerApi({ wasmPaths: nodeWasmPaths(), loadMnist: loadMnistFromDisk }), port1 as unknown as Comlink.Endpoint)
  const endpoint = Object.assign(port2 as unknown as Comlink.Endpoint, { terminate: () => { port1.close(); port2.close() } })
  const client = new TrainerClient(endpoint, { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => { store.set(k, v) } })
  return { client, store }
}

const clients: TrainerClient[] = []
afterEach(() => { clients.splice(0).forEach((c) => c.terminate()) })

describe('TrainerClient over comlink', () => {
  it('trains an MNIST shard by indices; every progress report arrives before the result', async () => {
    const { client } = connect()
    clients.push(client)
    const weights = await client.initialWeights(arch, 1)
    const progress: TrainProgress[] = []
    const { delta, metrics } = await client.train(
      { architecture: arch, training: spec.training, weights, data: { kind: 'mnist', indices: Array.from({ length: 256 }, (_, i) => i) }, seed: 1, progressIntervalMs: 0 },
      { backend: 'wasm', onProgress: (p) => progress.push(p) }
    )
    expect(metrics.backend).toBe('wasm')
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(decodeDelta(delta, { expected: weightLayout(arch), maxBytes: 1 << 22 })).toHaveLength(4)
  })

  it('turns an AbortSignal into a cancel and restores the error type', async () => {
    const { client } = connect()
    clients.push(client)
    const weights = await client.initialWeights(arch, 1)
    const controller = new AbortController()
    const training = client.train(
      { architecture: arch, training: { ...spec.training, localSteps: 100_000 }, weights, data: { kind: 'mnist', indices: [0, 1, 2, 3] }, seed: 1, progressIntervalMs: 0 },
      { backend: 'wasm', signal: controller.signal, onProgress: (p) => { if (p.step === 2) controller.abort() } }
    )
    await expect(training).rejects.toBeInstanceOf(TrainingCancelledError)
  })

  it('slows a running shard when the share is lowered', async () => {
    const { client } = connect()
    clients.push(client)
    const weights = await client.initialWeights(arch, 1)
    const controller = new AbortController()
    let step = 0
    const training = client.train(
      { architecture: arch, training: { ...spec.training, localSteps: 100_000 }, weights, data: { kind: 'mnist', indices: Array.from({ length: 64 }, (_, i) => i) }, seed: 1, progressIntervalMs: 0 },
      { backend: 'wasm', signal: controller.signal, onProgress: (p) => { step = p.step } }
    ).catch((error: unknown) => error)
    const stepsIn = async (ms: number): Promise<number> => {
      const from = step
      await new Promise((resolve) => setTimeout(resolve, ms))
      return step - from
    }
    await stepsIn(300) // past the backend's warm-up
    // other work on the machine only slows a window: the busier of two is the full share's
    const full = Math.max(await stepsIn(600), await stepsIn(600))
    await client.setShare(0.1)
    await stepsIn(100)
    const tenth = await stepsIn(600)
    controller.abort()
    expect(await training).toBeInstanceOf(TrainingCancelledError)
    expect(tenth).toBeLessThan(full / 3)
  })

  it('remembers a probed backend on the main thread and reuses it', async () => {
    const store = new Map<string, string>()
    const first = connect(store)
    clients.push(first.client)
    const probed = await first.client.selectBackend(arch)
    expect(probed.source).toBe('probe')
    expect(store.get(backendStoreKey(arch))).toBe(probed.backend)
    const second = connect(store)
    clients.push(second.client)
    expect(await second.client.selectBackend(arch)).toMatchObject({ backend: probed.backend, source: 'remembered' })
    await expect(second.client.selectBackend(arch, 'webgl')).rejects.toBeInstanceOf(BackendUnavailableError)
  })
})
